/**
 * The outbox as persisted: entries not yet confirmed, as one JSON list under
 * one storage key. New, dropped and failed entries are written within the
 * tick; confirmations lazily (see below).
 */
import type { OutboxEntry, StorageAdapter } from './types.js';

/**
 * Confirmations are persisted once they pause for this many ms (at most
 * LAZY_PERSIST_MAX_MS after the first), not one write per RECEIPT: a burst of
 * ten thousand confirmations makes one small write at its end instead of
 * rewriting a large list while it flows. A confirmed entry resent after a
 * crash is dropped by the receiver; the session writes at once when the page
 * is hidden or unloaded.
 */
const LAZY_PERSIST_MS = 250;
const LAZY_PERSIST_MAX_MS = 5000;

/** Entries an earlier session left under `key`; an unreadable value is moved aside to `<key>.corrupt`, never overwritten. */
export function readStoredEntries(storage: StorageAdapter, key: string, debug?: (message: string) => void): OutboxEntry[] {
  let raw: string | null = null;
  try {
    raw = storage.getItem(key);
  } catch (error) {
    debug?.(`outbox not restored: ${String(error)}`);
  }
  if (raw === null) return [];
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // not JSON: kept aside below
  }
  if (!Array.isArray(parsed)) {
    debug?.(`outbox unreadable, moved to ${key}.corrupt`);
    storage.setItem(`${key}.corrupt`, raw);
    storage.removeItem(key);
    return [];
  }
  // Whether a `sent` entry arrived is unknown: send it again, the receiver dedupes.
  return parsed.filter(isEntry).map((e) => (e.status === 'sent' ? { ...e, status: 'queued' } : e));
}

export interface Persister {
  /** Write within the tick (many changes in one tick make one write). */
  soon(): void;
  /** Write once changes pause (confirmations). */
  later(): void;
  /** Write now. */
  now(): void;
  /** Write now if anything is waiting to be written (the page is hidden or unloaded). */
  pending(): void;
}

export function createPersister(
  storage: StorageAdapter,
  key: string,
  clock: () => number,
  debug: ((message: string) => void) | undefined,
  entries: () => Iterable<OutboxEntry>,
): Persister {
  let queued = false;
  let lazy: ReturnType<typeof setTimeout> | undefined;
  /** When the oldest change not yet written came. */
  let lazySince = 0;
  const write = (): void => {
    queued = false;
    clearTimeout(lazy);
    lazy = undefined;
    const kept: OutboxEntry[] = [];
    for (const entry of entries()) if (entry.status !== 'confirmed') kept.push(entry);
    try {
      if (kept.length === 0) storage.removeItem(key);
      else storage.setItem(key, JSON.stringify(kept));
    } catch (error) {
      debug?.(`outbox not persisted: ${String(error)}`);
    }
  };
  return {
    soon() {
      if (queued) return;
      queued = true;
      queueMicrotask(write);
    },
    later() {
      const at = clock();
      if (lazy === undefined) lazySince = at;
      else if (at - lazySince >= LAZY_PERSIST_MAX_MS) return;
      clearTimeout(lazy);
      lazy = setTimeout(write, LAZY_PERSIST_MS);
    },
    now: write,
    pending() {
      if (queued || lazy !== undefined) write();
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

