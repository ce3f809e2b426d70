/**
 * Publisher flow control, as RabbitMQ's credit flow does it: a consumer that
 * falls behind slows the publishers feeding it instead of being cut off.
 *
 * Fan-out is synchronous, so while a connection's frame is handled every
 * byte written to a consumer is on that publisher's behalf. When a
 * consumer's outbound backlog passes the high-water mark the publisher stops
 * being read (its host pauses the socket; frames already received still run);
 * it is read again once every consumer it waits on is back under the
 * low-water mark. A consumer that makes no progress at all for `stallMs`
 * while a publisher waits on it has stopped reading: it is cut off, and the
 * publisher goes on.
 *
 * The memory alarm (set by the host when the process passes its high-water
 * mark) holds back every connection that publishes, as RabbitMQ's memory
 * alarm blocks publishers, until it clears: the broker stops taking work
 * rather than grow.
 */
import type { EngineClock } from './types.js';

export interface FlowPublisher {
  pauseReading(): void;
  resumeReading(): void;
  readonly isOpen: boolean;
}

export interface FlowConsumer {
  /** Bytes written to the peer and not yet handed to the OS. */
  pendingBytes(): number;
  readonly isOpen: boolean;
  /** It stopped reading: cut it off. */
  stalled(): void;
}

export interface FlowLimits {
  /** Backlog at which a consumer's publishers are paused. */
  highWater: number;
  /** Backlog under which they are read again. */
  lowWater: number;
  /** ms without progress after which a lagging consumer is cut off. */
  stallMs: number;
}

interface Lag {
  /** Backlog at the last sign of progress. */
  pending: number;
  since: number;
}

/** How often a paused publisher's consumers are looked at again. */
const CHECK_MS = 20;

export class Flow {
  private current: FlowPublisher | null = null;
  private readonly waits = new Map<FlowPublisher, Set<FlowConsumer>>();
  private readonly lags = new Map<FlowConsumer, Lag>();
  private timer: unknown = undefined;
  private alarmOn = false;
  /** Publishers held by the memory alarm. */
  private readonly held = new Set<FlowPublisher>();

  constructor(
    private readonly clock: EngineClock,
    private readonly limits: FlowLimits,
  ) {}

  /**
   * `publisher`'s frame is being handled from now until `leave(returned)`
   * (a pair rather than a callback: no closure per frame on the hot path).
   */
  enter(publisher: FlowPublisher): FlowPublisher | null {
    const previous = this.current;
    this.current = publisher;
    return previous;
  }

  leave(previous: FlowPublisher | null): void {
    this.current = previous;
  }

  /** `consumer` was just written to; `pending` is its backlog now. */
  wrote(consumer: FlowConsumer, pending: number): void {
    const publisher = this.current;
    if (!publisher || publisher === (consumer as unknown) || pending <= this.limits.highWater) return;
    let waits = this.waits.get(publisher);
    if (!waits) {
      this.waits.set(publisher, (waits = new Set()));
      publisher.pauseReading();
    }
    waits.add(consumer);
    if (!this.lags.has(consumer)) this.lags.set(consumer, { pending, since: this.clock.now() });
    this.timer ??= this.clock.setInterval(() => this.check(), CHECK_MS);
  }

  /** Publishers paused now (stats, tests). */
  get paused(): number {
    return this.waits.size + this.held.size;
  }

  get alarm(): boolean {
    return this.alarmOn;
  }

  /** The host's memory alarm: on, publishers are held at their next SEND; off, they are read again. */
  setAlarm(on: boolean): void {
    if (on === this.alarmOn) return;
    this.alarmOn = on;
    if (on) return;
    for (const publisher of this.held) if (publisher.isOpen && !this.waits.has(publisher)) publisher.resumeReading();
    this.held.clear();
  }

  /** `publisher` just published while the alarm is on: stop reading it until it clears. */
  hold(publisher: FlowPublisher): void {
    if (!this.alarmOn || this.held.has(publisher)) return;
    this.held.add(publisher);
    if (!this.waits.has(publisher)) publisher.pauseReading();
  }

  private check(): void {
    const now = this.clock.now();
    const waitedOn = new Set<FlowConsumer>();
    for (const waits of this.waits.values()) for (const consumer of waits) waitedOn.add(consumer);
    for (const [consumer, lag] of this.lags) {
      const pending = consumer.isOpen ? consumer.pendingBytes() : 0;
      if (!consumer.isOpen || pending <= this.limits.lowWater) {
        this.lags.delete(consumer);
        continue;
      }
      // Progress is any drop since the last look, however large the backlog grew meanwhile.
      if (pending < lag.pending) lag.since = now;
      lag.pending = pending;
      // Cut only a consumer someone is waiting on.
      if (waitedOn.has(consumer) && now - lag.since > this.limits.stallMs) {
        this.lags.delete(consumer);
        consumer.stalled();
      } else if (!waitedOn.has(consumer)) lag.since = now;
    }
    for (const [publisher, waits] of this.waits) {
      for (const consumer of waits) if (!this.lags.has(consumer)) waits.delete(consumer);
      if (waits.size > 0 && publisher.isOpen) continue;
      this.waits.delete(publisher);
      if (publisher.isOpen && !this.held.has(publisher)) publisher.resumeReading();
    }
    if (this.waits.size === 0 && this.lags.size === 0) {
      this.clock.clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  close(): void {
    if (this.timer !== undefined) this.clock.clearInterval(this.timer);
    this.timer = undefined;
  }
}
