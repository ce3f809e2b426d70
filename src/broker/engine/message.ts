/**
 * A message inside the engine and the consumer contract that topics, queues
 * and streams deliver through.
 */
import type { StoredMessage } from './types.js';
import { type StompVersion, versionIndex } from './frame.js';
import { encodeMessageTail } from './serializer.js';

/** A message on its way to subscribers; its encoded tail is shared by all of them. */
export class Entry {
  /** Set once a delivery of this message was NACKed or lost with its session. */
  redelivered = false;

  constructor(
    readonly stored: StoredMessage,
    /** Destination put on MESSAGE frames (the SEND destination, as RabbitMQ does). */
    readonly destination: string,
    /** Encoded tails per version; shared with copies (the headers and body are the same). */
    private readonly tails: Array<Uint8Array | undefined> = [undefined, undefined, undefined],
  ) {}

  /** The same message at another position (own offset and redelivered flag, shared encoding). */
  copyAt(offset: number): Entry {
    return new Entry({ ...this.stored, offset }, this.destination, this.tails);
  }

  get offset(): number {
    return this.stored.offset;
  }

  get size(): number {
    return this.stored.body.length;
  }

  /** The frame tail for `version`, encoded on first use. */
  tail(version: StompVersion): Uint8Array {
    const i = versionIndex(version);
    let t = this.tails[i];
    if (t === undefined) {
      t = encodeMessageTail(this.stored.headers, this.stored.body, version);
      this.tails[i] = t;
    }
    return t;
  }
}

/** STOMP 1.2 §"SUBSCRIBE ack Header". */
export type AckMode = 'auto' | 'client' | 'client-individual';

/** Where a delivery came from, told about its fate. Topics have none (nothing to ack). */
export interface AckSource {
  ack(sub: Subscriber, entries: readonly Entry[]): void;
  nack(sub: Subscriber, entries: readonly Entry[]): void;
  /** The subscription ended with `unacked` still outstanding. */
  detach(sub: Subscriber, unacked: readonly Entry[]): void;
}

/** One STOMP subscription, as destinations see it. Implemented by the connection. */
export interface Subscriber {
  readonly id: string;
  readonly ackMode: AckMode;
  /** `prefetch-count`; 0 = unlimited. */
  readonly prefetch: number;
  /** Write a MESSAGE. `source` is set when the delivery awaits an ACK/NACK. */
  deliver(entry: Entry, source: AckSource | null): void;
  /** False once the connection is closing: destinations skip it. */
  readonly open: boolean;
}
