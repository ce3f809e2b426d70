/**
 * Ours: the `ChatRoom` of `stompkit/chat` on a session of `stompkit`, with the
 * Profiler around the whole room. Virtuoso gets fixed sizes from its mock
 * context (jsdom measures nothing), so it renders rows as in a browser.
 */
import { Profiler, type ProfilerOnRenderCallback } from 'react';
import { VirtuosoMockContext } from 'react-virtuoso';
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

const sizes = { viewportHeight: 800, itemHeight: 40 };

export function OursApp({ session, store, login, roomId, onRender }: OursProps) {
  return (
    <StompProvider session={session}>
      <ChatProvider userId={login} store={store}>
        <VirtuosoMockContext.Provider value={sizes}>
          <Profiler id="ours" onRender={onRender}>
            <ChatRoom roomId={roomId} showRooms={false} showPresence={false} />
          </Profiler>
        </VirtuosoMockContext.Provider>
      </ChatProvider>
    </StompProvider>
  );
}
