/**
 * Public types of `stompkit/core`: the framework-free session.
 * React (`src/react`) and chat (`src/chat`) program against these only.
 */

/** Where the session is in its life. */
export type SessionStatus =
  | 'idle'
  | 'connecting'
  | 'connected'
  | 'reconnecting'
  | 'closed';

/** The transport carrying the STOMP connection now (or last). */
export type TransportName =
  | 'websocket'
  | 'xhr-streaming'
  | 'eventsource'
  | 'xhr-polling';

/** Why the session stopped or last failed. */
export interface SessionError {
  /** `auth` stops reconnecting; the others are retried. */
  kind: 'auth' | 'protocol' | 'network' | 'timeout' | 'closed';
  message: string;
}

/** What the broker said in CONNECTED. */
export interface ServerInfo {
  version: string;
  server?: string;
  session?: string;
  userName?: string;
  heartbeat?: [number, number];
}

/** Immutable snapshot; a new object on every change (for `useSyncExternalStore`). */
export interface SessionState {
  status: SessionStatus;
  transport: TransportName | null;
  /** Connection attempts since the last successful CONNECTED. */
  attempt: number;
  /** Epoch ms of the next reconnect attempt while `reconnecting`, else null. */
  nextRetryAt: number | null;
  error: SessionError | null;
  serverInfo: ServerInfo | null;
  /** Sends waiting or in flight (queued + sent, not yet confirmed or failed). */
  pending: number;
  /**
   * Set when tabs share the session (`shareAcrossTabs`): `leader` in the one
   * tab of the browser that holds the connection, `follower` in the others
   * (their session is a proxy to the leader's). Absent when the session has
   * a connection of its own (not shared, or before the tab has joined).
   */
  tab?: 'leader' | 'follower';
}

/** A message delivered to a subscription handler. */
export interface IncomingMessage {
  destination: string;
  headers: Readonly<Record<string, string>>;
  /** Body decoded as UTF-8 text. */
  body: string;
  /** Raw body bytes. */
  binaryBody: Uint8Array;
  /** Body parsed as JSON when `content-type` is `application/json`, else undefined. */
  json: unknown;
  /** `message-id` of the MESSAGE frame. */
  messageId: string;
  /** The idempotency key the sender put on it (`stompkit-id`), if any. */
  idempotencyKey?: string;
  /** Acknowledge (client / client-individual subscriptions). */
  ack(): void;
  /** Negative acknowledge (client / client-individual subscriptions). */
  nack(): void;
}

export type MessageHandler = (message: IncomingMessage) => void;

/** Body accepted by `send`: strings and bytes go as they are; anything else as JSON. */
export type SendBody = string | Uint8Array | unknown;

export type OutboxStatus = 'queued' | 'sent' | 'confirmed' | 'failed';

/** One send as tracked by the outbox. */
export interface OutboxEntry {
  /** Idempotency key, also sent as the `stompkit-id` header. */
  id: string;
  destination: string;
  headers: Record<string, string>;
  /** Serialized body (text); binary bodies are kept as base64 with `binary: true`. */
  body: string;
  binary?: boolean;
  status: OutboxStatus;
  /** Epoch ms when `send` was called. */
  createdAt: number;
  attempts: number;
  error?: string;
}

/** Resolved value of `send()`: the RECEIPT arrived. */
export interface Receipt {
  id: string;
  destination: string;
  receiptId: string;
}

