/**
 * `stompkit/core`: a framework-free STOMP session for browsers and Node, on
 * `@stomp/stompjs`. One {@link StompSession} per broker connection:
 *
 * - falls back from WebSocket to SockJS (xhr-streaming, eventsource,
 *   xhr-polling; loaded lazily) and remembers the winner per URL for the tab;
 * - reconnects with exponential backoff and full jitter, at once on `online`
 *   and when a hidden tab becomes visible; stops on `close()` and on refused
 *   credentials;
 * - shares one STOMP SUBSCRIBE among equal subscriptions and restores them
 *   after every reconnect, dropping redelivered duplicates by idempotency key;
 * - queues every send in an ordered, persisted outbox until its RECEIPT
 *   confirms it (`queued → sent → confirmed | failed`);
 * - runs transactions that commit on a RECEIPT or fail as a whole;
 * - shares one connection among the tabs of a browser (`shareAcrossTabs`):
 *   a leader tab holds it, the other tabs' sessions are proxies to it.
 *
 * @example
 * ```ts
 * import { createStompSession, localStorageAdapter } from 'stompkit/core';
 *
 * const session = createStompSession({
 *   url: 'wss://chat.example.com/ws',
 *   connectHeaders: async () => ({ login: 'me', passcode: await freshToken() }),
 *   storage: localStorageAdapter(),
 * });
 * session.subscribe('/topic/news', (message) => render(message.json));
 * await session.send('/topic/news', { text: 'hi' }); // resolves on the RECEIPT
 * ```
 *
 * @packageDocumentation
 */
export { createStompSession } from './session.js';
export { memoryStorage, localStorageAdapter } from './storage.js';
export { TransactionError } from './transaction-error.js';
export { backoffDelay } from './backoff.js';
export type { BackoffOptions } from './backoff.js';
export { IDEMPOTENCY_HEADER } from './subscriptions.js';
export { ALL_TRANSPORTS, STOMP_SUBPROTOCOLS } from './transports.js';
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
  StompjsOptions,
  StorageAdapter,
  SubscriptionError,
  TransportName,
  WebSocketLike,
} from './types.js';
