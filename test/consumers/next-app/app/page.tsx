// A server component: it renders the provider and the chat kit on the
// server (the chat client starts in the browser, so the server HTML holds the
// fallback); they hydrate and connect in the browser.
import { StompProvider } from 'stompkit';
import { ChatProvider, ChatRoom } from 'stompkit/chat';

export default async function Page({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const { user = 'guest', broker = 'ws://127.0.0.1:7370/ws' } = await searchParams;
  return (
    <StompProvider url={broker} connectHeaders={{ login: user, passcode: 'x' }}>
      <ChatProvider userId={user} fallback={<p className="chat-loading">Connecting to the chat…</p>}>
        <ChatRoom defaultRoomId="general" />
      </ChatProvider>
    </StompProvider>
  );
}
