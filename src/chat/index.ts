'use client';
/**
 * `stompkit/chat`: the chat wire protocol (RabbitMQ's STOMP dialect), an
 * event-sourced zustand store, the client binding a session to it, React
 * provider and hooks, and the chat components.
 */

// Protocol: destinations, headers, events, frame builders, validation.
export {
  CHAT_LIMITS,
  ChatError,
  DEFAULT_PREFETCH,
  DIRECTORY_DESTINATION,
  DM_MAX_MEMBERS,
  DM_MEMBER_PATTERN,
  BROKER_TIME_HEADER,
  EVENT_ID_HEADER,
  EVENT_ID_PATTERN,
  PRESENCE_PREFIX,
  ROOM_EVENT_TYPES,
  ROOM_ID_PATTERN,
  ROOM_PREFIX,
  STREAM_DECLARATION,
  STREAM_OFFSET_HEADER,
  TYPING_PREFIX,
  USER_ID_HEADER,
  assertRoomId,
  chatDestinations,
  directoryEventFrame,
  directMessageId,
  directMessageMembers,
  inboxDestination,
  inboxEventFrame,
  isRoomId,
  newEventId,
  presenceFrame,
  roomEventFrame,
  streamSubscribeHeaders,
  typingFrame,
} from './protocol';
export type {
  Attachment,
  DirectMessageStartedEvent,
  InboxEnvelope,
  InboxEvent,
  MessageExtras,
  ChatErrorCode,
  ChatEvent,
  DirectoryEnvelope,
  DirectoryEvent,
  Envelope,
  MessageCreatedEvent,
  MessageDeletedEvent,
  MessageEditedEvent,
  OutgoingFrame,
  PresenceEnvelope,
  PresenceSignal,
  ReactionEvent,
  ReadEvent,
  RoomCreatedEvent,
  RoomEnvelope,
  RoomEvent,
  RoomEventType,
  RoomUpdatedEvent,
  StreamStart,
  TypingEnvelope,
  TypingSignal,
} from './protocol';
export {
  toDirectoryEvent,
  toRoomEvent,
  validateDirectoryMessage,
  validateInboxMessage,
  validatePresenceMessage,
  validateRoomMessage,
  validateTypingMessage,
} from './validate';
export type { Validated } from './validate';

// Store: state shape, pure fold, batched zustand store.
export type {
  ChatMessage,
  ChatState,
  HistoryState,
  Incoming,
  MessageStatus,
  PresencePeer,
  ReactionSummary,
  ReadMarker,
  RoomInfo,
  RoomTimeline,
  ThreadReads,
  ThreadSummary,
  TypingPeer,
} from './state';
export { INITIAL_CHAT_STATE } from './state';
export { foldBatch, expireSignals } from './fold';
export type { FoldContext, FoldResult, Rejection } from './fold';
export { createChatStore } from './store';
export type { ChatStore, ChatStoreOptions, LocalSend } from './store';

// Client, provider, hooks.
export { createChatClient } from './client';
export type { ChatClient, ChatClientOptions, OpenRoomOptions, SendMessageOptions } from './client-types';
export { ChatProvider, ChatContext } from './provider';
export type { ChatProviderProps } from './provider';
export {
  useChat,
  useChatState,
  useMessageActions,
  useMessages,
  usePresence,
  useReadMarkers,
  useRoom,
  useRooms,
  useSendMessage,
  useTyping,
  useUnread,
  useMentions,
  useDirectMessages,
} from './hooks';
export type { MessageActions, RoomHandle, TypingHandle } from './hooks';
export { useThread } from './thread-hooks';
export type { ThreadHandle } from './thread-hooks';
export { mentionsIn } from './message-extras';
export { browserReadPositions } from './read-positions';
export type { ReadPositions } from './read-positions';
// `createBrokerUpload` (the dev broker's endpoint) is `stompkit/chat/upload`: production apps bring their own.
export type { UploadFile, UploadRequest } from './upload';

// ---------------------------------------------------------------------------
// Components.
export * from './components/index';
