/**
 * Receipts we are waiting for on the current connection (STOMP 1.2 §"RECEIPT":
 * the server answers a frame carrying a `receipt` header with a RECEIPT whose
 * `receipt-id` matches, once the frame is processed).
 */
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
  timer?: ReturnType<typeof setTimeout>;
}

/** The receipts a session waits for; made by {@link createReceipts}. */
export interface Receipts {
  /** Waits for `receiptId`; `timeoutMs <= 0` waits without a timer. */
  expect(receiptId: string, timeoutMs: number, waiter: ReceiptWaiter): void;
  /** A RECEIPT arrived. Returns false when nobody waited for it. */
  receipt(receiptId: string): boolean;
  /** An ERROR carrying `receipt-id` arrived. Returns false when nobody waited. */
  error(receiptId: string, message: string): boolean;
  /** The connection is gone: every waiter learns it, no timer stays behind. */
  loseAll(message: string): void;
  /** Forget every waiter silently and release their timers. */
  clear(): void;
  readonly size: number;
}

/** Timers are the global ones, looked up on each call (so fake timers apply). */
export function createReceipts(): Receipts {
  const pending = new Map<string, Pending>();
  const take = (receiptId: string): Pending | undefined => {
    const entry = pending.get(receiptId);
    pending.delete(receiptId);
    clearTimeout(entry?.timer);
    return entry;
  };
  const clear = (): void => {
    for (const entry of pending.values()) clearTimeout(entry.timer);
    pending.clear();
  };
  return {
    expect(receiptId, timeoutMs, waiter) {
      if (pending.has(receiptId)) throw new Error(`receipt ${receiptId} is already awaited`);
      const timer =
        timeoutMs > 0
          ? setTimeout(() => {
              pending.delete(receiptId);
              waiter.onFailure('timeout', `no RECEIPT within ${timeoutMs} ms`);
            }, timeoutMs)
          : undefined;
      pending.set(receiptId, { waiter, timer });
    },
    receipt(receiptId) {
      const entry = take(receiptId);
      entry?.waiter.onReceipt();
      return entry !== undefined;
    },
    error(receiptId, message) {
      const entry = take(receiptId);
      entry?.waiter.onFailure('error', message);
      return entry !== undefined;
    },
    loseAll(message) {
      const entries = [...pending.values()];
      clear();
      for (const entry of entries) entry.waiter.onFailure('lost', message);
    },
    clear,
    get size() {
      return pending.size;
    },
  };
}
