/**
 * A classic `/queue/<name>`: competing consumers served round-robin, ack
 * modes `auto`, `client`, `client-individual` (STOMP 1.2 §"SUBSCRIBE ack
 * Header"), `prefetch-count` as the most unacked messages per consumer.
 *
 * RabbitMQ findings mirrored here (3.10, probed over raw STOMP):
 * - NACK requeues the message at its old place and it comes back with
 *   `redelivered:true` (possibly to the same consumer).
 * - With `ack:auto` no prefetch applies (RabbitMQ's no-ack consumers).
 */
import type { DestinationStats, QueueDeclaration } from './types.js';
import type { QueueStore } from './persistence.js';
import type { AckSource, Entry, Subscriber } from './message.js';

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

  constructor(
    readonly declaration: QueueDeclaration,
    /** Set for durable queues: every change is persisted. */
    private readonly store: QueueStore | null,
    private readonly log: (message: string) => void,
    /** Called when an auto-delete queue lost its last consumer. */
    private readonly onUnused: (queue: ClassicQueue) => void,
  ) {}

  /** Body bytes held, ready or unacked. */
  get bytes(): number {
    return this.readyBytes + this.unackedBytes;
  }

  get consumerCount(): number {
    return this.consumers.length;
  }

  /** Put a message at the tail. Returns the store's promise for durable queues. */
  enqueue(entry: Entry, persist = true): Promise<void> | undefined {
    this.items.push(entry);
    this.readyBytes += entry.size;
    const stored = persist && this.store ? this.store.append(this.declaration.name, entry.stored) : undefined;
    this.dispatch();
    return stored;
  }

  subscribe(sub: Subscriber): void {
    const c: Consumer = { sub, inflight: 0 };
    this.consumers.push(c);
    this.bySub.set(sub, c);
    this.dispatch();
  }

  ack(sub: Subscriber, entries: readonly Entry[]): void {
    this.settle(sub, entries);
    this.forget(entries);
    this.dispatch();
  }

  nack(sub: Subscriber, entries: readonly Entry[]): void {
    this.settle(sub, entries);
    this.requeue(entries);
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
    if (this.consumers.length === 0 && this.declaration.autoDelete) {
      this.onUnused(this);
      return;
    }
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
    if (!this.store || entries.length === 0) return;
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
    try {
      do {
        this.again = false;
        while (this.head < this.items.length) {
          const c = this.nextConsumer();
          if (!c) break;
          const e = this.items[this.head];
          this.items[this.head++] = undefined as unknown as Entry;
          this.readyBytes -= e.size;
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
        if (this.head > 1024 && this.head * 2 > this.items.length) {
          this.items = this.items.slice(this.head);
          this.head = 0;
        }
      } while (this.again);
    } finally {
      this.dispatching = false;
    }
  }
}
