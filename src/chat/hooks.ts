'use client';
/**
 * Chat hooks. Each one selects only the slice it shows (zustand `useStore`
 * with a selector), and the store keeps unchanged slices referentially
 * stable, so a message in room A re-renders nothing that shows room B.
 */
import { useCallback, useContext, useEffect, useMemo } from 'react';
import { useStore } from 'zustand';
import type { ChatClient, OpenRoomOptions } from './client-types';
import { ChatContext } from './provider';
import {
  EMPTY_HISTORY,
  EMPTY_MESSAGES,
  EMPTY_PRESENCE,
  EMPTY_TYPING,
  type ChatMessage,
  type ChatState,
  type HistoryState,
  type PresencePeer,
  type ReadMarker,
  type RoomInfo,
  type TypingPeer,
} from './state';

const EMPTY_MARKERS: Readonly<Record<string, ReadMarker>> = Object.freeze({});

/**
 * The chat client of the nearest `<ChatProvider>`.
 * @throws when there is none.
 */
export function useChat(): ChatClient {
  const client = useContext(ChatContext);
  if (!client) throw new Error('stompkit/chat: no <ChatProvider> above this component (it goes inside <StompProvider>).');
  return client;
}

/** Any slice of the chat state; re-renders when `select`'s result changes (`Object.is`). */
export function useChatState<T>(select: (state: ChatState) => T): T {
  return useStore(useChat().store, select);
}

/** The room directory (read while mounted), in creation order. */
export function useRooms(): readonly RoomInfo[] {
  const client = useChat();
  useEffect(() => client.watchDirectory(), [client]);
  return useStore(client.store, (s) => s.rooms);
}

/** Direct messages that include the current user (their inbox, read while mounted), in the order they started. */
export function useDirectMessages(): readonly RoomInfo[] {
  const client = useChat();
  useEffect(() => client.watchInbox(), [client]);
  return useStore(client.store, (s) => s.directMessages);
}

export interface RoomHandle {
  /** From the directory; undefined if the room is not listed (yet). */
  room: RoomInfo | undefined;
  history: HistoryState;
  /** Load the previous page of history. */
  loadOlder(): Promise<void>;
  /** Publish our read position at the newest message. */
  markRead(): void;
}

/**
 * Opens a room while mounted: live messages (resumed after reconnects), the
 * latest page of history, presence and typing. Throws on an invalid room id.
 */
export function useRoom(roomId: string, options: OpenRoomOptions = {}): RoomHandle {
  const client = useChat();
  const { presence = true, typing = true } = options;
  useEffect(() => client.openRoom(roomId, { presence, typing }), [client, roomId, presence, typing]);
  const room = useStore(client.store, (s) => s.rooms.find((r) => r.id === roomId));
  const history = useStore(client.store, (s) => s.timelines[roomId]?.history ?? EMPTY_HISTORY);
  const loadOlder = useCallback(() => client.loadOlder(roomId), [client, roomId]);
  const markRead = useCallback(() => client.markRead(roomId), [client, roomId]);
  return useMemo(() => ({ room, history, loadOlder, markRead }), [room, history, loadOlder, markRead]);
}

/** The messages of a room in stream order, then local sends. Does not open the room (see `useRoom`). */
export function useMessages(roomId: string): readonly ChatMessage[] {
  return useChatState((s) => s.timelines[roomId]?.messages ?? EMPTY_MESSAGES);
}

/** Read markers of a room by user id. */
export function useReadMarkers(roomId: string): Readonly<Record<string, ReadMarker>> {
  return useChatState((s) => s.timelines[roomId]?.readMarkers ?? EMPTY_MARKERS);
}

/** A stable function sending a message to `roomId`: shows `pending` at once, resolves on the RECEIPT. */
export function useSendMessage(roomId: string): (text: string) => Promise<void> {
  const client = useChat();
  return useCallback((text: string) => client.sendMessage(roomId, text), [client, roomId]);
}

export interface MessageActions {
  retry(messageId: string): Promise<void>;
  discard(messageId: string): void;
  edit(messageId: string, text: string): Promise<void>;
  remove(messageId: string): Promise<void>;
  toggleReaction(messageId: string, emoji: string): Promise<void>;
}

/** Stable actions on the messages of `roomId`. */
export function useMessageActions(roomId: string): MessageActions {
  const client = useChat();
  return useMemo(
    () => ({
      retry: (id: string) => client.retry(roomId, id),
      discard: (id: string) => client.discard(roomId, id),
      edit: (id: string, text: string) => client.editMessage(roomId, id, text),
      remove: (id: string) => client.deleteMessage(roomId, id),
      toggleReaction: (id: string, emoji: string) => client.toggleReaction(roomId, id, emoji),
    }),
    [client, roomId],
  );
}

/** Who is present in the room (us included), sorted by user id. Presence is joined by `useRoom`. */
export function usePresence(roomId: string): readonly PresencePeer[] {
  return useChatState((s) => s.presence[roomId] ?? EMPTY_PRESENCE);
}

export interface TypingHandle {
  /** Others typing now. */
  typing: readonly TypingPeer[];
  /** Call on input; throttled. */
  notifyTyping(): void;
  /** Call when the draft is sent or cleared. */
  stopTyping(): void;
}

/** Others typing in the room, and stable functions to signal our own typing. */
export function useTyping(roomId: string): TypingHandle {
  const client = useChat();
  const typing = useStore(client.store, (s) => s.typing[roomId] ?? EMPTY_TYPING);
  const notifyTyping = useCallback(() => client.typing(roomId), [client, roomId]);
  const stopTyping = useCallback(() => client.stopTyping(roomId), [client, roomId]);
  return useMemo(() => ({ typing, notifyTyping, stopTyping }), [typing, notifyTyping, stopTyping]);
}

/**
 * `useUnread(roomId)`: unread messages in the room, which is watched while
 * mounted (live only: messages from before the watch began are not counted
 * unless the room was open before). `useUnread()`: the counts of every room.
 */
export function useUnread(roomId: string): number;
export function useUnread(): Readonly<Record<string, number>>;
export function useUnread(roomId?: string): number | Readonly<Record<string, number>> {
  const client = useChat();
  useEffect(() => (roomId === undefined ? undefined : client.watchRoom(roomId)), [client, roomId]);
  return useStore(client.store, (s) => (roomId === undefined ? s.unread : (s.unread[roomId] ?? 0)));
}

/**
 * `useMentions(roomId)`: unread messages in the room (thread replies
 * included) that mention the current user; the room is watched while
 * mounted. `useMentions()`: the counts of every room. A separate badge from
 * `useUnread`.
 */
export function useMentions(roomId: string): number;
export function useMentions(): Readonly<Record<string, number>>;
export function useMentions(roomId?: string): number | Readonly<Record<string, number>> {
  const client = useChat();
  useEffect(() => (roomId === undefined ? undefined : client.watchRoom(roomId)), [client, roomId]);
  return useStore(client.store, (s) => (roomId === undefined ? s.mentions : (s.mentions[roomId] ?? 0)));
}
