/**
 * A classic `/queue/<name>`: competing consumers served round-robin, ack
 * modes `auto`, `client`, `client-individual` (STOMP 1.2 §"SUBSCRIBE ack
 * Header"), `prefetch-count` as the most unacked messages per consumer.
 *
 * RabbitMQ findings mirrored here (3.10, probed over raw STOMP):
 * - NACK requeues the message at its old place and it comes back with
 *   `redelivered:true` (possibly to the same consumer).
 * - With `ack:auto` no prefetch applies (RabbitMQ's no-ack consumers).
 *
 * Queue arguments (RabbitMQ 3.10.8, probed over raw STOMP):
 * - `x-max-length` / `x-max-length-bytes` count ready messages (bodies) only,
 *   not unacked ones; the default overflow `drop-head` drops the oldest ready
 *   messages. With `x-max-length:2`, m0..m4 sent, a `prefetch-count:1`
 *   consumer holding m3, then m5..m7 sent: it got m3, m6, m7. A message bigger
 *   than `x-max-length-bytes` is dropped itself (the limit holds for all
 *   ready bytes). `x-max-length:0` drops what no consumer takes at once.
 * - A NACKed message goes back to the head and drop-head applies before
 *   delivery: `x-max-length:1`, m0 held, m1 and m2 sent (m1 dropped), NACK
 *   m0: m0 is dropped and m2 delivered.
 * - `x-message-ttl`: ready messages older than the TTL are never delivered;
 *   a message held unacked past its TTL and NACKed is dropped, not
 *   redelivered. `x-message-ttl:0` keeps only what a consumer takes at once.
 * - `x-expires`: a queue without consumers that is not re-declared for that
 *   long is deleted (a bare SEND 1.2 s after `x-expires:500` created a new
 *   queue; with `x-expires:5000` it was refused as inequivalent).
 * - A `durable:true`, `auto-delete:true` queue goes with its last subscriber,
 *   messages (unacked ones too) included: `/amq/queue/` then gets
 *   `not_found`, and a SEND from a new connection declares a fresh, empty
 *   queue. A deleted queue is deleted from the store as well (declaration and
 *   messages), so a restart does not bring it back.
 * - A SEND held in a transaction is published by name at COMMIT: dropped if
 *   its queue was deleted meanwhile, delivered to a queue declared again.
 * - Values must be integers: `abc` or `1.5` gets ERROR `Processing error`;
 *   a negative one `precondition_failed` "PRECONDITION_FAILED - invalid arg
 *   'x-max-length' for queue 'q' in vhost '/': {value_negative,-1}";
 *   `x-expires:0` "... {value_zero,0}".
 */
import type { DestinationStats, QueueDeclaration } from './types.js';
import type { QueueStore } from './persistence.js';
import type { AckSource, Entry, Subscriber } from './message.js';
import { StompError } from './frame.js';

/** Limits a classic queue enforces; `Infinity` when the argument is absent. */
export interface ClassicLimits {
  maxLength: number;
  maxLengthBytes: number;
  /** `x-message-ttl` in ms. */
  messageTtl: number;
  /** `x-expires` in ms. */
  expires: number;
}

export const NO_LIMITS: Readonly<ClassicLimits> = Object.freeze({
  maxLength: Infinity,
  maxLengthBytes: Infinity,
  messageTtl: Infinity,
  expires: Infinity,
});

/** Classic-queue arguments compared on re-declaration, in the order RabbitMQ checks them. */
export const CLASSIC_ARGS = ['x-expires', 'x-message-ttl', 'x-max-length', 'x-max-length-bytes'] as const;

/** Parse and check the classic-queue arguments of a declaration (RabbitMQ's errors, above). */
export function classicLimits(name: string, args: Readonly<Record<string, string>>): ClassicLimits {
  const read = (arg: (typeof CLASSIC_ARGS)[number]): number => {
    const value = args[arg];
    if (value === undefined) return Infinity;
    if (!/^[+-]?\d+$/.test(value)) {
      throw new StompError('Processing error', `Processing error - '${arg}' must be an integer, got "${value}"`);
    }
    const n = Number(value);
    const invalid = n < 0 ? `{value_negative,${n}}` : n === 0 && arg === 'x-expires' ? '{value_zero,0}' : undefined;
    if (invalid) {
      throw new StompError(
        'precondition_failed',
        `PRECONDITION_FAILED - invalid arg '${arg}' for queue '${name}' in vhost '/': ${invalid}`,
      );
    }
    return n;
  };
  return {
    expires: read('x-expires'),
    messageTtl: read('x-message-ttl'),
    maxLength: read('x-max-length'),
    maxLengthBytes: read('x-max-length-bytes'),
  };
}

