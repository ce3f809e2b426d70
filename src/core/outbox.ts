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

interface Waiter {
  resolve(receipt: Receipt): void;
  reject(error: Error): void;
}

export class Outbox {
  private entries: OutboxEntry[] = [];
  private snapshot: readonly OutboxEntry[] = [];
  private readonly waiters = new Map<string, Waiter[]>();
  private readonly listeners = new Set<() => void>();
  private link: OutboxLink | null = null;
  private persistQueued = false;

  constructor(private readonly options: OutboxOptions) {
    this.restore();
  }

  /** Adds a send; it goes out now when connected, else after CONNECTED, in order. */
  add(destination: string, body: SendBody, headers: Record<string, string> = {}): Promise<Receipt> {
    let entry: OutboxEntry;
    try {
      entry = this.createEntry(destination, body, headers);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    this.entries.push(entry);
    const promise = this.wait(entry.id);
    this.changed();
    this.flush();
    return promise;
  }

  /** A new connection reached CONNECTED: send everything queued, in order. */
  attach(link: OutboxLink): void {
    this.link = link;
    this.flush();
  }

  detach(): void {
    this.link = null;
  }

  /** Sends queued entries in order while the link lasts. */
  flush(): void {
    for (const entry of this.entries) {
      if (!this.link?.connected) return;
      if (entry.status !== 'queued') continue;
      const receiptId = `send:${entry.id}:${entry.attempts + 1}`;
      const headers = { ...entry.headers, [IDEMPOTENCY_HEADER]: entry.id, receipt: receiptId };
      try {
        this.link.publish(entry.destination, headers, entry.binary ? fromBase64(entry.body) : entry.body);
      } catch (error) {
        // The socket went away under us: the close handler requeues the rest.
        if (!this.link?.connected) return;
        // Still connected, so this entry itself cannot be written (e.g. bytes
        // that are not UTF-8 over SockJS): fail it instead of blocking the queue.
        this.update(entry.id, { status: 'failed', attempts: entry.attempts + 1, error: `not sent: ${String(error)}` });
        this.settle(entry.id, new Error(`send ${entry.id} failed: ${String(error)}`));
        continue;
      }
      this.update(entry.id, { status: 'sent', attempts: entry.attempts + 1 });
      this.options.receipts.expect(receiptId, this.options.receiptTimeout, {
        onReceipt: () => this.confirm(entry.id, receiptId),
        onFailure: (reason, message) => {
          if (reason === 'lost') this.update(entry.id, { status: 'queued' }, 'sent');
          else this.fail(entry.id, reason === 'timeout' ? message : `ERROR: ${message}`);
        },
      });
    }
  }

  /** A failed (or still waiting) entry: queue it again and wait for its receipt. */
  retry(id: string): Promise<Receipt> {
    const entry = this.entries.find((e) => e.id === id);
    if (!entry) return Promise.reject(new Error(`outbox: no entry ${id}`));
    if (entry.status === 'confirmed') return Promise.resolve({ id, destination: entry.destination, receiptId: '' });
    const promise = this.wait(id);
    if (entry.status === 'failed') {
      this.update(id, { status: 'queued', error: undefined });
      this.flush();
    }
    return promise;
  }

  /** Forgets an entry; a pending `send` promise rejects. */
  drop(id: string): void {
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => e.id !== id);
    if (this.entries.length === before) return;
    this.settle(id, new Error(`outbox: send ${id} was dropped`));
    this.changed();
  }

  /**
   * The session is closing: promises reject, entries stay persisted (as
   * `queued`) for the next session on this storage.
   */
  close(reason: string): void {
    this.link = null;
    for (const entry of this.entries) if (entry.status === 'sent') this.update(entry.id, { status: 'queued' });
    for (const id of [...this.waiters.keys()]) this.settle(id, new Error(reason));
    this.persist();
  }

  getSnapshot(): readonly OutboxEntry[] {
    return this.snapshot;
  }

