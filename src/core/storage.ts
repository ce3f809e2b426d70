import type { StorageAdapter } from './types.js';

/**
 * An in-memory {@link StorageAdapter}: the default. Outbox entries live as long
 * as the page (or process) does.
 */
export function memoryStorage(): StorageAdapter {
  const items = new Map<string, string>();
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => {
      items.set(key, String(value));
    },
    removeItem: (key) => {
      items.delete(key);
    },
  };
}

/** The parts of the Web Storage API we use; lets tests pass their own. */
interface WebStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * A {@link StorageAdapter} over `window.localStorage`, so queued sends survive
 * a page reload.
 *
 * @param storage Defaults to `globalThis.localStorage`.
 * @throws Error when no localStorage exists (server rendering, Node): pass
 *   {@link memoryStorage} there instead.
 *
 * @example
 * ```ts
 * createStompSession({ url, storage: localStorageAdapter() });
 * ```
 */
export function localStorageAdapter(storage?: WebStorage): StorageAdapter {
  const target = storage ?? webStorage('localStorage');
  if (!target) {
    throw new Error('localStorageAdapter: no localStorage in this environment; use memoryStorage() instead');
  }
  return {
    getItem: (key) => target.getItem(key),
    // Quota errors are rethrown with the key so the caller knows what was lost.
    setItem: (key, value) => {
      try {
        target.setItem(key, value);
      } catch (error) {
        throw new Error(`localStorageAdapter: could not store "${key}": ${String(error)}`);
      }
    },
    removeItem: (key) => target.removeItem(key),
  };
}

/**
 * `globalThis[name]` when it is usable; reading it can throw (sandboxed
 * iframes, disabled cookies), which counts as absent.
 */
export function webStorage(name: 'localStorage' | 'sessionStorage'): WebStorage | null {
  try {
    const candidate: unknown = (globalThis as Record<string, unknown>)[name];
    if (
      candidate &&
      typeof (candidate as WebStorage).getItem === 'function' &&
      typeof (candidate as WebStorage).setItem === 'function'
    ) {
      return candidate as WebStorage;
    }
  } catch {
    // fall through: treated as unavailable
  }
  return null;
}
