/**
 * Receipts we are waiting for on the current connection (STOMP 1.2 §"RECEIPT":
 * the server answers a frame carrying a `receipt` header with a RECEIPT whose
 * `receipt-id` matches, once the frame is processed).
 */
import { systemClock, type Clock } from './backoff.js';

/** Why a receipt will not come. */
export type ReceiptFailure =
  /** Not answered within the timeout. */
  | 'timeout'
  /** The broker answered with ERROR naming this receipt (§"ERROR": `receipt-id`). */
  | 'error'
  /** The connection went away first; the broker may or may not have processed it. */
  | 'lost';

export interface ReceiptWaiter {
  onReceipt(): void;
  onFailure(reason: ReceiptFailure, message: string): void;
}

interface Pending {
  waiter: ReceiptWaiter;
  timer: unknown;
}

export class Receipts {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly clock: Clock = systemClock) {}

  /** Waits for `receiptId`; `timeoutMs <= 0` waits without a timer. */
  expect(receiptId: string, timeoutMs: number, waiter: ReceiptWaiter): void {
    if (this.pending.has(receiptId)) throw new Error(`receipt ${receiptId} is already awaited`);
    const timer =
      timeoutMs > 0
        ? this.clock.setTimeout(() => {
            this.pending.delete(receiptId);
            waiter.onFailure('timeout', `no RECEIPT within ${timeoutMs} ms`);
          }, timeoutMs)
        : null;
    this.pending.set(receiptId, { waiter, timer });
  }

  /** A RECEIPT arrived. Returns false when nobody waited for it. */
  receipt(receiptId: string): boolean {
    const entry = this.take(receiptId);
    entry?.waiter.onReceipt();
    return entry !== undefined;
  }

  /** An ERROR carrying `receipt-id` arrived. Returns false when nobody waited. */
  error(receiptId: string, message: string): boolean {
    const entry = this.take(receiptId);
    entry?.waiter.onFailure('error', message);
    return entry !== undefined;
  }

  /** The connection is gone: every waiter learns it, no timer stays behind. */
  loseAll(message: string): void {
    const entries = [...this.pending.values()];
    this.clear();
    for (const entry of entries) entry.waiter.onFailure('lost', message);
  }

  /** Forget every waiter silently and release their timers. */
  clear(): void {
    for (const entry of this.pending.values()) if (entry.timer !== null) this.clock.clearTimeout(entry.timer);
    this.pending.clear();
  }

  get size(): number {
    return this.pending.size;
  }

  private take(receiptId: string): Pending | undefined {
    const entry = this.pending.get(receiptId);
    if (!entry) return undefined;
    this.pending.delete(receiptId);
    if (entry.timer !== null) this.clock.clearTimeout(entry.timer);
    return entry;
  }
}
