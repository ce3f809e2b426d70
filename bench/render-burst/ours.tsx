/**
 * Ours: the `ChatRoom` of `stompkit/chat` on a session of `stompkit`, with the
 * Profiler around the whole room. jsdom lays nothing out, so the log renders
 * the newest rows that fit its assumed 800 px viewport at estimated heights,
 * as many as a browser window would show.
 */
import { Profiler, type ProfilerOnRenderCallback } from 'react';
import { ChatRoom } from '../../src/chat/components/ChatRoom';
import { ChatProvider } from '../../src/chat/provider';
import type { ChatStore } from '../../src/chat/store';
import type { StompSession } from '../../src/core/types';
import { StompProvider } from '../../src/react/index';

export interface OursProps {
  session: StompSession;
  store: ChatStore;
  login: string;
  roomId: string;
  onRender: ProfilerOnRenderCallback;
}

export function OursApp({ session, store, login, roomId, onRender }: OursProps) {
  return (
    <StompProvider session={session}>
      <ChatProvider userId={login} store={store}>
        <Profiler id="ours" onRender={onRender}>
          <ChatRoom roomId={roomId} showRooms={false} showPresence={false} />
        </Profiler>
      </ChatProvider>
    </StompProvider>
  );
}
