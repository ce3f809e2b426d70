/**
 * Logical subscriptions of a session. Equal destination + headers share one
 * STOMP SUBSCRIBE (ref-counted); every one is re-sent after a reconnect;
 * messages the outbox resent after a lost receipt are dropped by their
 * idempotency key.
 */
import type { IMessage } from '@stomp/stompjs';
import type { IncomingMessage, MessageHandler, SubscriptionError } from './types.js';

/** Header carrying the sender's idempotency key on SEND and MESSAGE. */
export const IDEMPOTENCY_HEADER = 'stompkit-id';

/** How many idempotency keys each subscription remembers. */
export const DEFAULT_DEDUPE_WINDOW = 5000;

/** The part of a connection subscriptions need. */
export interface SubscriptionLink {
  readonly connected: boolean;
  subscribe(id: string, destination: string, headers: Record<string, string>, onMessage: (m: IMessage) => void): void;
  unsubscribe(id: string): void;
}

/** Sends ACK or NACK for a delivered message, with extra headers (e.g. `transaction`). */
export type Acknowledge = (command: 'ACK' | 'NACK', headers?: Record<string, string>) => void;

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
 * whether the application acknowledged the message.
 */
export class RecentIds {
  private readonly ids = new Map<string, Seen>();
  constructor(private readonly limit: number) {}

  get(id: string): Seen | undefined {
    return this.ids.get(id);
  }

  /** Records `id` (as the newest) with `state`. */
  set(id: string, state: Seen): void {
    this.ids.delete(id);
    this.ids.set(id, state);
    if (this.ids.size > this.limit) this.ids.delete(this.ids.keys().next().value as string);
  }

  forget(id: string): void {
    this.ids.delete(id);
  }

  /** Cumulative ACK (`ack:client`): everything delivered so far counts as acknowledged. */
  ackAll(): void {
    for (const [id, state] of this.ids) if (state === 'delivered') this.ids.set(id, 'acked');
  }

  get size(): number {
    return this.ids.size;
  }
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
  id: string;
  destination: string;
  headers: Record<string, string>;
  /** One token per `add` call, so the same function added twice counts twice. */
  handlers: Map<symbol, MessageHandler>;
  seen: RecentIds;
}

export class Subscriptions {
  private readonly entries = new Map<string, Entry>();
  private link: SubscriptionLink | null = null;
  private counter = 0;

  constructor(private readonly options: SubscriptionsOptions = {}) {}

