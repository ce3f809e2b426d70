/**
 * The outbox: every `send` becomes an entry with an idempotency key, kept in
 * order and persisted until its RECEIPT confirms it (STOMP 1.2 §"RECEIPT").
 * Entries in flight when the connection drops, or whose RECEIPT is late (the
 * link is suspect, not the message), go back to `queued` and are resent with
 * the same key; the receiving session drops the copy it has already seen.
 * An entry fails only when the broker refused it, it cannot be written, or
 * the application's `deadline` passed.
 *
 * Work is linear in the number of sends: entries live in an ordered map, the
 * snapshot is built only when read, counts are kept as they change, listeners
 * hear once per burst, and a long flush yields to the page between slices.
 */
import type { Receipts } from './receipts.js';
import { createPersister, readStoredEntries } from './outbox-storage.js';
import { encodeBody, fromBase64, randomId, toBase64 } from './send-body.js';
import { checkHeaders, IDEMPOTENCY_HEADER } from './subscriptions.js';
import type { OutboxEntry, OutboxStatus, Receipt, SendBody, StorageAdapter } from './types.js';

/** The part of a connection the outbox needs. */
export interface OutboxLink {
  readonly connected: boolean;
  publish(destination: string, headers: Record<string, string>, body: string | Uint8Array): void;
}

export interface OutboxOptions {
  storage: StorageAdapter;
  /** Storage key of the persisted entries. */
  key: string;
  receipts: Receipts;
  /** ms a sent entry waits for its RECEIPT (the receipts report a late one to the session; the entry is resent). */
  receiptTimeout: number;
  /** ms after `add` at which an unconfirmed entry fails. Default: never. */
  deadline?: number;
  /** `write`: an entry is confirmed once written, without a RECEIPT. Default `receipt`. */
  confirmation?: 'receipt' | 'write';
  now?: () => number;
  newId?: () => string;
  debug?: (message: string) => void;
  /** Sends beyond this many unconfirmed entries are refused. Default 10000. */
  maxEntries?: number;
  /** Confirmed entries stay visible in `getSnapshot()` up to this many. Default 50. */
  keepConfirmed?: number;
  /** Told at once (not batched like `onChange`) whenever the number of pending entries changes. */
  onPending?: (pending: number) => void;
}

/** Headers the outbox owns; an application may not set them on `send`. */
const RESERVED = ['receipt', 'transaction', 'destination', 'content-length'];

/** A flush writes for at most this many ms before it lets the page run (long tasks stay under 50 ms). */
const SLICE_MS = 8;


/** A `send`/`retry` caller waiting: resolved with the receipt, rejected with an Error. */
type Waiter = (outcome: Receipt | Error) => void;

/** The outbox of a session; made by {@link createOutbox}. */
export interface Outbox {
  /** Adds a send; it goes out now when connected, else after CONNECTED, in order. */
  add(destination: string, body: SendBody, headers?: Record<string, string>): Promise<Receipt>;
  /** A new connection reached CONNECTED: send everything queued, in order. */
  attach(link: OutboxLink): void;
  detach(): void;
  /** A failed (or still waiting) entry: queue it again and wait for its receipt. */
  retry(id: string): Promise<Receipt>;
  /** Forgets an entry; a pending `send` promise rejects. */
  drop(id: string): void;
  /**
   * The session is closing: promises reject, entries stay persisted (as
   * `queued`) for the next session on this storage.
   */
  close(reason: string): void;
  getSnapshot(): readonly OutboxEntry[];
  /** Writes what is not yet persisted now (the page is being hidden or unloaded). */
  persistNow(): void;
  /** Entries waiting or in flight. */
  readonly pending: number;
  /** Listeners hear once per burst of changes (a microtask later), not once per entry. */
  onChange(listener: () => void): () => void;
}

const isPending = (status: OutboxStatus): boolean => status === 'queued' || status === 'sent';

