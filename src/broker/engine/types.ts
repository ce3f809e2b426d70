/**
 * Contracts between the broker engine (this folder: no Node built-ins) and the
 * hosts that carry bytes for it: the Node layer (`src/broker/node`, sockets)
 * and the memory transport (`src/testing`, no sockets).
 *
 * The engine never touches a socket, a file or a timer it was not given, so
 * the very same engine runs in Node and in a browser.
 */
import type { LoginThrottleOptions } from './login-throttle.js';

export type { LoginThrottleOptions };

/** How a client reached the broker. Reported in stats and to auth hooks. */
export type TransportKind = 'websocket' | 'sockjs' | 'tcp' | 'memory';

/** What a host gives the engine for one client connection. */
export interface ConnectionSink {
  readonly transport: TransportKind;
  /**
   * True when the channel carries raw bytes (TCP, binary WebSocket messages,
   * memory). False for text-only channels (SockJS): bodies must then be UTF-8.
   */
  readonly binary: boolean;
  /** Peer address (for logs and auth hooks); informational only. */
  readonly remoteAddress?: string;
  /** Write serialized frames (or a heart-beat EOL) to the peer. */
  write(data: Uint8Array): void;
  /**
   * Bytes written but not yet handed to the OS. The engine compares this with
   * `limits.maxPendingBytes` to cut off slow consumers.
   */
  pendingBytes(): number;
  /** Close the channel after what was written has been flushed. */
  close(): void;
  /** Stop reading from the peer (its consumers lag); optional: without it a publisher is not slowed. */
  pause?(): void;
  /** Read from the peer again. */
  resume?(): void;
}

/** What the engine gives back to the host for one connection. */
export interface EngineConnection {
  /** Bytes (or text, for text channels) received from the peer, in order. */
  receive(chunk: Uint8Array | string): void;
  /** The host's channel closed (peer went away or socket error). */
  closed(reason?: string): void;
}

/** Outcome of the authentication hook. */
export type AuthResult =
  | { ok: true; user: string }
  | { ok: false; message: string };

/** Information about a connection given to the auth hooks. */
export interface ConnectionInfo {
  transport: TransportKind;
  remoteAddress?: string;
  /** All CONNECT headers (login, passcode, host, custom ones). */
  headers: Readonly<Record<string, string>>;
}

/** What a client is trying to do with a destination. */
/**
 * What a frame does to a destination: `subscribe` (read), `send` (write), or
 * `configure`: declare a queue or stream that does not exist yet (asked in
 * addition to `send`/`subscribe` when a frame would create one).
 */
export type DestinationAction = 'subscribe' | 'send' | 'configure';

export type AuthenticateHook = (
  login: string | undefined,
  passcode: string | undefined,
  info: ConnectionInfo,
) => AuthResult | Promise<AuthResult>;

/**
 * Decide whether `user` may `action` a destination. Aliases are asked about
 * what they reach: `/amq/queue/q` and `/reply-queue/q` as `/queue/q`,
 * `/exchange/amq.topic/k` as `/topic/k`.
 */
export type AuthorizeHook = (
  user: string,
  action: DestinationAction,
  destination: string,
) => boolean | Promise<boolean>;

import type { QueuePolicy } from './policy.js';

/** Limits; every one is configurable through `createBroker`/`createEngine`. */
export interface BrokerLimits {
  /** Largest frame accepted, headers + body, in bytes. Default 1 MiB. */
  maxFrameSize: number;
  /** Most headers in one frame. Default 64. */
  maxHeaders: number;
  /** Longest header line (name + value) in bytes. Default 8 KiB. */
  maxHeaderLength: number;
  /** Most live subscriptions per connection. Default 256. */
  maxSubscriptionsPerConnection: number;
  /**
   * Pending outbound bytes before a consumer is cut off. Default 8 MiB.
   * Publishers feeding a consumer are paused from a quarter of it and read
   * again under a sixteenth (flow.ts), so a consumer that reads reaches it
   * only when fed by publishers the broker cannot slow.
   */
  maxPendingBytes: number;
  /** A lagging consumer that makes no progress for this many ms while publishers wait on it is cut off. Default 10000. */
  consumerStallMs: number;
  /**
   * Bytes (bodies) of each stream's newest messages held in memory. Older
   * ones stay in the store and are read back a page at a time when a reader
   * asks for them, so a stream's history costs disk, not memory. Only with a
   * store that can `read`; default 4 MiB.
   */
  streamMemoryBytes: number;
  /**
   * Bytes (bodies) of each durable classic queue's ready messages held in
   * memory: a backlog beyond it stays in the store only and is read back, in
   * order, as consumers drain the queue. Only with a store that can `read`
   * and `delete`; default 4 MiB.
   */
  queueMemoryBytes: number;
}

/** A message as kept by a queue or stream, and as persisted. */
export interface StoredMessage {
  /** Position in the queue/stream; for streams this is `x-stream-offset`. Monotonic per queue. */
  offset: number;
  /** Milliseconds since epoch when the broker accepted it. */
  timestamp: number;
  /** Headers to deliver (user headers plus `user-id`, `content-type`, ...). */
  headers: Record<string, string>;
  body: Uint8Array;
}

/** How a queue was declared (RabbitMQ dialect: declaration headers on SEND/SUBSCRIBE). */
export interface QueueDeclaration {
  name: string;
  type: 'classic' | 'stream';
  durable: boolean;
  autoDelete: boolean;
  /** `x-max-length-bytes`, `x-max-age` (e.g. `7D`, `1h`, `30s`), ... as given. */
  args: Record<string, string>;
}