  /** Adds a handler; returns the function that removes it (idempotent). */
  add(destination: string, handler: MessageHandler, headers: Record<string, string> = {}): () => void {
    const clean = checkHeaders('subscribe', destination, headers, ['id', 'destination', 'receipt']);
    if (typeof handler !== 'function') throw new TypeError('subscribe: handler must be a function');
    const key = keyOf(destination, clean);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = {
        id: `sk-${++this.counter}`,
        destination,
        headers: clean,
        handlers: new Map(),
        seen: new RecentIds(this.options.dedupeWindow ?? DEFAULT_DEDUPE_WINDOW),
      };
      this.entries.set(key, entry);
      if (this.link?.connected) this.open(this.link, entry);
    }
    const token = Symbol(destination);
    entry.handlers.set(token, handler);
    const owner = entry;
    return () => {
      if (!owner.handlers.delete(token) || owner.handlers.size > 0) return;
      this.entries.delete(key);
      if (this.link?.connected) {
        try {
          this.link.unsubscribe(owner.id);
        } catch (error) {
          this.options.debug?.(`unsubscribe ${owner.destination} failed: ${String(error)}`);
        }
      }
    };
  }

  /** CONNECTED on a new link: (re)subscribe everything (STOMP 1.2 §"SUBSCRIBE"). */
  attach(link: SubscriptionLink): void {
    this.link = link;
    for (const entry of this.entries.values()) this.open(link, entry);
  }

  /**
   * An ERROR answered a SUBSCRIBE (its `receipt-id` names it, STOMP 1.2
   * §"ERROR"): the subscription is dropped, so the reconnect that follows the
   * ERROR does not ask again and loop. Returns false for other receipts.
   */
  refused(receiptId: string, message: string): boolean {
    for (const [key, entry] of this.entries) {
      if (receiptOf(entry) !== receiptId) continue;
      this.entries.delete(key);
      this.options.debug?.(`SUBSCRIBE ${entry.destination} refused: ${message}`);
      this.options.onSubscriptionError?.({ destination: entry.destination, headers: entry.headers, message });
      return true;
    }
    return false;
  }

  /** The link is gone; the broker forgot our subscriptions with it. */
  detach(): void {
    this.link = null;
  }

  /** Number of STOMP subscriptions (not handlers). */
  get size(): number {
    return this.entries.size;
  }

  private open(link: SubscriptionLink, entry: Entry): void {
    // The receipt lets an ERROR name the SUBSCRIBE it refuses.
    const headers = { ...entry.headers, receipt: receiptOf(entry) };
    link.subscribe(entry.id, entry.destination, headers, (raw) => this.deliver(entry, link, raw));
  }

  private deliver(entry: Entry, link: SubscriptionLink, raw: IMessage): void {
    if (this.entries.get(keyOf(entry.destination, entry.headers)) !== entry) return; // unsubscribed meanwhile
    const mode = entry.headers.ack;
    const acking = mode === 'client' || mode === 'client-individual';
    const key = raw.headers[IDEMPOTENCY_HEADER];
    const message = toIncoming(raw, link, this.options.debug, (command) => {
      if (key === undefined) return;
      // A NACKed message must reach the application again when redelivered.
      if (command === 'NACK') entry.seen.forget(key);
      else if (mode === 'client') entry.seen.ackAll();
      else entry.seen.set(key, 'acked');
    });
    if (key !== undefined) {
      const seen = entry.seen.get(key);
      // Drop a copy (a resend after a lost receipt) of what was delivered; but
      // a redelivery of a message the application never acknowledged is its
      // second chance, not a copy.
      const copy = seen === 'acked' || (seen === 'delivered' && (!acking || raw.headers.redelivered !== 'true'));
      if (copy) {
        this.options.debug?.(`duplicate ${key} on ${entry.destination} dropped`);
        // A dropped copy still has to be acknowledged or the broker redelivers it forever.
        if (acking && link.connected) raw.ack();
        return;
      }
      entry.seen.set(key, acking ? (seen ?? 'delivered') : 'acked');
    }
    for (const handler of [...entry.handlers.values()]) {
      try {
        handler(message);
      } catch (error) {
        if (this.options.onHandlerError) this.options.onHandlerError(error, message);
        else this.options.debug?.(`handler for ${entry.destination} threw: ${String(error)}`);
      }
    }
  }
}

function receiptOf(entry: Entry): string {
  return `subscribe:${entry.id}`;
}

function keyOf(destination: string, headers: Record<string, string>): string {
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
  if (headers === null || typeof headers !== 'object') throw new TypeError(`${what}: headers must be an object of strings`);
  const clean: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string') throw new TypeError(`${what}: header "${name}" must be a string, got ${typeof value}`);
    if (reserved.includes(name)) throw new TypeError(`${what}: header "${name}" is set by the session`);
    clean[name] = value;
  }
  return clean;
}

/** Wraps a MESSAGE frame (STOMP 1.2 §"MESSAGE") for handlers. */
export function toIncoming(
  raw: IMessage,
  link: SubscriptionLink,
  debug?: (m: string) => void,
  onAcknowledge?: (command: 'ACK' | 'NACK') => void,
): IncomingMessage {
  const headers: Readonly<Record<string, string>> = { ...raw.headers };
  const acknowledge: Acknowledge = (command, extra = {}) => {
    // After a reconnect the broker redelivers unacknowledged messages itself;
    // an ACK for the old connection has nowhere to go.
    if (!link.connected) {
      debug?.(`${command} for ${headers['message-id']} skipped: its connection is gone`);
      return;
    }
    if (command === 'ACK') raw.ack(extra);
    else raw.nack(extra);
    // Inside a transaction the ACK may still be aborted: it decides nothing yet.
    if (extra.transaction === undefined) onAcknowledge?.(command);
  };
  let json: unknown;
  if (/^application\/json\b/i.test(headers['content-type'] ?? '')) {
    try {
      json = JSON.parse(raw.body);
    } catch (error) {
      debug?.(`MESSAGE ${headers['message-id']} says JSON but does not parse: ${String(error)}`);
    }
  }
  const message: IncomingMessage & { [ACKNOWLEDGE]: Acknowledge } = {
    destination: headers.destination ?? '',
    headers,
    get body() {
      return raw.body;
    },
    get binaryBody() {
      return raw.binaryBody;
    },
    json,
    messageId: headers['message-id'] ?? '',
    ack: () => acknowledge('ACK'),
    nack: () => acknowledge('NACK'),
    [ACKNOWLEDGE]: acknowledge,
  };
  const key = headers[IDEMPOTENCY_HEADER];
  if (key !== undefined) message.idempotencyKey = key;
  return message;
}