/** An outbox over `options.storage`, restored from it at once. State is closure-local (short names once minified). */
export function createOutbox(options: OutboxOptions): Outbox {
  const { storage, key, receipts, debug } = options;
  // A deadline that is not positive is none (an infinite one waits at most a timer's longest delay per look).
  const deadline = options.deadline! > 0 ? options.deadline : undefined;
  const now = options.now ?? Date.now;
  /** Insertion order is send order; replacing an entry keeps its place. */
  const entries = new Map<string, OutboxEntry>();
  let snapshot: readonly OutboxEntry[] | null = null;
  const waiters = new Map<string, Waiter>();
  const listeners = new Set<() => void>();
  /** Confirmed ids, oldest first, for pruning in O(1). */
  let confirmed: string[] = [];
  let pendingCount = 0;
  let unconfirmedCount = 0;
  /** Ids to write, in order, from `head` on. */
  let toSend: string[] = [];
  let head = 0;
  let link: OutboxLink | null = null;
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  let notifyQueued = false;
  let deadlineTimer: ReturnType<typeof setTimeout> | undefined;

  /** False while restoring: the owner reads `pending` once it has the outbox. */
  let ready = false;
  const counted = (before: number): void => {
    if (ready && pendingCount !== before) options.onPending?.(pendingCount);
  };

  /** Stores `next` in place of its entry, keeping counts (entries are immutable for snapshot readers). */
  const put = (next: OutboxEntry): void => {
    const was = pendingCount;
    const before = entries.get(next.id);
    if (before) {
      pendingCount -= +isPending(before.status);
      unconfirmedCount -= +(before.status !== 'confirmed');
    }
    if (next.error === undefined) delete next.error;
    entries.set(next.id, next);
    pendingCount += +isPending(next.status);
    unconfirmedCount += +(next.status !== 'confirmed');
    changed();
    counted(was);
  };

  const remove = (id: string): OutboxEntry | undefined => {
    const entry = entries.get(id);
    if (!entry) return undefined;
    const was = pendingCount;
    entries.delete(id);
    pendingCount -= +isPending(entry.status);
    unconfirmedCount -= +(entry.status !== 'confirmed');
    changed();
    counted(was);
    return entry;
  };

  /** Replaces an entry's fields; with `onlyIf`, only from that status. */
  const update = (id: string, patch: Partial<OutboxEntry>, onlyIf?: OutboxStatus): boolean => {
    const current = entries.get(id);
    if (!current || (onlyIf && current.status !== onlyIf)) return false;
    put({ ...current, ...patch });
    return true;
  };

  /** Writes queued entries in order while the link lasts, a time slice at a time. */
  const flush = (): void => {
    clearTimeout(flushTimer);
    flushTimer = undefined;
    const started = now();
    while (link?.connected && head < toSend.length) {
      const id = toSend[head++]!;
      const entry = entries.get(id);
      if (entry?.status === 'queued') write(link, entry);
      if (head % 32 === 0 && now() - started > SLICE_MS) {
        flushTimer = setTimeout(flush, 0);
        return;
      }
    }
    if (head >= toSend.length) {
      toSend = [];
      head = 0;
    }
  };

  const write = (to: OutboxLink, entry: OutboxEntry): void => {
    const { id } = entry;
    const attempts = entry.attempts + 1;
    const byWrite = options.confirmation === 'write';
    const receiptId = `send:${id}:${attempts}`;
    const headers: Record<string, string> = { ...entry.headers, [IDEMPOTENCY_HEADER]: id };
    if (!byWrite) headers.receipt = receiptId;
    try {
      to.publish(entry.destination, headers, entry.binary ? fromBase64(entry.body) : entry.body);
    } catch (error) {
      // The socket went away under us: the next connection writes it.
      if (!to.connected) return;
      // Still connected, so this entry itself cannot be written (a header that
      // breaks the frame, bytes that are not UTF-8 over SockJS): fail it
      // instead of blocking the queue.
      return fail(id, `not sent: ${error instanceof Error ? error.message : String(error)}`, attempts);
    }
    update(id, { status: 'sent', attempts });
    if (byWrite) return confirm(id, '');
    receipts.expect(receiptId, options.receiptTimeout, {
      onReceipt: () => confirm(id, receiptId),
      onFailure: (reason, message) => {
        // Late or lost: the link is suspect (the session replaces it); the
        // entry goes again, with the same id, on the next connection.
        if (reason !== 'error') update(id, { status: 'queued', error: reason === 'timeout' ? message : undefined }, 'sent');
        else fail(id, `refused by the broker: ${message}`);
      },
    });
  };

  const createEntry = (destination: string, body: SendBody, headers: Record<string, string>): OutboxEntry => {
    const clean = checkHeaders('send', destination, headers, RESERVED);
    const id = clean[IDEMPOTENCY_HEADER] ?? options.newId?.() ?? randomId();
    delete clean[IDEMPOTENCY_HEADER];
    const existing = entries.get(id);
    if (existing && existing.status !== 'confirmed') {
      throw new Error(`send: an entry with ${IDEMPOTENCY_HEADER} ${id} is already in the outbox`);
    }
    if (unconfirmedCount >= (options.maxEntries ?? 10_000)) {
      throw new Error('send: the outbox is full; retry or drop failed entries');
    }
    // A confirmed entry sent again keeps its place: after a reconnect it goes before later sends.
    const encoded = encodeBody(body, clean);
    const text = typeof encoded.body === 'string';
    return {
      id,
      destination,
      headers: encoded.headers,
      body: text ? (encoded.body as string) : toBase64(encoded.body as Uint8Array),
      ...(!text && { binary: true }),
      status: 'queued',
      createdAt: now(),
      attempts: 0,
    };
  };

  const confirm = (id: string, receiptId: string): void => {
    const entry = entries.get(id);
    if (!entry || entry.status === 'confirmed') return;
    update(id, { status: 'confirmed', error: undefined });
    settle(id, { id, destination: entry.destination, receiptId });
    persistLater();
    // Bound memory: only the most recent confirmations stay visible.
    confirmed.push(id);
    if (confirmed.length > 2 * (options.keepConfirmed ?? 50)) confirmed = confirmed.filter((c) => entries.get(c)?.status === 'confirmed');
    while (confirmed.length > (options.keepConfirmed ?? 50)) {
      const oldest = confirmed.shift()!;
      if (entries.get(oldest)?.status === 'confirmed') remove(oldest);
    }
  };

  const fail = (id: string, error: string, attempts?: number): void => {
    const entry = entries.get(id);
    if (!entry || !isPending(entry.status)) return;
    update(id, { status: 'failed', error, ...(attempts !== undefined && { attempts }) });
    settle(id, new Error(`send ${id} failed: ${error}`));
    persistSoon();
  };

  const wait = (id: string): Promise<Receipt> => {
    const promise = new Promise<Receipt>((resolve, reject) => {
      const before = waiters.get(id);
      waiters.set(id, (outcome) => {
        before?.(outcome);
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome);
      });
    });
    // Failures are visible in getOutbox(); a caller that fires and forgets
    // must not get an unhandled rejection for them.
    promise.catch(() => undefined);
    return promise;
  };

  /** The waiters of `id` get `outcome`, and `id` has none left. */
  const settle = (id: string, outcome: Receipt | Error): void => {
    const waiter = waiters.get(id);
    waiters.delete(id);
    waiter?.(outcome);
  };

  const changed = (): void => {
    snapshot = null;
    if (notifyQueued) return;
    notifyQueued = true;
    queueMicrotask(() => {
      notifyQueued = false;
      for (const listener of [...listeners]) {
        try {
          listener();
        } catch (error) {
          debug?.(`outbox listener: ${String(error)}`);
        }
      }
    });
  };

  const persistence = createPersister(storage, key, now, debug, () => entries.values());
  /** New, dropped and failed entries are written in the same tick (many sends in one tick make one write). */
  const persistSoon = persistence.soon;
  const persistLater = persistence.later;
  const persist = persistence.now;

  /** Fails every unconfirmed entry older than `deadline`; one timer waits for the next one due. */
  const checkDeadlines = (): void => {
    clearTimeout(deadlineTimer);
    deadlineTimer = undefined;
    if (deadline === undefined) return;
    const limit = now() - deadline;
    let next = Infinity;
    for (const entry of entries.values()) {
      if (!isPending(entry.status)) continue;
      if (entry.createdAt <= limit) fail(entry.id, `past the send deadline of ${deadline} ms`);
      else next = Math.min(next, entry.createdAt);
    }
    if (next !== Infinity) deadlineTimer = setTimeout(checkDeadlines, Math.min(2 ** 31 - 1, next - limit));
  };

  // Restore what an earlier session on this storage left.
  for (const entry of readStoredEntries(storage, key, debug)) put(entry);
  checkDeadlines();
  ready = true;

  return {
    add(destination, body, headers = {}) {
      let entry: OutboxEntry;
      try {
        entry = createEntry(destination, body, headers);
      } catch (error) {
        // Only Errors: checkHeaders, encodeBody and the checks above throw them.
        return Promise.reject(error);
      }
      put(entry);
      const promise = wait(entry.id);
      persistSoon();
      if (deadline !== undefined && deadlineTimer === undefined) checkDeadlines();
      toSend.push(entry.id);
      // Behind a flush that is still slicing through a backlog, in order.
      if (flushTimer === undefined) flush();
      return promise;
    },
    attach(next) {
      link = next;
      if (deadline !== undefined && deadlineTimer === undefined) checkDeadlines();
      // Everything not confirmed goes again, in send order.
      toSend = [];
      head = 0;
      for (const entry of entries.values()) if (entry.status === 'queued') toSend.push(entry.id);
      flush();
    },
    detach() {
      link = null;
      clearTimeout(flushTimer);
      flushTimer = undefined;
    },
    retry(id) {
      const entry = entries.get(id);
      if (!entry) return Promise.reject(new Error(`outbox: no entry ${id}`));
      if (entry.status === 'confirmed') return Promise.resolve({ id, destination: entry.destination, receiptId: '' });
      const promise = wait(id);
      if (entry.status === 'failed') {
        // A retry starts a new deadline.
        update(id, { status: 'queued', error: undefined, createdAt: now() });
        persistSoon();
        if (deadline !== undefined && deadlineTimer === undefined) checkDeadlines();
        toSend.push(id);
        if (flushTimer === undefined) flush();
      }
      return promise;
    },
    drop(id) {
      const entry = remove(id);
      if (!entry) return;
      // A RECEIPT still on its way must not confirm a later send that reuses the id.
      if (entry.status === 'sent') receipts.forget(`send:${id}:${entry.attempts}`);
      settle(id, new Error(`outbox: send ${id} was dropped`));
      persistSoon();
    },
    close(reason) {
      link = null;
      clearTimeout(flushTimer);
      clearTimeout(deadlineTimer);
      flushTimer = deadlineTimer = undefined;
      for (const entry of entries.values()) if (entry.status === 'sent') update(entry.id, { status: 'queued' });
      for (const id of [...waiters.keys()]) settle(id, new Error(reason));
      persist();
    },
    getSnapshot: () => (snapshot ??= Object.freeze([...entries.values()])),
    persistNow: persistence.pending,
    get pending() {
      return pendingCount;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