/** Persisted state of one queue, as loaded at start. */
export interface StoredQueue {
  declaration: QueueDeclaration;
  /** Messages still in the queue (classic) or retained in the log (stream), ascending offsets. */
  messages: StoredMessage[];
  /** Next offset to assign (so offsets never repeat after truncation or a restart). */
  nextOffset: number;
  /**
   * Streams: what the store holds before `messages` but did not load, as
   * summaries (ascending); readers get those messages through `read`.
   */
  history?: StreamChunk[];
  /**
   * Classic queues: live messages the store holds after `messages` but did
   * not load; the engine reads them through `read` as consumers drain.
   */
  backlog?: QueueBacklogSummary;
}

/** The part of a classic queue's ready messages kept only in the store. */
export interface QueueBacklogSummary {
  /** Every such message has an offset at or after this one (and after every loaded message). */
  from: number;
  count: number;
  /** Body bytes. */
  bytes: number;
}

/** A run of consecutive stream messages summarised, not held: enough for retention and `x-stream-offset` lookups. */
export interface StreamChunk {
  /** First offset in the run. */
  first: number;
  /** One past the last offset in the run. */
  next: number;
  /** Body bytes of the run. */
  bytes: number;
  firstTimestamp: number;
  lastTimestamp: number;
}

/** What `load` may leave on disk. */
export interface LoadOptions {
  /** Per stream, load about this many bytes of the newest messages and summarise the rest (stores with `read`). */
  streamMemoryBytes?: number;
  /** Per classic queue, load about this many bytes of the oldest live messages and summarise the rest (stores with `read`). */
  queueMemoryBytes?: number;
}

/**
 * Persistence used by the engine. The engine ships a memory implementation;
 * the Node layer provides a file-backed one that groups writes (one fsync per
 * batch). Promises resolve once the change is durable: RECEIPTs for SENDs to
 * durable queues wait for `append` to resolve.
 */
export interface MessageStore {
  load(options?: LoadOptions): Promise<StoredQueue[]>;
  /**
   * Stored messages from offset `from` on, ascending, about `maxBytes` of
   * bodies (at least one message when any exists). Only durable messages
   * are returned, and for classic queues only live ones (not removed). A
   * store with `read` lets the engine keep just a window of each stream and
   * classic queue in memory.
   */
  read?(queue: string, from: number, maxBytes: number): Promise<StoredMessage[]>;
  declare(declaration: QueueDeclaration): Promise<void>;
  append(queue: string, message: StoredMessage): Promise<void>;
  /** Classic queues: messages acknowledged (removed for good). */
  remove(queue: string, offsets: readonly number[]): Promise<void>;
  /** Streams: retention dropped everything below `offset`. */
  truncate(queue: string, beforeOffset: number): Promise<void>;
  /**
   * The queue was deleted (`x-expires`, auto-delete): forget its declaration
   * and every message, so `load()` no longer returns it. Called after the
   * queue's earlier writes, and a later `declare` of the same name waits for
   * it to resolve. Deleting an unknown queue is not an error. A store without
   * it gets `remove` for the queue's messages instead and keeps the
   * declaration (the queue then comes back, empty, after a restart).
   */
  delete?(queue: string): Promise<void>;
  /** Flush and release. */
  close(): Promise<void>;
}

/** Timers the engine uses; injectable so tests control time. */
export interface EngineClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface EngineOptions {
  authenticate?: AuthenticateHook;
  authorize?: AuthorizeHook;
  store?: MessageStore;
  limits?: Partial<BrokerLimits>;
  clock?: EngineClock;
  /**
   * Queue policies (RabbitMQ's `set_policy` vocabulary, policy.ts): limits
   * such as retention set by pattern over queue names. Default none.
   */
  policies?: readonly QueuePolicy[];
  /** `server` header of CONNECTED. Default `stompkit/<version>`. */
  serverName?: string;
  /**
   * Heart-beat the broker offers in CONNECTED, `[sx, sy]` in ms: the shortest
   * period it will send at and the shortest it wants to hear from a client.
   * By the max rule of STOMP 1.2 §"Heart-beating" a client's own periods are
   * granted down to these floors (as RabbitMQ grants what the client asks).
   * Default `[1000, 1000]`; `0` turns a direction off.
   */
  heartbeat?: [number, number];
  /** Extra time allowed past a client's promised heart-beat before it is cut off. Default 1.5×. */
  heartbeatGrace?: number;
  /** A connection that has not sent CONNECT within this many ms gets ERROR and is closed. Default 30000; 0 = never. */
  connectTimeout?: number;
  /** How failed logins slow further checks of the same login or address (see login-throttle.ts). */
  loginThrottle?: LoginThrottleOptions;
  /** Called for diagnostics (never for normal traffic). */
  log?: (message: string) => void;
}

export interface DestinationStats {
  destination: string;
  kind: 'topic' | 'queue' | 'stream';
  subscribers: number;
  /** Messages waiting (queue) or retained (stream). 0 for topics. */
  depth: number;
  /** Bytes of bodies held (queue/stream). */
  storedBytes: number;
  /** Queues and streams: the part of `storedBytes` held in memory (the rest is read from the store on demand). */
  memoryBytes?: number;
}

export interface BrokerStats {
  connections: Record<TransportKind, number>;
  framesIn: number;
  framesOut: number;
  destinations: DestinationStats[];
}

/** The engine: one per broker. */
export interface BrokerEngine {
  /** Load persisted queues; call once before `open`. */
  start(): Promise<void>;
  /** Attach a new client connection. */
  open(sink: ConnectionSink): EngineConnection;
  stats(): BrokerStats;
  /** Close every connection (ERROR-free), stop timers, flush and close the store. */
  close(): Promise<void>;
  /**
   * The host's memory alarm: while on, every connection that publishes is
   * held back (not read) until it clears, so the process stops growing.
   */
  setMemoryAlarm(on: boolean): void;
}
