/**
 * The in-memory transport of `stompkit/testing`: a WebSocket look-alike whose
 * bytes go straight into a broker engine, with no server and no sockets.
 *
 * It behaves like a real socket where code can tell the difference: opening,
 * every delivery and closing happen asynchronously (never re-entrant inside
 * `send`), order is kept in both directions, and an optional latency delays
 * each chunk without reordering.
 */
import type { WebSocketLike } from '../core/types';
import type { EngineClock } from '../broker/engine/types';

/** Readiness values of the WebSocket standard (and `@stomp/stompjs`). */
export const CONNECTING = 0;
export const OPEN = 1;
export const CLOSING = 2;
export const CLOSED = 3;

type Chunk = string | Uint8Array;

/** Bytes of a chunk as a socket would count them (text as UTF-8). */
export function chunkSize(chunk: Chunk): number {
  return typeof chunk === 'string' ? new TextEncoder().encode(chunk).byteLength : chunk.byteLength;
}

interface Queued<T> {
  item: T;
  due: number;
  size: number;
}

/**
 * Ordered, always-asynchronous delivery after a delay: what a network does to
 * the bytes. A later item is never delivered before an earlier one, even when
 * the delay is lowered in between.
 */
export class Pipe<T> {
  private queue: Queued<T>[] = [];
  private scheduled = false;
  private lastDue = 0;
  private disposed = false;

  constructor(
    private readonly clock: EngineClock,
    private readonly delay: () => number,
    private readonly deliver: (item: T) => void,
  ) {}

  push(item: T, size = 0): void {
    if (this.disposed) return;
    const due = Math.max(this.clock.now() + this.delay(), this.lastDue);
    this.lastDue = due;
    this.queue.push({ item, due, size });
    this.schedule();
  }

  /** Bytes pushed and not yet delivered. */
  pendingBytes(): number {
    let total = 0;
    for (const q of this.queue) total += q.size;
    return total;
  }

  /** Drop everything still in flight and deliver nothing more (a cut cable). */
  dispose(): void {
    this.disposed = true;
    this.queue = [];
  }

  private schedule(): void {
    if (this.scheduled || this.queue.length === 0) return;
    this.scheduled = true;
    const wait = this.queue[0].due - this.clock.now();
    if (wait <= 0) queueMicrotask(() => this.drain());
    else this.clock.setTimeout(() => this.drain(), wait);
  }

  private drain(): void {
    this.scheduled = false;
    const now = this.clock.now();
    while (!this.disposed && this.queue.length > 0 && this.queue[0].due <= now) {
      const next = this.queue.shift() as Queued<T>;
      this.deliver(next.item);
    }
    this.schedule();
  }
}

/** What a socket needs from the broker it is plugged into. */
export interface MemoryLink {
  /** Client → broker bytes, already delayed by the pipe. */
  send(chunk: Chunk): void;
  /** The client closed its side. */
  close(code: number, reason: string): void;
}

/** Close event shape passed to `onclose`. */
export interface MemoryCloseEvent {
  code: number;
  reason: string;
  wasClean: boolean;
}

/**
 * A WebSocket whose peer is an in-memory broker. Built by
 * `MemoryBroker.socketFactory`; pass that factory to `createStompSession`.
 */
export class MemorySocket implements WebSocketLike {
  static readonly CONNECTING = CONNECTING;
  static readonly OPEN = OPEN;
  static readonly CLOSING = CLOSING;
  static readonly CLOSED = CLOSED;

