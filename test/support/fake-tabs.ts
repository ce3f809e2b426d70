/**
 * A fake browser for the shared session: Web Locks (exclusive, granted in
 * request order, released when the holder's callback settles or its tab
 * crashes) and BroadcastChannels (delivered to the other channels of the
 * same name, in order, a task later, structured-cloned as the real one does).
 */
import type { StorageAdapter, WebSocketLike } from '../../src/core/types';
import type { TabChannel, TabEnvironment, TabLocks } from '../../src/core/tabs/wire';
import { memoryStorage } from '../../src/core/storage';

interface Waiter {
  tab: FakeTab;
  granted: () => Promise<void> | void;
  done: (value: unknown) => void;
  fail: (error: unknown) => void;
}

interface Lock {
  holder: FakeTab | null;
  release: (() => void) | null;
  queue: Waiter[];
}

export interface FakeTab {
  readonly id: string;
  readonly env: TabEnvironment;
  /** Storage only this tab writes while alive (a crashed tab writes nothing more). */
  storage(shared: StorageAdapter): StorageAdapter;
  /** Sockets of this tab; a crashed tab's are closed and it opens no more. */
  socketFactory(factory: (url: string) => WebSocketLike): (url: string) => WebSocketLike;
  /** The tab's process is gone: locks released, channels and sockets closed, nothing written after. */
  crash(): void;
  readonly crashed: boolean;
}

export interface FakeBrowser {
  tab(id: string): FakeTab;
  /** Who holds lock `name` now. */
  holder(name: string): string | null;
  /** Messages posted on every channel so far. */
  readonly posted: unknown[];
}

export function createFakeBrowser(): FakeBrowser {
  const locks = new Map<string, Lock>();
  const channels = new Map<string, Set<FakeChannel>>();
  const posted: unknown[] = [];

  class FakeChannel implements TabChannel {
    onmessage: ((event: { data: unknown }) => void) | null = null;
    closed = false;
    constructor(
      readonly name: string,
      readonly tab: FakeTab,
    ) {
      if (!channels.has(name)) channels.set(name, new Set());
      channels.get(name)!.add(this);
    }
    postMessage(message: unknown): void {
      if (this.closed || this.tab.crashed) return;
      const data = structuredClone(message);
      posted.push(data);
      for (const other of channels.get(this.name) ?? []) {
        if (other === this) continue;
        setTimeout(() => {
          if (!other.closed && !other.tab.crashed) other.onmessage?.({ data: structuredClone(data) });
        }, 0);
      }
    }
    close(): void {
      this.closed = true;
      channels.get(this.name)?.delete(this);
    }
  }

  const lockOf = (name: string): Lock => {
    let lock = locks.get(name);
    if (!lock) locks.set(name, (lock = { holder: null, release: null, queue: [] }));
    return lock;
  };

  const grantNext = (name: string): void => {
    const lock = lockOf(name);
    if (lock.holder || lock.queue.length === 0) return;
    const waiter = lock.queue.shift()!;
    lock.holder = waiter.tab;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      if (lock.holder === waiter.tab && lock.release === release) {
        lock.holder = null;
        lock.release = null;
      }
      setTimeout(() => grantNext(name), 0);
    };
    lock.release = release;
    Promise.resolve()
      .then(() => waiter.granted())
      .then(
        (value) => {
          release();
          waiter.done(value);
        },
        (error: unknown) => {
          release();
          waiter.fail(error);
        },
      );
  };

  const tabs = new Map<string, FakeTab>();

  const makeTab = (id: string): FakeTab => {
    let crashed = false;
    const sockets = new Set<WebSocketLike>();
    const ownChannels = new Set<FakeChannel>();
    const tabLocks: TabLocks = {
      request(name, options, granted) {
        return new Promise((done, fail) => {
          if (crashed) return;
          const lock = lockOf(name);
          const waiter: Waiter = { tab, granted, done, fail };
          if (options.signal?.aborted) return fail(new DOMException('aborted', 'AbortError'));
          options.signal?.addEventListener('abort', () => {
            const at = lock.queue.indexOf(waiter);
            if (at < 0) return;
            lock.queue.splice(at, 1);
            fail(new DOMException('aborted', 'AbortError'));
          });
          lock.queue.push(waiter);
          setTimeout(() => grantNext(name), 0);
        });
      },
    };
    const tab: FakeTab = {
      id,
      env: {
        tabId: id,
        locks: tabLocks,
        channel: (name) => {
          const channel = new FakeChannel(name, tab);
          ownChannels.add(channel);
          return channel;
        },
      },
      storage: (shared) => ({
        getItem: (key) => shared.getItem(key),
        setItem: (key, value) => void (crashed || shared.setItem(key, value)),
        removeItem: (key) => void (crashed || shared.removeItem(key)),
      }),
      socketFactory: (factory) => (url) => {
        if (crashed) throw new Error('the tab is gone');
        const socket = factory(url);
        sockets.add(socket);
        return socket;
      },
      crash() {
        crashed = true;
        for (const channel of ownChannels) channel.close();
        for (const lock of locks.values()) {
          lock.queue = lock.queue.filter((w) => w.tab !== tab);
          if (lock.holder === tab) lock.release?.();
        }
        for (const socket of sockets) socket.close();
      },
      get crashed() {
        return crashed;
      },
    };
    return tab;
  };

  return {
    tab(id) {
      const tab = makeTab(id);
      tabs.set(id, tab);
      return tab;
    },
    holder: (name) => locks.get(name)?.holder?.id ?? null,
    posted,
  };
}

/** A storage every tab of the fake browser sees, as localStorage is. */
export const sharedStorage = (): StorageAdapter => memoryStorage();
