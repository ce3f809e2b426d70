/**
 * What the tabs of one browser say to each other on their BroadcastChannel,
 * and what they need from the browser (Web Locks, BroadcastChannel), as
 * interfaces so tests can pass fakes. Everything sent is structured-cloneable.
 */
import type { IncomingMessage, MessageHandler, OutboxEntry, SendBody, SessionState, StompSessionOptions, StompSession, StompTransaction, SubscriptionError } from '../types.js';

/** The part of a BroadcastChannel a tab uses. */
export interface TabChannel {
  postMessage(message: unknown): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  close(): void;
}

/** The part of the Web Locks API (`navigator.locks`) a tab uses. */
export interface TabLocks {
  request(name: string, options: { signal?: AbortSignal }, granted: () => Promise<void> | void): Promise<unknown>;
}

export interface TabEnvironment {
  locks: TabLocks;
  channel(name: string): TabChannel;
  /** This tab's id; default a random UUID. */
  tabId?: string;
}

/** The browser's own Web Locks and BroadcastChannel. */
export const browserTabs = (): TabEnvironment => ({
  locks: navigator.locks,
  // The channel only ever sets `onmessage` to a handler of `{ data }`.
  channel: (name) => new BroadcastChannel(name) as unknown as TabChannel,
});

/**
 * What the shared session takes from the static session code, passed in so
 * this lazy chunk imports none of it (a shared module would make the main
 * chunk import it by name, costing bytes every app downloads).
 */
export interface SessionKit {
  /** A session with its own connection (`createStompSession` with `shareAcrossTabs: false`). */
  create(options: StompSessionOptions): StompSession;
  /** Throws the error `begin()` throws when not connected. */
  refuseTransaction(): StompTransaction;
  checkSubscription(destination: string, handler: MessageHandler, headers: Record<string, string>): Record<string, string>;
  subscriptionKey(destination: string, headers: Record<string, string>): string;
  encodeBody(body: SendBody, headers: Record<string, string>): { body: string | Uint8Array; headers: Record<string, string> };
  TransactionError: new (message?: string) => Error;
}

/** The kit as the static code passes it: in order, no property names (they would not minify in the main chunk). */
export type KitParts = [
  SessionKit['create'],
  SessionKit['refuseTransaction'],
  SessionKit['checkSubscription'],
  SessionKit['subscriptionKey'],
  SessionKit['encodeBody'],
  SessionKit['TransactionError'],
];

/** A MESSAGE as the leader hands it to a follower tab. */
export interface WireMessage {
  destination: string;
  headers: Readonly<Record<string, string>>;
  binaryBody: Uint8Array;
  messageId: string;
}

/** Requests a follower makes of the leader (its session's methods, and a transaction's by id). */
export type Op =
  | 'send'
  | 'retry'
  | 'drop'
  | 'connect'
  | 'retryNow'
  | 'reconnect'
  | 'ack'
  | 'nack'
  | 'begin'
  | 'txsend'
  | 'txack'
  | 'txnack'
  | 'commit'
  | 'abort';

export type Wire =
  /** A tab joined; the leader answers with `leader`, `state` and `outbox`. */
  | { t: 'hello'; from: string }
  | { t: 'leader'; from: string }
  | { t: 'state'; from: string; state: SessionState }
  | { t: 'outbox'; from: string; outbox: readonly OutboxEntry[] }
  | { t: 'sub'; from: string; sid: number; destination: string; headers: Record<string, string> }
  | { t: 'unsub'; from: string; sid: number }
  /** `rid` 0: no reply wanted. */
  | { t: 'call'; from: string; rid: number; op: Op; args: unknown[] }
  | { t: 'reply'; from: string; to: string; rid: number; value?: unknown; error?: { name: string; message: string } }
  | { t: 'msg'; from: string; to: string; sid: number; fid: number; message: WireMessage }
  | { t: 'suberr'; from: string; error: SubscriptionError };

/** The wire form of a delivered message (headers copied: the frame's may carry more than data). */
export const toWire = (message: IncomingMessage): WireMessage => ({
  destination: message.destination,
  headers: { ...message.headers },
  binaryBody: message.binaryBody,
  messageId: message.messageId,
});

/** A delivered message in a follower tab, as a session delivers it (body decoded, JSON parsed). */
export function fromWire(wire: WireMessage, acknowledge: (command: 'ack' | 'nack') => void, debug: (message: string) => void): IncomingMessage {
  const { headers } = wire;
  const body = new TextDecoder().decode(wire.binaryBody);
  let json: unknown;
  if (/^application\/json\b/i.test(headers['content-type'] ?? '')) {
    try {
      json = JSON.parse(body);
    } catch (error) {
      debug(`MESSAGE ${wire.messageId}: bad JSON: ${String(error)}`);
    }
  }
  const message: IncomingMessage = {
    destination: wire.destination,
    headers,
    body,
    binaryBody: wire.binaryBody,
    json,
    messageId: wire.messageId,
    ack: () => acknowledge('ack'),
    nack: () => acknowledge('nack'),
  };
  const key = headers[IDEMPOTENCY_HEADER];
  if (key !== undefined) message.idempotencyKey = key;
  return message;
}

/** The session's idempotency header (`IDEMPOTENCY_HEADER` of subscriptions.ts), restated: this chunk imports no static code. */
export const IDEMPOTENCY_HEADER = 'stompkit-id';

/** An Error as it crosses the channel, and back. */
export const errorToWire = (error: unknown): { name: string; message: string } =>
  error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) };

export function errorFromWire(error: { name: string; message: string }, kit: SessionKit): Error {
  const revived = error.name === 'TransactionError' ? new kit.TransactionError(error.message) : new Error(error.message);
  revived.name = error.name;
  return revived;
}
