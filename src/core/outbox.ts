/**
 * The outbox: every `send` becomes an entry with an idempotency key, kept in
 * order and persisted until its RECEIPT confirms it (STOMP 1.2 §"RECEIPT").
 * Entries in flight when the connection drops go back to `queued` and are
 * resent; the receiving session drops the copy it has already seen.
 */
import type { Receipts } from './receipts.js';
import { checkHeaders, IDEMPOTENCY_HEADER } from './subscriptions.js';
import type { OutboxEntry, Receipt, SendBody, StorageAdapter } from './types.js';

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
  /** ms a sent entry waits for its RECEIPT before it is `failed`. */
  receiptTimeout: number;
  now?: () => number;
  newId?: () => string;
  debug?: (message: string) => void;
  /** Sends beyond this many unconfirmed entries are refused. Default 10000. */
  maxEntries?: number;
  /** Confirmed entries stay visible in `getOutbox()` up to this many. Default 50. */
  keepConfirmed?: number;
}

/** Headers the outbox owns; an application may not set them on `send`. */
const RESERVED = ['receipt', 'transaction', 'destination', 'content-length'];

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
  /** Entries waiting or in flight. */
  readonly pending: number;
  onChange(listener: () => void): () => void;
}

/** An outbox over `options.storage`, restored from it at once. State is closure-local (short names once minified). */
export function createOutbox(options: OutboxOptions): Outbox {
  const { storage, key, receipts, debug } = options;
  let entries: OutboxEntry[] = [];
  let snapshot: readonly OutboxEntry[] = [];
  const waiters = new Map<string, Waiter[]>();
  const listeners = new Set<() => void>();
  let link: OutboxLink | null = null;
  let persistQueued = false;

  const find = (id: string): OutboxEntry | undefined => entries.find((e) => e.id === id);
  const count = (test: (e: OutboxEntry) => boolean): number => entries.filter(test).length;
  const pending = (): number => count((e) => e.status === 'queued' || e.status === 'sent');

  /** Sends queued entries in order while the link lasts. */
  const flush = (): void => {
    for (const entry of entries) {
      if (!link?.connected) return;
      if (entry.status !== 'queued') continue;
      const { id, attempts } = entry;
      const receiptId = `send:${id}:${attempts + 1}`;
      const headers = { ...entry.headers, [IDEMPOTENCY_HEADER]: id, receipt: receiptId };
      try {
        link.publish(entry.destination, headers, entry.binary ? fromBase64(entry.body) : entry.body);
      } catch (error) {
        // The socket went away under us: the close handler requeues the rest.
        if (!link?.connected) return;
        // Still connected, so this entry itself cannot be written (e.g. bytes
        // that are not UTF-8 over SockJS): fail it instead of blocking the queue.
        update(id, { status: 'failed', attempts: attempts + 1, error: `not sent: ${String(error)}` });
        settle(id, new Error(`send ${id} failed: ${String(error)}`));
        continue;
      }
      update(id, { status: 'sent', attempts: attempts + 1 });
      receipts.expect(receiptId, options.receiptTimeout, {
        onReceipt: () => confirm(id, receiptId),
        onFailure: (reason, message) => {
          if (reason === 'lost') update(id, { status: 'queued' }, 'sent');
          else fail(id, reason === 'timeout' ? message : `ERROR: ${message}`);
        },
      });
    }
  };

  const createEntry = (destination: string, body: SendBody, headers: Record<string, string>): OutboxEntry => {
    const clean = checkHeaders('send', destination, headers, RESERVED);
    const id = clean[IDEMPOTENCY_HEADER] ?? options.newId?.() ?? randomId();
    delete clean[IDEMPOTENCY_HEADER];
    if (entries.some((e) => e.id === id && e.status !== 'confirmed')) {
      throw new Error(`send: an entry with ${IDEMPOTENCY_HEADER} ${id} is already in the outbox`);
    }
    if (count((e) => e.status !== 'confirmed') >= (options.maxEntries ?? 10_000)) {
      throw new Error('send: the outbox is full; retry or drop failed entries');
    }
    const encoded = encodeBody(body, clean);
    const text = typeof encoded.body === 'string';
    return {
      id,
      destination,
      headers: encoded.headers,
      body: text ? (encoded.body as string) : toBase64(encoded.body as Uint8Array),
      ...(!text && { binary: true }),
      status: 'queued',
      createdAt: (options.now ?? Date.now)(),
      attempts: 0,
    };
  };

  const confirm = (id: string, receiptId: string): void => {
    const entry = find(id);
    if (!entry) return;
    update(id, { status: 'confirmed', error: undefined });
    settle(id, { id, destination: entry.destination, receiptId });
    // Bound memory: only the most recent confirmations stay visible. They
    // come one at a time, so at most one is over the limit: the oldest.
    const confirmed = entries.filter((e) => e.status === 'confirmed');
    if (confirmed.length > (options.keepConfirmed ?? 50)) {
      entries = entries.filter((e) => e !== confirmed[0]);
      changed();
    }
  };

  const fail = (id: string, error: string): void => {
    if (update(id, { status: 'failed', error }, 'sent')) settle(id, new Error(`send ${id} failed: ${error}`));
  };

  const wait = (id: string): Promise<Receipt> => {
    const promise = new Promise<Receipt>((resolve, reject) => {
      const list = waiters.get(id) ?? [];
      list.push((outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome)));
      waiters.set(id, list);
    });
    // Failures are visible in getOutbox(); a caller that fires and forgets
    // must not get an unhandled rejection for them.
    promise.catch(() => undefined);
    return promise;
  };


  /** Every waiter of `id` gets `outcome`, and `id` has none left. */
  const settle = (id: string, outcome: Receipt | Error): void => {
    const list = waiters.get(id) ?? [];
    waiters.delete(id);
    for (const waiter of list) waiter(outcome);
  };

  /** Replaces an entry (entries are immutable for snapshot consumers). */
  const update = (id: string, patch: Partial<OutboxEntry>, onlyIf?: OutboxEntry['status']): boolean => {
    const current = find(id);
    if (!current || (onlyIf && current.status !== onlyIf)) return false;
    const next: OutboxEntry = { ...current, ...patch };
    if (next.error === undefined) delete next.error;
    entries = entries.map((e) => (e === current ? next : e));
    changed();
    return true;
  };

  const changed = (): void => {
    snapshot = Object.freeze(entries.slice());
    // Many changes in one tick (a loop of sends) make one storage write.
    if (!persistQueued) {
      persistQueued = true;
      queueMicrotask(persist);
    }
    for (const listener of [...listeners]) {
      try {
        listener();
      } catch (error) {
        debug?.(`outbox listener threw: ${String(error)}`);
      }
    }
  };

  const persist = (): void => {
    persistQueued = false;
    const kept = entries.filter((e) => e.status !== 'confirmed');
    try {
      if (kept.length === 0) storage.removeItem(key);
      else storage.setItem(key, JSON.stringify(kept));
    } catch (error) {
      debug?.(`outbox not persisted: ${String(error)}`);
    }
  };

  // Restore what an earlier session on this storage left.
  let raw: string | null = null;
  try {
    raw = storage.getItem(key);
  } catch (error) {
    debug?.(`outbox not restored: ${String(error)}`);
  }
  if (raw !== null) {
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(raw);
    } catch {
      // not JSON: kept aside below
    }
    if (Array.isArray(parsed)) {
      // Whether a `sent` entry arrived is unknown: send it again, the receiver dedupes.
      entries = parsed.filter(isEntry).map((e) => (e.status === 'sent' ? { ...e, status: 'queued' } : e));
      snapshot = Object.freeze(entries.slice());
    } else {
      // Keep the unreadable value aside instead of overwriting it.
      debug?.(`outbox unreadable, moved to ${key}.corrupt`);
      storage.setItem(`${key}.corrupt`, raw);
      storage.removeItem(key);
    }
  }

  return {
    add(destination, body, headers = {}) {
      let entry: OutboxEntry;
      try {
        entry = createEntry(destination, body, headers);
      } catch (error) {
        // Only Errors: checkHeaders, encodeBody and the checks above throw them.
        return Promise.reject(error);
      }
      entries.push(entry);
      const promise = wait(entry.id);
      changed();
      flush();
      return promise;
    },
    attach(next) {
      link = next;
      flush();
    },
    detach() {
      link = null;
    },
    retry(id) {
      const entry = find(id);
      if (!entry) return Promise.reject(new Error(`outbox: no entry ${id}`));
      if (entry.status === 'confirmed') return Promise.resolve({ id, destination: entry.destination, receiptId: '' });
      const promise = wait(id);
      if (entry.status === 'failed') {
        update(id, { status: 'queued', error: undefined });
        flush();
      }
      return promise;
    },
    drop(id) {
      const before = entries.length;
      entries = entries.filter((e) => e.id !== id);
      if (entries.length === before) return;
      settle(id, new Error(`outbox: send ${id} was dropped`));
      changed();
    },
    close(reason) {
      link = null;
      for (const entry of entries) if (entry.status === 'sent') update(entry.id, { status: 'queued' });
      for (const id of [...waiters.keys()]) settle(id, new Error(reason));
      persist();
    },
    getSnapshot: () => snapshot,
    get pending() {
      return pending();
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function isEntry(value: unknown): value is OutboxEntry {
  const e = value as Record<string, unknown> | null | undefined;
  return (
    typeof e?.id === 'string' &&
    typeof e.destination === 'string' &&
    typeof e.body === 'string' &&
    typeof e.headers === 'object' &&
    e.headers !== null &&
    Object.values(e.headers).every((v) => typeof v === 'string') &&
    ['queued', 'sent', 'failed'].includes(e.status as string) &&
    typeof e.createdAt === 'number' &&
    typeof e.attempts === 'number'
  );
}

/**
 * Strings and bytes go as they are; anything else as JSON with
 * `content-type: application/json` (unless the caller set a content-type).
 */
export function encodeBody(
  body: SendBody,
  headers: Record<string, string>,
): { body: string | Uint8Array; headers: Record<string, string> } {
  if (typeof body === 'string' || body instanceof Uint8Array) return { body, headers };
  let text: string | undefined;
  try {
    text = JSON.stringify(body);
  } catch (error) {
    throw new TypeError(`send: body cannot be serialised as JSON: ${String(error)}`);
  }
  if (text === undefined) throw new TypeError(`send: body of type ${typeof body} cannot be serialised as JSON`);
  const hasType = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
  return { body: text, headers: hasType ? headers : { ...headers, 'content-type': 'application/json' } };
}

/** A unique id: `crypto.randomUUID` where there is one (secure contexts). */
export function randomId(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
}

function toBase64(bytes: Uint8Array): string {
  return btoa(Array.from(bytes, (byte) => String.fromCharCode(byte)).join(''));
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
}
