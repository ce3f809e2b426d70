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
 */
import type { DestinationStats, QueueBacklogSummary, QueueDeclaration } from './types.js';
import type { QueueStore } from './persistence.js';
import type { AckSource, Entry, Subscriber } from './message.js';
import { type ClassicLimits, NO_LIMITS } from './queue-args.js';
import { QueueBacklog } from './queue-backlog.js';

/** Options of a durable classic queue. */
export interface ClassicQueueOptions {
  /**
   * Ready bytes held in memory; past them, later messages stay in the store
   * only until consumers drain the queue (with a store that can `read` and
   * `delete`). Default all.
   */
  memoryBytes?: number;
  /** Timer for retrying a failed backlog read. */
  retryLater?: (fn: () => void, ms: number) => void;
}

/** Body bytes asked of the store per backlog page, at most. */
const PAGE_BYTES = 256 * 1024;

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
  /** Ready messages only in the store (durable queues with a memory window). */
  private readonly backlog: QueueBacklog | null = null;
  /** Ready bytes held in memory before later messages go to the backlog. */
  private readonly memoryBytes: number = Infinity;
  private readonly pageBytes: number = PAGE_BYTES;

  constructor(
    readonly declaration: QueueDeclaration,
    /** Set for durable queues: every change is persisted. */
    private readonly store: QueueStore | null,
    private readonly log: (message: string) => void,
    /** Called when an auto-delete queue lost its last consumer. */
    private readonly onUnused: (queue: ClassicQueue) => void,
    /** `x-max-length`, `x-message-ttl`, ... already checked (queue-args.ts). */
    private readonly limits: Readonly<ClassicLimits> = NO_LIMITS,
    /** The engine clock, for `x-message-ttl` and `x-expires` (unused without them). */
    private readonly now: () => number = () => 0,
    options: ClassicQueueOptions = {},
  ) {
    this.idleSince = now();
    const memoryBytes = options.memoryBytes ?? Infinity;
    if (store?.canRead && store.canDelete && memoryBytes !== Infinity) {
      this.memoryBytes = memoryBytes;
      this.pageBytes = Math.max(1, Math.min(PAGE_BYTES, memoryBytes / 2));
      const retryLater = options.retryLater ?? ((fn, ms) => void setTimeout(fn, ms));
      this.backlog = new QueueBacklog({
        store,
        name: declaration.name,
        log,
        retryLater,
        page: (entries) => this.takePage(entries),
        durable: () => this.fill(),
      });
    }
  }

  get hasMessageTtl(): boolean {
    return this.limits.messageTtl !== Infinity;
  }

  /** Body bytes held in memory, ready or unacked. */
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
    const stored = persist && this.store ? this.store.append(this.declaration.name, entry.stored) : undefined;
    // Behind a backlog, or past the window: the store alone holds it until consumers get that far.
    if (stored && this.backlog && (!this.backlog.empty || this.readyBytes + entry.size > this.memoryBytes)) {
      this.backlog.add(entry, stored);
      this.trim();
      return stored;
    }
    this.items.push(entry);
    this.readyBytes += entry.size;
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

  /** The part of the queue the store did not load at start-up (after the messages restored by `enqueue`). */
  restoreBacklog(summary: QueueBacklogSummary): void {
    this.backlog?.restore(summary);
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
    this.backlog?.close();
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
      depth: this.items.length - this.head + this.unackedCount + (this.backlog?.count ?? 0),
      storedBytes: this.readyBytes + this.unackedBytes + (this.backlog?.bytes ?? 0),
      memoryBytes: this.readyBytes + this.unackedBytes,
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
    const backlogCount = this.backlog?.count ?? 0;
    const backlogBytes = this.backlog?.bytes ?? 0;
    while (this.head < this.items.length) {
      const e = this.items[this.head];
      const over = this.items.length - this.head + backlogCount > maxLength || this.readyBytes + backlogBytes > maxLengthBytes;
      if (!over && !(this.hasMessageTtl && this.expired(e, now))) break;
      this.items[this.head++] = undefined as unknown as Entry;
      this.readyBytes -= e.size;
      (dropped ??= []).push(e);
    }
    // Still over with nothing left in memory: the oldest are in the backlog; the page read next is trimmed on arrival.
    if (this.head === this.items.length && backlogCount > 0 && (backlogCount > maxLength || backlogBytes > maxLengthBytes)) {
      this.backlog!.load(this.pageBytes);
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
    this.fill();
  }

  /** Read the next page of the backlog once what is ready in memory runs low. */
  private fill(): void {
    if (this.backlog && !this.backlog.empty && !this.deleted && this.readyBytes < this.memoryBytes / 2) {
      this.backlog.load(this.pageBytes);
    }
  }

  /** A page of the backlog: behind everything in memory (its offsets are all later), then limits, then consumers. */
  private takePage(entries: Entry[]): void {
    if (this.deleted) return;
    for (const e of entries) {
      this.items.push(e);
      this.readyBytes += e.size;
    }
    this.trim();
    this.dispatch();
  }
}