  readonly url: string;
  readyState = CONNECTING;
  binaryType = 'blob';
  readonly protocol = '';
  onopen: ((event?: unknown) => void) | null = null;
  onclose: ((event: { code?: number; reason?: string; wasClean?: boolean }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: string | ArrayBuffer }) => void) | null = null;

  private link: MemoryLink | null = null;
  private readonly up: Pipe<Chunk>;
  private readonly down: Pipe<Chunk | MemoryCloseEvent>;

  constructor(
    url: string,
    private readonly clock: EngineClock,
    latency: () => number,
  ) {
    this.url = url;
    this.up = new Pipe<Chunk>(clock, latency, (chunk) => this.link?.send(chunk));
    this.down = new Pipe<Chunk | MemoryCloseEvent>(clock, latency, (item) => this.deliver(item));
  }

  /** WebSocket `send`: throws when not open, as browsers do. */
  send(data: string | ArrayBuffer | Uint8Array): void {
    if (this.readyState !== OPEN) {
      throw new Error(`MemorySocket.send: the socket is not open (readyState ${this.readyState})`);
    }
    // Copy bytes: the caller may reuse its buffer once `send` returns.
    const chunk = typeof data === 'string' ? data : data instanceof Uint8Array ? data.slice() : new Uint8Array(data.slice(0));
    this.up.push(chunk, chunkSize(chunk));
  }

  /** WebSocket `close`: the close event follows asynchronously. */
  close(code = 1000, reason = ''): void {
    if (this.readyState === CLOSING || this.readyState === CLOSED) return;
    const wasOpen = this.readyState === OPEN;
    this.readyState = CLOSING;
    const link = this.link;
    this.link = null;
    this.up.dispose();
    if (wasOpen && link) link.close(code, reason);
    this.down.dispose();
    queueMicrotask(() => this.finish({ code, reason, wasClean: true }));
  }

  // ---- driven by the broker -------------------------------------------------

  /** The broker accepted the connection. Called asynchronously by the broker. */
  accept(link: MemoryLink): void {
    if (this.readyState !== CONNECTING) {
      // The client gave up while connecting: tell the broker at once.
      link.close(1000, 'closed while connecting');
      return;
    }
    this.link = link;
    this.readyState = OPEN;
    this.onopen?.({ type: 'open' });
  }

  /** The broker refused the connection (it is stopped). */
  refuse(reason: string): void {
    if (this.readyState !== CONNECTING) return;
    this.readyState = CLOSED;
    this.onerror?.({ type: 'error', message: reason });
    this.onclose?.({ code: 1006, reason, wasClean: false });
  }

  /** Broker → client bytes; delivered in order, later. */
  push(chunk: Chunk): void {
    this.down.push(chunk, chunkSize(chunk));
  }

  /** Bytes the broker wrote that the client has not received yet. */
  pendingBytes(): number {
    return this.down.pendingBytes();
  }

  /** The broker closed cleanly: deliver what was written first, then close. */
  closeFromBroker(): void {
    this.link = null;
    this.up.dispose();
    this.down.push({ code: 1000, reason: 'closed by broker', wasClean: true });
  }

  /** The connection broke (broker stopped): nothing more is delivered. */
  drop(reason: string): void {
    if (this.readyState === CLOSED) return;
    this.link = null;
    this.up.dispose();
    this.down.dispose();
    this.readyState = CLOSING;
    // A later task, as a real socket reports a broken connection.
    this.clock.setTimeout(() => {
      this.onerror?.({ type: 'error', message: reason });
      this.finish({ code: 1006, reason, wasClean: false });
    }, 0);
  }

  private deliver(item: Chunk | MemoryCloseEvent): void {
    if (this.readyState !== OPEN) return;
    if (typeof item === 'string') this.onmessage?.({ data: item });
    else if (item instanceof Uint8Array) this.onmessage?.({ data: toArrayBuffer(item) });
    else {
      this.readyState = CLOSING;
      this.down.dispose();
      this.finish(item);
    }
  }

  private finish(event: MemoryCloseEvent): void {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;
    this.onclose?.(event);
  }
}

/** A fresh ArrayBuffer holding exactly the bytes of `view`. */
function toArrayBuffer(view: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(view.byteLength);
  copy.set(view);
  return copy.buffer;
}
