/**
 * Receipts we are waiting for on the current connection (STOMP 1.2 §"RECEIPT":
 * the server answers a frame carrying a `receipt` header with a RECEIPT whose
 * `receipt-id` matches, once the frame is processed).
 *
 * One timer watches the oldest wait rather than one timer per frame, so ten
 * thousand sends in flight cost ten thousand map entries and a single timer.
 *
 * A wait times out when no RECEIPT at all came for `timeoutMs` while it
 * waited: receipts still arriving mean the link is alive and merely busy (a
 * backlog of large frames on a slow uplink), not suspect. Unless they
 * overtook it: a frame sent later was answered and this one was not for
 * `timeoutMs` more (a broker lost it, e.g. a RabbitMQ cluster whose stream
 * leader died mid-write), which times it out too.
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
  /** Epoch ms it started waiting. */
  since: number;
  /** 0 waits without a timeout. */
  timeoutMs: number;
  /** When a frame sent after it was answered first. */
  overtaken?: number;
}

/** Longest delay a timer holds (larger ones fire at once). */
const MAX_DELAY = 2 ** 31 - 1;

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
  /** Stop waiting for `receiptId`, telling nobody (its sender gave up on it). */
  forget(receiptId: string): void;
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
  /** When the last RECEIPT (or ERROR naming one) arrived. */
  let lastAnswer = 0;

  /** When `entry` times out: `timeoutMs` after it started or after the last answer, whichever is later. */
  const dueOf = (entry: Pending): number =>
    entry.timeoutMs > 0 ? Math.min(Math.max(entry.since, lastAnswer), entry.overtaken ?? Infinity) + entry.timeoutMs : Infinity;

  /** The oldest wait with a timeout; waits share one timeout in practice, so it is due first. */
  const oldest = (): Pending | undefined => {
    for (const entry of pending.values()) if (entry.timeoutMs > 0) return entry;
    return undefined;
  };

  const arm = (): void => {
    if (timer !== undefined) return;
    const first = oldest();
    if (!first) return;
    timer = setTimeout(sweep, Math.min(MAX_DELAY, Math.max(0, dueOf(first) - Date.now())));
  };

  const sweep = (): void => {
    timer = undefined;
    const now = Date.now();
    const expired: [string, Pending][] = [];
    for (const [id, entry] of pending) if (entry.timeoutMs > 0 && dueOf(entry) <= now) expired.push([id, entry]);
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
    lastAnswer = Date.now();
    // Answered out of order: the older waits were overtaken (in order, the first wait is the one answered).
    for (const [id, older] of pending) {
      if (id === receiptId) break;
      older.overtaken ??= lastAnswer;
    }
    pending.delete(receiptId);
    if (pending.size === 0) clear();
    return entry;
  };

  const clear = (): void => {
    pending.clear();
    clearTimeout(timer);
    timer = undefined;
  };

  return {
    expect(receiptId, timeoutMs, waiter) {
      if (pending.has(receiptId)) throw new Error(`receipt ${receiptId} is already awaited`);
      pending.set(receiptId, { waiter, since: Date.now(), timeoutMs: timeoutMs > 0 ? timeoutMs : 0 });
      arm();
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
    forget(receiptId) {
      pending.delete(receiptId);
      if (pending.size === 0) clear();
    },
    get size() {
      return pending.size;
    },
  };
}