  /** Entries waiting or in flight. */
  get pending(): number {
    return this.entries.filter((e) => e.status === 'queued' || e.status === 'sent').length;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private createEntry(destination: string, body: SendBody, headers: Record<string, string>): OutboxEntry {
    const clean = checkHeaders('send', destination, headers, RESERVED);
    const id = clean[IDEMPOTENCY_HEADER] ?? this.options.newId?.() ?? randomId();
    delete clean[IDEMPOTENCY_HEADER];
    if (this.entries.some((e) => e.id === id && e.status !== 'confirmed')) {
      throw new Error(`send: an entry with ${IDEMPOTENCY_HEADER} ${id} is already in the outbox`);
    }
    if (this.pending + this.entries.filter((e) => e.status === 'failed').length >= (this.options.maxEntries ?? 10_000)) {
      throw new Error('send: the outbox is full; retry or drop failed entries');
    }
    const encoded = encodeBody(body, clean);
    return {
      id,
      destination,
      headers: encoded.headers,
      body: typeof encoded.body === 'string' ? encoded.body : toBase64(encoded.body),
      ...(typeof encoded.body === 'string' ? {} : { binary: true }),
      status: 'queued',
      createdAt: (this.options.now ?? Date.now)(),
      attempts: 0,
    };
  }

  private confirm(id: string, receiptId: string): void {
    const entry = this.entries.find((e) => e.id === id);
    if (!entry) return;
    this.update(id, { status: 'confirmed', error: undefined });
    const waiters = this.waiters.get(id) ?? [];
    this.waiters.delete(id);
    for (const w of waiters) w.resolve({ id, destination: entry.destination, receiptId });
    // Bound memory: only the most recent confirmations stay visible.
    const confirmed = this.entries.filter((e) => e.status === 'confirmed');
    const excess = confirmed.length - (this.options.keepConfirmed ?? 50);
    if (excess > 0) {
      const gone = new Set(confirmed.slice(0, excess).map((e) => e.id));
      this.entries = this.entries.filter((e) => !gone.has(e.id));
      this.changed();
    }
  }

  private fail(id: string, error: string): void {
    if (!this.update(id, { status: 'failed', error }, 'sent')) return;
    this.settle(id, new Error(`send ${id} failed: ${error}`));
  }

  private wait(id: string): Promise<Receipt> {
    const promise = new Promise<Receipt>((resolve, reject) => {
      const list = this.waiters.get(id) ?? [];
      list.push({ resolve, reject });
      this.waiters.set(id, list);
    });
    // Failures are visible in getOutbox(); a caller that fires and forgets
    // must not get an unhandled rejection for them.
    promise.catch(() => undefined);
    return promise;
  }

  private settle(id: string, error: Error): void {
    const waiters = this.waiters.get(id) ?? [];
    this.waiters.delete(id);
    for (const w of waiters) w.reject(error);
  }

  /** Replaces an entry (entries are immutable for snapshot consumers). */
  private update(id: string, patch: Partial<OutboxEntry>, onlyIf?: OutboxEntry['status']): boolean {
    const index = this.entries.findIndex((e) => e.id === id);
    const current = this.entries[index];
    if (!current || (onlyIf && current.status !== onlyIf)) return false;
    const next: OutboxEntry = { ...current, ...patch };
    if (next.error === undefined) delete next.error;
    this.entries = this.entries.slice();
    this.entries[index] = next;
    this.changed();
    return true;
  }

  private changed(): void {
    this.snapshot = Object.freeze(this.entries.slice());
    // Many changes in one tick (a loop of sends) make one storage write.
    if (!this.persistQueued) {
      this.persistQueued = true;
      queueMicrotask(() => this.persist());
    }
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch (error) {
        this.options.debug?.(`outbox listener threw: ${String(error)}`);
      }
    }
  }

  private persist(): void {
    this.persistQueued = false;
    const kept = this.entries.filter((e) => e.status !== 'confirmed');
    try {
      if (kept.length === 0) this.options.storage.removeItem(this.options.key);
      else this.options.storage.setItem(this.options.key, JSON.stringify(kept));
    } catch (error) {
      this.options.debug?.(`outbox not persisted: ${String(error)}`);
    }
  }

  private restore(): void {
    let raw: string | null;
    try {
      raw = this.options.storage.getItem(this.options.key);
    } catch (error) {
      this.options.debug?.(`outbox not restored: ${String(error)}`);
      return;
    }
    if (raw === null) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = null;
    }
    if (!Array.isArray(parsed)) {
      // Keep the unreadable value aside instead of overwriting it.
      this.options.debug?.(`outbox in storage is not readable; moved to ${this.options.key}.corrupt`);
      this.options.storage.setItem(`${this.options.key}.corrupt`, raw);
      this.options.storage.removeItem(this.options.key);
      return;
    }
    // Whether a `sent` entry arrived is unknown: send it again, the receiver dedupes.
    this.entries = parsed.filter(isEntry).map((e) => (e.status === 'sent' ? { ...e, status: 'queued' } : e));
    this.snapshot = Object.freeze(this.entries.slice());
  }
}

function isEntry(value: unknown): value is OutboxEntry {
  if (!value || typeof value !== 'object') return false;
  const e = value as Record<string, unknown>;
  return (
    typeof e.id === 'string' &&
    typeof e.destination === 'string' &&
    typeof e.body === 'string' &&
    typeof e.headers === 'object' &&
    e.headers !== null &&
    Object.values(e.headers).every((v) => typeof v === 'string') &&
    (e.status === 'queued' || e.status === 'sent' || e.status === 'failed') &&
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
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
