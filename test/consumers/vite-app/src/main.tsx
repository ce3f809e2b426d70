// A new app using the published package by its public entry points only.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { StompProvider } from 'stompkit';
import { ChatProvider, ChatRoom } from 'stompkit/chat';
import 'stompkit/styles.css';

const params = new URLSearchParams(location.search);
const user = params.get('user') ?? 'guest';
const broker = params.get('broker') ?? 'ws://127.0.0.1:7370/ws';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StompProvider url={broker} connectHeaders={{ login: user, passcode: 'x' }}>
      <ChatProvider userId={user}>
        <ChatRoom defaultRoomId="general" />
      </ChatProvider>
    </StompProvider>
  </StrictMode>,
);
