/**
 * A `/topic/` subscription with `ack:client` or `ack:client-individual`.
 *
 * RabbitMQ 3.10 finding mirrored here: such a subscription is backed by a
 * private queue bound to the topic, so `prefetch-count` applies (with
 * `prefetch-count:1` the second message waits for the ACK of the first), ACK
 * settles and NACK redelivers (`redelivered:true`). A private queue that grows
 * past `maxPendingBytes` because its client never acks is cut off like any
 * slow consumer.
 */
import type { Entry, Subscriber } from './message.js';
import { ClassicQueue } from './queue.js';

export class TopicQueue implements Subscriber {
  readonly ackMode = 'auto' as const;
  readonly prefetch = 0;
  readonly queue: ClassicQueue;
  private seq = 0;

  constructor(
    private readonly sub: Subscriber,
    private readonly maxBytes: number,
    private readonly overflow: () => void,
    log: (message: string) => void,
  ) {
    this.queue = new ClassicQueue(
      { name: `topic-subscription-${sub.id}`, type: 'classic', durable: false, autoDelete: false, args: {} },
      null,
      log,
      () => {},
    );
  }

  get id(): string {
    return this.sub.id;
  }

  get open(): boolean {
    return this.sub.open;
  }

  /** Called by the topic exchange: hold a private copy (own offset, own redelivered flag). */
  deliver(entry: Entry): void {
    this.queue.enqueue(entry.copyAt(this.seq++));
    if (this.queue.bytes > this.maxBytes) this.overflow();
  }
}
