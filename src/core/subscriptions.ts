/**
 * Logical subscriptions of a session. Equal destination + headers share one
 * STOMP SUBSCRIBE (ref-counted); every one is re-sent after a reconnect;
 * messages the outbox resent after a lost receipt are dropped by their
 * idempotency key.
 */
import { checkHeaderName, type Acknowledge, type Frame } from './connection.js';
import type { IncomingMessage, MessageHandler, SubscriptionError } from './types.js';

/** Header carrying the sender's idempotency key on SEND and MESSAGE. */
export const IDEMPOTENCY_HEADER = 'stompkit-id';

/** How many idempotency keys each subscription remembers. */
export const DEFAULT_DEDUPE_WINDOW = 5000;

/** The part of a connection subscriptions need. */
export interface SubscriptionLink {
  readonly connected: boolean;
  subscribe(id: string, destination: string, headers: Record<string, string>, onMessage: (frame: Frame, acknowledge: Acknowledge) => void): void;
  unsubscribe(id: string): void;
}

export type { Acknowledge };

const ACKNOWLEDGE = Symbol('stompkit.acknowledge');

/** The acknowledge function behind an `IncomingMessage` (transactions add headers). */
export function acknowledgerOf(message: IncomingMessage): Acknowledge {
  const ack = (message as IncomingMessage & { [ACKNOWLEDGE]?: Acknowledge })[ACKNOWLEDGE];
  if (!ack) throw new TypeError('not a message delivered by a stompkit session');
  return ack;
}

/** What a subscription remembers about an idempotency key. */
export type Seen = 'delivered' | 'acked';

/**
 * Bounded memory of idempotency keys (least recently used leave first), with
 * whether the application acknowledged the message; made by {@link createRecentIds}.
 */
export interface RecentIds {
  get(id: string): Seen | undefined;
  /** Records `id` (as the newest) with `state`. */
  set(id: string, state: Seen): void;
  forget(id: string): void;
  /** Cumulative ACK (`ack:client`): everything delivered so far counts as acknowledged. */
  ackAll(): void;
  readonly size: number;
}

export function createRecentIds(limit: number): RecentIds {
  const ids = new Map<string, Seen>();
  return {
    get: (id) => ids.get(id),
    set(id, state) {
      ids.delete(id);
      ids.set(id, state);
      if (ids.size > limit) ids.delete(ids.keys().next().value as string);
    },
    forget(id) {
      ids.delete(id);
    },
    ackAll() {
      for (const [id, state] of ids) if (state === 'delivered') ids.set(id, 'acked');
    },
    get size() {
      return ids.size;
    },
  };
}

export interface SubscriptionsOptions {
  /** A handler threw; the other handlers still ran. */
  onHandlerError?: (error: unknown, message: IncomingMessage) => void;
  /** The broker refused a SUBSCRIBE; it is not restored again. */
  onSubscriptionError?: (error: SubscriptionError) => void;
  debug?: (message: string) => void;
  dedupeWindow?: number;
}

interface Entry {
  /** The STOMP subscription id; the SUBSCRIBE's `receipt` is `subscribe:<id>`, so an ERROR can name the SUBSCRIBE it refuses. */
  id: string;
  /** Key in the entries map: destination and headers. */
  key: string;
  destination: string;
  headers: Record<string, string>;
  /** One token per `add` call, so the same function added twice counts twice. */
  handlers: Map<symbol, MessageHandler>;
  seen: RecentIds;
}

/** The logical subscriptions of a session; made by {@link createSubscriptions}. */
export interface Subscriptions {
  /** Adds a handler; returns the function that removes it (idempotent). */
  add(destination: string, handler: MessageHandler, headers?: Record<string, string>): () => void;
  /** CONNECTED on a new link: (re)subscribe everything (STOMP 1.2 §"SUBSCRIBE"). */
  attach(link: SubscriptionLink): void;
  /**
   * An ERROR answered a SUBSCRIBE (its `receipt-id` names it, STOMP 1.2
   * §"ERROR"): the subscription is dropped, so the reconnect that follows the
   * ERROR does not ask again and loop. Returns false for other receipts.
   */
  refused(receiptId: string, message: string): boolean;
  /** The link is gone; the broker forgot our subscriptions with it. */
  detach(): void;
}

