import { createChatClient } from '../../src/chat/client';
import type { ChatClient } from '../../src/chat/client-types';
import { waitForStatus } from '../../src/testing/index';
import type { MemoryStage } from './memory-stomp';

/** Another person in the story, with a real chat client on the memory broker. */
export async function chatPeer(stage: MemoryStage, name: string): Promise<ChatClient> {
  const session = stage.peer(name);
  await waitForStatus(session, 'connected');
  return createChatClient(session, { userId: name });
}

/** A room that exists in the directory (the first creation wins, so repeats are harmless). */
export async function ensureRoom(client: ChatClient, roomId: string, name = roomId): Promise<void> {
  await client.createRoom(roomId, name).catch(() => undefined);
}

/** Resolve after `ms`, unless the story is being torn down (then never). */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
  });
}
