'use client';
/**
 * `stompkit`: React bindings for a STOMP session — `<StompProvider>` and the
 * hooks. The session itself is `stompkit/core` (framework-free); its public
 * types are re-exported here so apps need one import.
 */
export { StompProvider, StompContext } from './provider';
export type { StompProviderProps, OwnedStompProviderProps, BorrowedStompProviderProps } from './provider';
export { useSubscription } from './use-subscription';
export type { SubscriptionOptions, SelectSubscriptionOptions } from './use-subscription';
export { useSend } from './use-send';
export type { SendFunction } from './use-send';
export { useTransaction } from './use-transaction';
export type { TransactionRunner } from './use-transaction';
export { useConnectionState, useStompSession } from './use-connection';
export { createStompSession, localStorageAdapter, memoryStorage, TransactionError } from '../core/index';
export type {
  ConnectHeaders,
  Endpoints,
  IncomingMessage,
  MessageHandler,
  OutboxEntry,
  OutboxStatus,
  Receipt,
  SendBody,
  ServerInfo,
  SessionError,
  SessionState,
  SessionStatus,
  StompSession,
  StompSessionOptions,
  StompTransaction,
  StorageAdapter,
  TransportName,
  WebSocketLike,
} from '../core/types';