/** Key-value persistence for the outbox and the remembered transport. */
export interface StorageAdapter {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface StompTransaction {
  readonly id: string;
  send(destination: string, body: SendBody, headers?: Record<string, string>): void;
  ack(message: IncomingMessage): void;
  nack(message: IncomingMessage): void;
  /** Resolves on the COMMIT's RECEIPT; rejects if the connection dropped inside the transaction. */
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export type ConnectHeaders = Record<string, string>;

/**
 * Options passed to `@stomp/stompjs`'s `Client`, under its names, for the
 * part of the STOMP exchange the library runs (see its `StompConfig`).
 */
export interface StompjsOptions {
  /** Split text frames into WebSocket messages of `maxWebSocketChunkSize` (servers with a message limit, e.g. Spring). Default false. */
  splitLargeFrames?: boolean;
  /** Chunk size in bytes for `splitLargeFrames`. Default 8192. */
  maxWebSocketChunkSize?: number;
  /** Send every frame as a binary WebSocket message. Default false. */
  forceBinaryWSFrames?: boolean;
  /** Add a NUL to incoming frames that lack one (some React Native WebSockets drop it). Default false. */
  appendMissingNULLonIncoming?: boolean;
  /**
   * How outgoing heart-beats are timed: `worker` keeps beating in a hidden
   * tab whose timers the browser throttles. Default `worker` where a Worker
   * can run (not Node, not under a CSP that forbids blob workers), else `interval`.
   */
  heartbeatStrategy?: 'interval' | 'worker';
  /** Incoming silence longer than this many incoming periods drops the connection (checked once a period). Default 2. */
  heartbeatToleranceMultiplier?: number;
  /** `debug` gets raw frames instead of parsed summaries. Default false. */
  logRawCommunication?: boolean;
}

export interface StompSessionOptions extends StompjsOptions {
  /**
   * `ws://…/ws` or `wss://…`, an `http(s)://` origin of a stompkit broker (its
   * `/stompkit.json` lists the endpoints), an Endpoints object, or an array
   * of these: the nodes of a cluster. With several endpoints a failed or
   * dropped connection tries the next one (with the reconnect backoff); each
   * client starts at a random one, or at the one it last connected to in
   * this tab.
   */
  url: string | Endpoints | readonly (string | Endpoints)[];
  connectHeaders?: ConnectHeaders | (() => ConnectHeaders | Promise<ConnectHeaders>);
  /**
   * `[outgoing, incoming]` heart-beat periods in ms (STOMP 1.2
   * §"Heart-beating"). Default `[4000, 3000]`: a link that goes silent
   * without closing is dropped within 2 to 3 incoming periods (6 to 9 s) on
   * brokers that grant what the client asks (RabbitMQ, the dev broker).
   */
  heartbeat?: [number, number];
  /** ms a transport gets to reach CONNECTED before the next one is tried. Default 5000. */
  connectTimeout?: number;
  /**
   * ms a frame waits for its RECEIPT once written. A RECEIPT that does not
   * come means the link is suspect, not the message: the connection is
   * replaced and every unconfirmed send is resent with the same id. Default 15000.
   */
  receiptTimeout?: number;
  /**
   * ms after `send()` at which a send that is still not confirmed is given up
   * (`failed`, retryable). Default: none, a send waits as long as the outbox
   * lives (it is persisted across reloads with a persistent `storage`).
   */
  sendDeadline?: number;
  /**
   * When a send counts as confirmed: `receipt` (default) on the broker's
   * RECEIPT; `write` once the frame is written to the socket, for brokers
   * that never answer receipts on SEND (Spring's simple broker). With `write`
   * a send lost with the connection is not resent: only use it where the
   * broker cannot do better.
   */
  sendConfirmation?: 'receipt' | 'write';
  reconnect?: { baseDelay?: number; maxDelay?: number; maxAttempts?: number };
  /** Transports to try, in order. Default all four. */
  transports?: TransportName[];
  storage?: StorageAdapter;
  /** Key prefix for `storage`. Default `stompkit`. */
  storageKey?: string;
  /**
   * Tabs of one origin whose sessions have the same `url` and `storageKey`
   * share one connection (default true): one tab, the leader, holds the
   * socket, the subscriptions (one SUBSCRIBE per destination for the whole
   * browser) and the one outbox; the other tabs' sessions are proxies with
   * the same API. When the leader tab closes or crashes another tab takes
   * over and resends what was not confirmed, by the same ids. Needs the Web
   * Locks API and BroadcastChannel; without them (Node, old browsers), with
   * `false`, or with a `socketFactory` (its sockets belong to the page) every
   * session has its own connection. Give each signed-in user its own
   * `storageKey`: tabs on one key share the leader's credentials.
   */
  shareAcrossTabs?: boolean;
  debug?: (message: string) => void;
  /** Start connecting at once. Default true. */
  autoConnect?: boolean;
  /**
   * Creates the socket for the `websocket` transport instead of the global
   * `WebSocket` (Node without a global WebSocket, or the in-memory broker of
   * `stompkit/testing`). Same shape `@stomp/stompjs` expects (`IStompSocket`).
   */
  socketFactory?: (url: string) => WebSocketLike;
  /**
   * ms after which a remembered fallback transport no longer wins: the next
   * connect tries WebSocket first again. Default 300000 (5 minutes).
   */
  websocketRetryAfter?: number;
  /** A subscription handler threw (the other handlers still ran). Default: reported to `debug`. */
  onHandlerError?: (error: unknown, message: IncomingMessage) => void;
  /**
   * The broker refused a SUBSCRIBE (e.g. not authorized). That subscription is
   * dropped (not restored after the reconnect the ERROR causes); its handlers
   * get nothing more. Default: reported to `debug`.
   */
  onSubscriptionError?: (error: SubscriptionError) => void;
}

/** A SUBSCRIBE the broker answered with ERROR. */
export interface SubscriptionError {
  destination: string;
  headers: Record<string, string>;
  /** The ERROR's `message` header and body. */
  message: string;
}

/**
 * The WebSocket surface `@stomp/stompjs` uses (its `IStompSocket`), restated
 * here so core's public types do not leak the library's.
 */
export interface WebSocketLike {
  url: string;
  readyState: number;
  binaryType: string;
  onopen: ((event?: unknown) => void) | null;
  onclose: ((event: { code?: number; reason?: string; wasClean?: boolean }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onmessage: ((event: { data: string | ArrayBuffer }) => void) | null;
  send(data: string | ArrayBuffer | Uint8Array): void;
  close(code?: number, reason?: string): void;
}

export interface Endpoints {
  /** WebSocket URL, e.g. `ws://localhost:7370/ws`. */
  websocket?: string;
  /** SockJS base URL, e.g. `http://localhost:7370/sockjs`. */
  sockjs?: string;
  /** SockJS transports the server serves (from `/stompkit.json`); default all. */
  sockjsTransports?: TransportName[];
}

export interface StompSession {
  getSnapshot(): SessionState;
  /**
   * Two overloads. `subscribe(listener)` listens to state changes (for
   * `useSyncExternalStore`); `subscribe(destination, handler, headers?)`
   * subscribes to a STOMP destination. Both return the unsubscribe function.
   */
  subscribe(listener: () => void): () => void;
  subscribe(
    destination: string,
    handler: MessageHandler,
    headers?: Record<string, string>,
  ): () => void;
  connect(): void;
  /** Try now instead of waiting for the backoff timer. */
  retryNow(): void;
  /**
   * Replace the connection now: the live one (or the attempt under way) is
   * dropped as failed (`network`, `reason`) and the session reconnects as
   * after any drop, resending every unconfirmed send with its id and
   * restoring the subscriptions. For when the app knows more than the
   * socket does, e.g. the chat kit when a send the broker receipted never
   * comes back through the room's stream. Nothing happens while idle,
   * reconnecting or closed.
   */
  reconnect(reason?: string): void;
  /** Graceful DISCONNECT (with receipt); releases every timer and listener. */
  close(): Promise<void>;

  send(destination: string, body: SendBody, headers?: Record<string, string>): Promise<Receipt>;
  getOutbox(): readonly OutboxEntry[];
  onOutboxChange(listener: () => void): () => void;
  retry(id: string): Promise<Receipt>;
  drop(id: string): void;

  begin(): StompTransaction;
}