interface Consumer {
  sub: Subscriber;
  inflight: number;
}

export class ClassicQueue implements AckSource {
  readonly kind = 'queue' as const;
  private items: Entry[] = [];
  private head = 0;
  private readyBytes = 0;
  private unackedCount = 0;
  private unackedBytes = 0;
  private readonly consumers: Consumer[] = [];
  private readonly bySub = new Map<Subscriber, Consumer>();
  private rr = 0;
  private dispatching = false;
  private again = false;
  /** The message `enqueue` is placing: it may go to a waiting consumer even with `x-message-ttl:0`. */
  private arriving: Entry | undefined = undefined;
  /** Since when the queue has had no consumer (for `x-expires`); undefined while it has one. */
  private idleSince: number | undefined;
  /** For a `/temp-queue/`: the connection owning it; SUBSCRIBE from others is refused. */
  exclusiveTo: unknown = undefined;
  /** Set by {@link delete}: nothing reaches the store for this queue any more (its name may belong to a new queue). */
  private deleted = false;

  constructor(
    readonly declaration: QueueDeclaration,
    /** Set for durable queues: every change is persisted. */
    private readonly store: QueueStore | null,
    private readonly log: (message: string) => void,
    /** Called when an auto-delete queue lost its last consumer. */
    private readonly onUnused: (queue: ClassicQueue) => void,
    /** `x-max-length`, `x-message-ttl`, ... already checked (see {@link classicLimits}). */
    private readonly limits: Readonly<ClassicLimits> = NO_LIMITS,
    /** The engine clock, for `x-message-ttl` and `x-expires` (unused without them). */
    private readonly now: () => number = () => 0,
  ) {
    this.idleSince = now();
  }

  get hasMessageTtl(): boolean {
    return this.limits.messageTtl !== Infinity;
  }

  /** Body bytes held, ready or unacked. */
  get bytes(): number {
    return this.readyBytes + this.unackedBytes;
  }

  get consumerCount(): number {
    return this.consumers.length;
  }

  get isDeleted(): boolean {
    return this.deleted;
  }

  /** Put a message at the tail. Returns the store's promise for durable queues. */
  enqueue(entry: Entry, persist = true): Promise<void> | undefined {
    // Unroutable, as a publish to a deleted queue is on RabbitMQ (the router redirects by name first).
    if (this.deleted) return undefined;
    this.items.push(entry);
    this.readyBytes += entry.size;
    const stored = persist && this.store ? this.store.append(this.declaration.name, entry.stored) : undefined;
    // RabbitMQ hands a message to a waiting consumer first, then applies drop-head and TTL to what is left.
    const outer = this.arriving;
    this.arriving = entry;
    try {
      this.dispatch();
    } finally {
      this.arriving = outer;
    }
    this.trim();
    return stored;
  }

  subscribe(sub: Subscriber): void {
    const c: Consumer = { sub, inflight: 0 };
    this.consumers.push(c);
    this.bySub.set(sub, c);
    this.idleSince = undefined;
    this.dispatch();
  }

  /** Re-declared: an `x-expires` lease starts again. */
  touch(): void {
    if (this.consumers.length === 0) this.idleSince = this.now();
  }

  /** True once `x-expires` says this unused queue is gone. */
  expiredAt(now: number): boolean {
    return this.idleSince !== undefined && now - this.idleSince >= this.limits.expires;
  }

  /** Drop expired messages at the head (the periodic sweep; delivery checks on its own). */
  dropExpired(): void {
    this.trim();
  }

  /**
   * The queue is deleted (`x-expires`, auto-delete; it has no consumer, so
   * nothing is unacked): drop every message and, for a durable queue, the
   * queue itself from the store. Returns the store's promise (settled: a
   * failure is logged here).
   */
  delete(): Promise<void> | undefined {
    if (this.deleted) return undefined;
    const offsets = this.items.slice(this.head).map((e) => e.offset);
    this.deleted = true;
    this.items = [];
    this.head = 0;
    this.readyBytes = 0;
    if (!this.store) return undefined;
    return this.store.delete(this.declaration.name, offsets).catch((err: unknown) => {
      this.log(`store.delete(${this.declaration.name}) failed: ${String(err)}`);
    });
  }

  ack(sub: Subscriber, entries: readonly Entry[]): void {
    this.settle(sub, entries);
    this.forget(entries);
    this.dispatch();
  }

  nack(sub: Subscriber, entries: readonly Entry[]): void {
    this.settle(sub, entries);
    this.requeue(entries);
    this.trim();
    this.dispatch();
  }

