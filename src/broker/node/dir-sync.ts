/**
 * fsync of a directory (a new or removed log's entry must be durable too),
 * shared: a call made while one runs joins the next one, so a thousand new
 * queues at once cost two syncs and one descriptor at a time, not a thousand.
 */
import { open } from 'node:fs/promises';

export function createDirSync(dir: string): () => Promise<void> {
  let running: Promise<void> | null = null;
  let next: Promise<void> | null = null;
  const once = async (): Promise<void> => {
    const d = await open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  };
  const sync = (): Promise<void> => {
    if (!running) {
      running = once().finally(() => (running = null));
      return running;
    }
    // Joins the sync after the running one: it covers every change made before it starts.
    next ??= running
      .catch(() => undefined)
      .then(() => {
        next = null;
        return sync();
      });
    return next;
  };
  return sync;
}
