/**
 * The outbox a new leader starts from: what storage holds (the old leader
 * persisted it, e.g. to localStorage) merged with the copy of the shared
 * outbox this tab kept while it followed — the only copy when storage is
 * per tab (the default in-memory storage) or the old leader crashed before
 * writing. Sends the copy shows confirmed are left out: nothing is resent
 * that the broker already acknowledged.
 */
import type { OutboxEntry, StorageAdapter } from '../types.js';

/** An in-memory storage (`memoryStorage` of storage.ts, restated: this chunk imports no static code). */
const mapStorage = (): StorageAdapter => {
  const items = new Map<string, string>();
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  };
};

/** `key` is the session's outbox key (`<storageKey>:outbox:<url>`, see session.ts). */
export function seedOutbox(
  given: StorageAdapter | undefined,
  key: string,
  mirror: readonly OutboxEntry[],
  debug: (message: string) => void,
): StorageAdapter {
  const storage = given ?? mapStorage();
  if (mirror.length === 0) return storage;
  let stored: unknown;
  try {
    stored = JSON.parse(storage.getItem(key) ?? '[]');
  } catch {
    // Unreadable: left for the outbox to move aside (never overwritten).
    return storage;
  }
  const status = new Map(mirror.map((entry) => [entry.id, entry.status]));
  const kept = (Array.isArray(stored) ? (stored as OutboxEntry[]) : []).filter((entry) => status.get(entry?.id) !== 'confirmed');
  const ids = new Set(kept.map((entry) => entry?.id));
  for (const entry of mirror) {
    if ((entry.status === 'queued' || entry.status === 'sent') && !ids.has(entry.id)) kept.push(entry);
  }
  try {
    storage.setItem(key, JSON.stringify(kept));
  } catch (error) {
    debug(`outbox copy not stored: ${String(error)}`);
  }
  return storage;
}