  detach(sub: Subscriber, unacked: readonly Entry[]): void {
    const c = this.bySub.get(sub);
    if (!c) return;
    this.bySub.delete(sub);
    this.consumers.splice(this.consumers.indexOf(c), 1);
    this.unackedCount -= unacked.length;
    for (const e of unacked) this.unackedBytes -= e.size;
    this.requeue(unacked);
    if (this.consumers.length === 0) {
      this.idleSince = this.now();
      if (this.declaration.autoDelete) {
        this.onUnused(this);
        return;
      }
    }
    this.trim();
    this.dispatch();
  }

  stats(): DestinationStats {
    return {
      destination: `/queue/${this.declaration.name}`,
      kind: 'queue',
      subscribers: this.consumers.length,
      depth: this.items.length - this.head + this.unackedCount,
      storedBytes: this.readyBytes + this.unackedBytes,
    };
  }

  private settle(sub: Subscriber, entries: readonly Entry[]): void {
    const c = this.bySub.get(sub);
    if (c) c.inflight -= entries.length;
    this.unackedCount -= entries.length;
    for (const e of entries) this.unackedBytes -= e.size;
  }

  private forget(entries: readonly Entry[]): void {
    if (!this.store || this.deleted || entries.length === 0) return;
    this.store.remove(this.declaration.name, entries.map((e) => e.offset)).catch((err: unknown) => {
      this.log(`store.remove(${this.declaration.name}) failed: ${String(err)}`);
    });
  }

  /** Back to the queue at their original places (ascending offset), marked redelivered. */
  private requeue(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    this.items = this.items.slice(this.head);
    this.head = 0;
    for (const e of entries) {
      e.redelivered = true;
      this.readyBytes += e.size;
      let lo = 0;
      let hi = this.items.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.items[mid].offset < e.offset) lo = mid + 1;
        else hi = mid;
      }
      this.items.splice(lo, 0, e);
    }
  }

  private expired(e: Entry, now: number): boolean {
    return e !== this.arriving && now - e.stored.timestamp >= this.limits.messageTtl;
  }

  /** Drop from the head what is expired or over `x-max-length`/`x-max-length-bytes` (drop-head). */
  private trim(): void {
    const { maxLength, maxLengthBytes } = this.limits;
    const now = this.hasMessageTtl ? this.now() : 0;
    let dropped: Entry[] | undefined;
    while (this.head < this.items.length) {
      const e = this.items[this.head];
      const over = this.items.length - this.head > maxLength || this.readyBytes > maxLengthBytes;
      if (!over && !(this.hasMessageTtl && this.expired(e, now))) break;
      this.items[this.head++] = undefined as unknown as Entry;
      this.readyBytes -= e.size;
      (dropped ??= []).push(e);
    }
    if (!dropped) return;
    this.compact();
    this.forget(dropped);
  }

  /** Release the slots before `head` once they are most of the array. */
  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  private nextConsumer(): Consumer | undefined {
    const n = this.consumers.length;
    for (let k = 0; k < n; k++) {
      const i = (this.rr + k) % n;
      const c = this.consumers[i];
      if (!c.sub.open) continue;
      if (c.sub.ackMode === 'auto' || c.sub.prefetch === 0 || c.inflight < c.sub.prefetch) {
        this.rr = (i + 1) % n;
        return c;
      }
    }
    return undefined;
  }

  private dispatch(): void {
    // A delivery can close a slow consumer, which requeues into this queue: loop instead of recursing.
    if (this.dispatching) {
      this.again = true;
      return;
    }
    this.dispatching = true;
    const ttl = this.hasMessageTtl;
    const now = ttl ? this.now() : 0;
    let expired: Entry[] | undefined;
    try {
      do {
        this.again = false;
        while (this.head < this.items.length) {
          const e = this.items[this.head];
          // An expired message is dropped when it reaches the head, never delivered.
          const stale = ttl && this.expired(e, now);
          const c = stale ? undefined : this.nextConsumer();
          if (!stale && !c) break;
          this.items[this.head++] = undefined as unknown as Entry;
          this.readyBytes -= e.size;
          if (!c) {
            (expired ??= []).push(e);
            continue;
          }
          if (c.sub.ackMode === 'auto') {
            c.sub.deliver(e, null);
            this.forget([e]);
          } else {
            c.inflight++;
            this.unackedCount++;
            this.unackedBytes += e.size;
            c.sub.deliver(e, this);
          }
        }
        this.compact();
      } while (this.again);
    } finally {
      this.dispatching = false;
      if (expired) this.forget(expired);
    }
  }
}
