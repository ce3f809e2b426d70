'use client';
/**
 * Threads: replies travel in their room's stream (with the id of the message
 * that started the thread), so a thread is a view of the open room.
 */
import { useCallback, useMemo } from 'react';
import { useStore } from 'zustand';
import type { SendMessageOptions } from './client-types';
import { useChat } from './hooks';
import { EMPTY_MESSAGES, type ChatMessage } from './state';

export interface ThreadHandle {
  /** The message that started the thread, once loaded. */
  parent: ChatMessage | undefined;
  /** Its replies in stream order, then our replies still on their way. */
  replies: readonly ChatMessage[];
  /** Reply in the thread; `alsoInRoom` shows the reply in the room too. */
  reply(text: string, options?: Omit<SendMessageOptions, 'parentId'>): Promise<void>;
}

/** A thread of a room that a view (`useRoom`/`<ChatRoom>`) has open. */
export function useThread(roomId: string, parentId: string): ThreadHandle {
  const client = useChat();
  const replies = useStore(client.store, (s) => s.timelines[roomId]?.threads.get(parentId) ?? EMPTY_MESSAGES);
  const parent = useStore(client.store, (s) => s.timelines[roomId]?.messages.find((m) => m.id === parentId));
  const reply = useCallback(
    (text: string, options: Omit<SendMessageOptions, 'parentId'> = {}) => client.sendMessage(roomId, text, { ...options, parentId }),
    [client, roomId, parentId],
  );
  return useMemo(() => ({ parent, replies, reply }), [parent, replies, reply]);
}