export function createSubscriptions(options: SubscriptionsOptions = {}): Subscriptions {
  const { debug } = options;
  const entries = new Map<string, Entry>();
  let link: SubscriptionLink | null = null;
  let counter = 0;

  /** A SUBSCRIBE that will never be: dropped (not restored again) and reported. */
  const drop = (key: string, entry: Entry, message: string): void => {
    entries.delete(key);
    debug?.(`SUBSCRIBE ${entry.destination} dropped: ${message}`);
    options.onSubscriptionError?.({ destination: entry.destination, headers: entry.headers, message });
  };

  const open = (to: SubscriptionLink, entry: Entry): void => {
    const headers = { ...entry.headers, receipt: `subscribe:${entry.id}` };
    to.subscribe(entry.id, entry.destination, headers, (raw, ack) => deliver(entry, to, raw, ack));
  };

  /** A MESSAGE (STOMP 1.2 §"MESSAGE") to the handlers of `entry`, unless it is a copy of one they had. */
  const deliver = (entry: Entry, from: SubscriptionLink, frame: Frame, send: Acknowledge): void => {
    if (entries.get(entry.key) !== entry) return; // unsubscribed meanwhile
    const { seen, destination } = entry;
    const { headers } = frame;
    const mode = entry.headers.ack;
    const acking = mode === 'client' || mode === 'client-individual';
    const key = headers[IDEMPOTENCY_HEADER];
    const messageId = headers['message-id'] ?? '';
    if (key !== undefined) {
      const known = seen.get(key);
      // Drop a copy (a resend after a lost receipt) of what was delivered; but
      // a redelivery of a message the application never acknowledged is its
      // second chance, not a copy.
      const copy = known === 'acked' || (known === 'delivered' && (!acking || headers.redelivered !== 'true'));
      if (copy) {
        debug?.(`duplicate ${key} on ${destination} dropped`);
        // A dropped copy still has to be acknowledged or the broker redelivers it forever.
        if (acking && from.connected) send('ACK');
        return;
      }
      seen.set(key, acking ? (known ?? 'delivered') : 'acked');
    }
    const acknowledge: Acknowledge = (command, extra = {}) => {
      // After a reconnect the broker redelivers unacknowledged messages itself;
      // an ACK for the old connection has nowhere to go.
      if (!from.connected) {
        debug?.(`${command} ${messageId} skipped: connection gone`);
        return;
      }
      send(command, extra);
      // Inside a transaction the ACK may still be aborted: it decides nothing yet.
      if (key === undefined || extra.transaction !== undefined) return;
      // A NACKed message must reach the application again when redelivered.
      if (command === 'NACK') seen.forget(key);
      else if (mode === 'client') seen.ackAll();
      else seen.set(key, 'acked');
    };
    let json: unknown;
    if (/^application\/json\b/i.test(headers['content-type'] ?? '')) {
      try {
        json = JSON.parse(frame.body);
      } catch (error) {
        debug?.(`MESSAGE ${messageId}: bad JSON: ${String(error)}`);
      }
    }
    const message: IncomingMessage & { [ACKNOWLEDGE]: Acknowledge } = {
      destination: headers.destination ?? '',
      headers,
      get body() {
        return frame.body;
      },
      binaryBody: frame.binaryBody,
      json,
      messageId,
      ack: () => acknowledge('ACK'),
      nack: () => acknowledge('NACK'),
      [ACKNOWLEDGE]: acknowledge,
    };
    if (key !== undefined) message.idempotencyKey = key;
    for (const handler of [...entry.handlers.values()]) {
      try {
        handler(message);
      } catch (error) {
        if (options.onHandlerError) options.onHandlerError(error, message);
        else debug?.(`handler for ${destination} threw: ${String(error)}`);
      }
    }
  };

  return {
    add(destination, handler, headers = {}) {
      const clean = checkSubscription(destination, handler, headers);
      // A stream read from a position is a SUBSCRIBE of its own: joining an
      // equal one late would miss what that one has already read.
      const key = 'x-stream-offset' in clean ? `${++counter}` : subscriptionKey(destination, clean);
      let entry = entries.get(key);
      if (!entry) {
        entry = {
          id: `sk-${++counter}`,
          key,
          destination,
          headers: clean,
          handlers: new Map(),
          seen: createRecentIds(options.dedupeWindow ?? DEFAULT_DEDUPE_WINDOW),
        };
        entries.set(key, entry);
        if (link?.connected) open(link, entry);
      }
      const token = Symbol();
      entry.handlers.set(token, handler);
      const owner = entry;
      return () => {
        if (!owner.handlers.delete(token) || owner.handlers.size > 0) return;
        entries.delete(key);
        if (link?.connected) {
          try {
            link.unsubscribe(owner.id);
          } catch (error) {
            debug?.(`unsubscribe ${owner.destination} failed: ${String(error)}`);
          }
        }
      };
    },
    attach(next) {
      link = next;
      for (const [key, entry] of entries) {
        try {
          open(next, entry);
        } catch (error) {
          // A frame this connection cannot carry (e.g. a line break in a header value before STOMP 1.2): dropped and reported, never retried.
          if (!next.connected) return;
          drop(key, entry, error instanceof Error ? error.message : String(error));
        }
      }
    },
    refused(receiptId, message) {
      for (const [key, entry] of entries) {
        if (`subscribe:${entry.id}` !== receiptId) continue;
        drop(key, entry, message);
        return true;
      }
      return false;
    },
    detach() {
      link = null;
    },
  };
}

/** Checks what an application passes to `subscribe`; returns a copy of the headers. */
export function checkSubscription(destination: string, handler: MessageHandler, headers: Record<string, string>): Record<string, string> {
  const clean = checkHeaders('subscribe', destination, headers, ['id', 'destination', 'receipt']);
  if (typeof handler !== 'function') throw new TypeError('subscribe: handler must be a function');
  return clean;
}

/** Equal for equal destination and header values, whatever the order of the headers. */
export function subscriptionKey(destination: string, headers: Record<string, string>): string {
  const sorted = Object.keys(headers)
    .sort()
    .map((name) => [name, headers[name]]);
  return JSON.stringify([destination, sorted]);
}

/**
 * Checks what an application passes to `subscribe`/`send`: a non-empty
 * destination, string header values, none of the headers the session sets.
 * Returns a copy of the headers.
 */
export function checkHeaders(what: string, destination: string, headers: Record<string, string>, reserved: string[]): Record<string, string> {
  if (typeof destination !== 'string' || destination === '') throw new TypeError(`${what}: destination must be a non-empty string`);
  if (/[\r\n\0]/.test(destination)) throw new TypeError(`${what}: destination contains a line break or NUL`);
  if (headers === null || typeof headers !== 'object') throw new TypeError(`${what}: headers must be an object of strings`);
  const clean: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string') throw new TypeError(`${what}: header "${name}" must be a string, got ${typeof value}`);
    if (reserved.includes(name)) throw new TypeError(`${what}: header "${name}" is set by the session`);
    checkHeaderName(name);
    clean[name] = value;
  }
  return clean;
}
