/**
 * Receipts we are waiting for on the current connection (STOMP 1.2 §"RECEIPT":
 * the server answers a frame carrying a `receipt` header with a RECEIPT whose
 * `receipt-id` matches, once the frame is processed).
 *
 * One timer watches the oldest wait rather than one timer per frame, so ten
 * thousand sends in flight cost ten thousand map entries and a single timer.
 */
/** Why a receipt will not come. */
export type ReceiptFailure =
  /** Not answered within the timeout: the link is suspect. */
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
  /** Epoch ms after which it times out; Infinity waits without a timeout. */
  due: number;
  timeoutMs: number;
}

/** The receipts a session waits for; made by {@link createReceipts}. */
export interface Receipts {
  /** Waits for `receiptId`; `timeoutMs <= 0` waits without a timeout. */
  expect(receiptId: string, timeoutMs: number, waiter: ReceiptWaiter): void;
  /** A RECEIPT arrived. Returns false when nobody waited for it. */
  receipt(receiptId: string): boolean;
  /** An ERROR carrying `receipt-id` arrived. Returns false when nobody waited. */
  error(receiptId: string, message: string): boolean;
  /** The connection is gone: every waiter learns it, no timer stays behind. */
  loseAll(message: string): void;
  /** Forget every waiter silently and release the timer. */
  clear(): void;
  readonly size: number;
}

/**
 * `onTimeout` hears of every wait that timed out, after its waiter. Timers
 * and the clock are the global ones, looked up on each call (so fake timers
 * apply).
 */
export function createReceipts(onTimeout?: (receiptId: string) => void): Receipts {
  /** Insertion order is the order of the frames on the wire. */
  const pending = new Map<string, Pending>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timerDue = Infinity;

  /** Keeps one timer armed for the earliest deadline among the oldest waits. */
  const arm = (): void => {
    let next = Infinity;
    // Waits share one timeout in practice, so the oldest is due first; a
    // shorter timeout added later is caught by the sweep after the older one.
    for (const entry of pending.values()) {
      if (entry.due === Infinity) continue;
      next = entry.due;
      break;
    }
    if (next === timerDue) return;
    clearTimeout(timer);
    timerDue = next;
    timer = next === Infinity ? undefined : setTimeout(sweep, Math.max(0, next - Date.now()));
  };

  const sweep = (): void => {
    timer = undefined;
    timerDue = Infinity;
    const now = Date.now();
    const expired: [string, Pending][] = [];
    for (const [id, entry] of pending) {
      if (entry.due > now) {
        if (entry.due === Infinity) continue;
        break;
      }
      expired.push([id, entry]);
    }
    for (const [id] of expired) pending.delete(id);
    for (const [id, entry] of expired) {
      entry.waiter.onFailure('timeout', `no RECEIPT within ${entry.timeoutMs} ms`);
      onTimeout?.(id);
    }
    arm();
  };

  const take = (receiptId: string): Pending | undefined => {
    const entry = pending.get(receiptId);
    if (entry === undefined) return undefined;
    pending.delete(receiptId);
    if (entry.due === timerDue) arm();
    return entry;
  };

  const clear = (): void => {
    pending.clear();
    arm();
  };

  return {
    expect(receiptId, timeoutMs, waiter) {
      if (pending.has(receiptId)) throw new Error(`receipt ${receiptId} is already awaited`);
      pending.set(receiptId, { waiter, due: timeoutMs > 0 ? Date.now() + timeoutMs : Infinity, timeoutMs });
      if (timer === undefined) arm();
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
