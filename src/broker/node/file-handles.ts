/**
 * A bounded pool of append handles for the file store's logs: a log's file
 * is open only while it is written and stays open for reuse while there is
 * room, so the broker holds at most `maxOpen` descriptors however many
 * durable queues exist (100,000 queues under `ulimit -n 1024`). The least
 * recently used idle handle is closed first; when every handle is busy, the
 * next log waits for one to come free.
 */
import { open, type FileHandle } from 'node:fs/promises';

export interface HandlePool {
  /** Runs `fn` with an append handle of `path` (opened, or reused). */
  use<T>(path: string, fn: (fd: FileHandle) => Promise<T>): Promise<T>;
  /** Closes the handle of `path`, once no one uses it (before a rename or removal). */
  release(path: string): Promise<void>;
  closeAll(): Promise<void>;
  /** Handles open now. */
  readonly size: number;
}

interface Slot {
  fd: Promise<FileHandle>;
  users: number;
  idle: Promise<void>;
  markIdle: () => void;
}

export function createHandlePool(maxOpen: number): HandlePool {
  /** Insertion order is recency of use. */
  const slots = new Map<string, Slot>();
  /** Callers waiting for a descriptor to come free. */
  const waiting: (() => void)[] = [];
  /** Handles out of `slots` whose close has not finished: they still hold a descriptor. */
  let closing = 0;

  const close = async (path: string, slot: Slot): Promise<void> => {
    if (slots.get(path) === slot) slots.delete(path);
    closing++;
    try {
      await (await slot.fd.catch(() => null))?.close().catch(() => undefined);
    } finally {
      closing--;
      waiting.shift()?.();
    }
  };

  /** Closes the least recently used idle handle; false when every handle is busy. */
  const evictOne = (): boolean => {
    for (const [path, slot] of slots) {
      if (slot.users > 0) continue;
      void close(path, slot);
      return true;
    }
    return false;
  };

  const acquire = async (path: string): Promise<Slot> => {
    for (;;) {
      const slot = slots.get(path);
      if (slot) {
        slots.delete(path);
        slots.set(path, slot);
        return slot;
      }
      if (slots.size + closing >= maxOpen) {
        // Full: close the least recently used idle handle (or wait for one to be idle), then look again.
        evictOne();
        await new Promise<void>((resolve) => waiting.push(resolve));
        continue;
      }
      {
        const fresh: Slot = { fd: open(path, 'a'), users: 0, idle: Promise.resolve(), markIdle: () => undefined };
        slots.set(path, fresh);
        // A failed open is not kept.
        fresh.fd.catch(() => void close(path, fresh));
        return fresh;
      }
    }
  };

  return {
    async use(path, fn) {
      const slot = await acquire(path);
      if (slot.users++ === 0) slot.idle = new Promise((resolve) => (slot.markIdle = resolve));
      try {
        return await fn(await slot.fd);
      } finally {
        if (--slot.users === 0) {
          slot.markIdle();
          // Someone waits for a descriptor: this one is free now.
          if (waiting.length > 0) evictOne();
        }
      }
    },
    async release(path) {
      const slot = slots.get(path);
      if (!slot) return;
      await slot.idle;
      if (slot.users === 0) await close(path, slot);
    },
    async closeAll() {
      await Promise.all(
        [...slots].map(async ([path, slot]) => {
          await slot.idle;
          await close(path, slot);
        }),
      );
    },
    get size() {
      return slots.size;
    },
  };
}
