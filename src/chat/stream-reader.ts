/**
 * Reading stream queues (RabbitMQ streams, and the dev broker's): a live
 * follower that resumes exactly after the last offset it saw when the
 * connection comes back, and bounded page reads for older history.
 *
 * Why resume ourselves: the session restores subscriptions with their
 * original headers, and `x-stream-offset:last` (or any fixed offset) would
 * then replay or skip. So when the connection drops we replace the
 * subscription with one starting at `offset=<last seen + 1>`; the session
 * sends it once CONNECTED again.
 */
import type { IncomingMessage, StompSession } from '../core/types';
import { STREAM_OFFSET_HEADER, streamSubscribeHeaders, type StreamStart } from './protocol';

/** The offset of a stream MESSAGE, or null if it has none (then it is still acknowledged). */
export function offsetOf(message: IncomingMessage): number | null {
  const raw = message.headers[STREAM_OFFSET_HEADER];
  return raw !== undefined && /^\d{1,15}$/.test(raw) ? Number(raw) : null;
}

/**
 * Cumulative ACKs (STOMP 1.2 §"SUBSCRIBE ack Header", `client` mode): acking
 * the latest message acknowledges everything before it, so we ack at half the
 * prefetch window, or at the end of the current task, whichever comes first.
 */
class Acker {
  private unacked = 0;
  private latest: IncomingMessage | null = null;
  private queued = false;
  constructor(private readonly prefetch: number) {}

  received(message: IncomingMessage): void {
    this.latest = message;
    this.unacked += 1;
    if (this.unacked >= Math.max(1, Math.floor(this.prefetch / 2))) this.ackNow();
    else if (!this.queued) {
      this.queued = true;
      queueMicrotask(() => {
        this.queued = false;
        this.ackNow();
      });
    }
  }

  ackNow(): void {
    const message = this.latest;
    this.latest = null;
    this.unacked = 0;
    message?.ack();
  }
}

export interface FollowerOptions {
  session: StompSession;
  destination: string;
  /** Where to start when nothing was seen yet. */
  start: StreamStart;
  /** Highest offset already held (e.g. in the store): start after it instead. */
  after?: number | null;
  prefetch: number;
  onMessage: (message: IncomingMessage, offset: number | null) => void;
}

/** Follows a stream live, from `start` (or after `after`), resuming after reconnects. */
export class StreamFollower {
  private unsubscribe: (() => void) | null = null;
  private lastOffset: number | null;
  private stopped = false;

  constructor(private readonly options: FollowerOptions) {
    this.lastOffset = options.after ?? null;
    this.subscribe();
  }

  /** Highest offset seen (or given at start). */
  get offset(): number | null {
    return this.lastOffset;
  }

  /** The connection dropped: replace the subscription with one resuming after the last offset. */
  resume(): void {
    if (this.stopped) return;
    this.unsubscribe?.();
    this.subscribe();
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  private subscribe(): void {
    const { session, destination, prefetch, start, onMessage } = this.options;
    const from: StreamStart = this.lastOffset === null ? start : { offset: this.lastOffset + 1 };
    const acker = new Acker(prefetch);
    const floor = this.lastOffset;
    this.unsubscribe = session.subscribe(
      destination,
      (message) => {
        acker.received(message);
        const offset = offsetOf(message);
        // RabbitMQ may start at the beginning of the chunk holding the offset asked for.
        if (offset !== null && floor !== null && offset <= floor) return;
        if (offset !== null && (this.lastOffset === null || offset > this.lastOffset)) this.lastOffset = offset;
        onMessage(message, offset);
      },
      streamSubscribeHeaders(from, prefetch),
    );
  }
}

export interface PageResult {
  /** Messages with offsets in [start, end), in stream order. */
  messages: IncomingMessage[];
  /** Lowest offset the broker delivered (above `start` when retention cut the stream). */
  firstOffset: number | null;
}

/**
 * Read the messages at offsets [start, end) of a stream, knowing a message at
 * `end` or later exists (we saw it). Resolves once an offset >= end - 1
 * arrives; rejects after `timeout` ms of silence.
 */
export function readPage(
  session: StompSession,
  destination: string,
  start: number,
  end: number,
  { timeout = 10_000, signal }: { timeout?: number; signal?: AbortSignal } = {},
): Promise<PageResult> {
  return new Promise((resolve, reject) => {
    const messages: IncomingMessage[] = [];
    let firstOffset: number | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let unsubscribe = (): void => undefined;
    let settled = false;
    const finish = (error?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      unsubscribe();
      if (error) reject(error);
      else resolve({ messages, firstOffset });
    };
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => finish(new Error(`no history from ${destination} within ${timeout} ms`)), timeout);
    };
    const onAbort = (): void => finish(new Error('page read cancelled'));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort);
    const prefetch = Math.max(1, end - start);
    const acker = new Acker(prefetch);
    arm();
    unsubscribe = session.subscribe(
      destination,
      (message) => {
        if (settled) return;
        acker.received(message);
        arm();
        const offset = offsetOf(message);
        if (offset === null) return;
        if (firstOffset === null || offset < firstOffset) firstOffset = offset;
        if (offset < end) messages.push(message);
        if (offset >= end - 1) {
          acker.ackNow();
          finish();
        }
      },
      streamSubscribeHeaders({ offset: start }, prefetch),
    );
    if (settled) unsubscribe();
  });
}
