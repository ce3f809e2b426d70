/**
 * One client subscription (STOMP 1.2 §"SUBSCRIBE") and its unacked
 * deliveries (§"ACK", §"NACK").
 *
 * RabbitMQ 3.10 findings mirrored here:
 * - MESSAGE headers come in this order: `subscription`, `destination` (the
 *   SEND destination, also for wildcard subscriptions), `message-id`,
 *   `redelivered` (always present), `ack` (only for `client` and
 *   `client-individual`), then the sender's headers, then `content-length`.
 * - `message-id` and `ack` are `T_<subscription>@@<session>@@<n>`, n counting
 *   deliveries per connection. ACK/NACK only look at the number after the
 *   last `@@`.
 */
import type { AckMode, AckSource, Entry, Subscriber } from './message.js';
import type { StompVersion } from './frame.js';
import type { Target } from './destination.js';
import { MessageEncoder } from './serializer.js';

/** What a subscription needs from its connection. */
export interface SubscriptionOwner {
  readonly session: string;
  readonly version: StompVersion;
  readonly isOpen: boolean;
  nextTag(): number;
  /** Remember `tag` → subscription until it is acked. */
  track(tag: number, sub: Subscription): void;
  untrack(tag: number): void;
  writeMessage(bytes: Uint8Array): void;
}

export class Subscription implements Subscriber {
  /** Unacked deliveries by tag, in delivery (ascending tag) order. */
  readonly unacked = new Map<number, Entry>();
  source: AckSource | null = null;
  /** For a topic subscription with client acks: what is bound to the topic in its place. */
  feeder: Subscriber | null = null;
  private readonly encoder: MessageEncoder;

  constructor(
    private readonly owner: SubscriptionOwner,
    readonly id: string,
    readonly destination: string,
    readonly target: Target,
    readonly ackMode: AckMode,
    readonly prefetch: number,
  ) {
    this.encoder = new MessageEncoder(id, `T_${id}@@${owner.session}@@`, owner.version);
  }

  get open(): boolean {
    return this.owner.isOpen;
  }

  deliver(entry: Entry, source: AckSource | null): void {
    const tag = this.owner.nextTag();
    const withAck = this.ackMode !== 'auto';
    if (source && withAck) {
      this.source = source;
      this.unacked.set(tag, entry);
      this.owner.track(tag, this);
    }
    const tail = entry.tail(this.owner.version);
    this.owner.writeMessage(this.encoder.encode(entry.destination, tag, entry.redelivered, withAck, tail));
  }

  /**
   * Take the deliveries an ACK/NACK of `tag` settles: all up to `tag` in
   * `client` mode (cumulative), only `tag` in `client-individual` mode.
   */
  take(tag: number): Entry[] {
    const out: Entry[] = [];
    if (this.ackMode === 'client') {
      for (const [t, e] of this.unacked) {
        if (t > tag) break;
        out.push(e);
        this.unacked.delete(t);
        this.owner.untrack(t);
      }
    } else {
      const e = this.unacked.get(tag);
      if (e) {
        out.push(e);
        this.unacked.delete(tag);
        this.owner.untrack(tag);
      }
    }
    return out;
  }

  /** Everything still unacked (on UNSUBSCRIBE or disconnect). */
  takeAll(): Entry[] {
    const out = [...this.unacked.values()];
    for (const t of this.unacked.keys()) this.owner.untrack(t);
    this.unacked.clear();
    return out;
  }
}

/** The delivery tag in an ack id: the number after the last `@@` (RabbitMQ's format). */
export function parseAckTag(id: string): number | undefined {
  const at = id.lastIndexOf('@@');
  const n = id.slice(at < 0 ? 0 : at + 2);
  return /^\d+$/.test(n) ? Number(n) : undefined;
}
