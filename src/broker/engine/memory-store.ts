/**
 * A {@link MessageStore} that keeps nothing past the process: for tests, the
 * memory broker of `stompkit/testing` and `--memory`.
 */
import type { MessageStore, QueueDeclaration, StoredMessage, StoredQueue } from './types.js';

interface Held {
  declaration: QueueDeclaration;
  messages: Map<number, StoredMessage>;
  nextOffset: number;
}

/** Create an in-memory store. Its `load()` returns what was written to it, so an engine restarted on it sees durable queues again. */
export function createMemoryStore(): MessageStore {
  const queues = new Map<string, Held>();
  let closed = false;
  const held = (name: string): Held => {
    if (closed) throw new Error('store is closed');
    const q = queues.get(name);
    if (!q) throw new Error(`queue "${name}" was never declared`);
    return q;
  };
  return {
    async load(): Promise<StoredQueue[]> {
      closed = false;
      return [...queues.values()].map((q) => ({
        declaration: { ...q.declaration, args: { ...q.declaration.args } },
        messages: [...q.messages.values()].sort((a, b) => a.offset - b.offset),
        nextOffset: q.nextOffset,
      }));
    },
    async declare(declaration: QueueDeclaration): Promise<void> {
      const q = queues.get(declaration.name);
      // A known queue declared again keeps its messages and takes the latest declaration, like the file store.
      if (q) q.declaration = declaration;
      else queues.set(declaration.name, { declaration, messages: new Map(), nextOffset: 0 });
    },
    async append(queue: string, message: StoredMessage): Promise<void> {
      const q = held(queue);
      q.messages.set(message.offset, message);
      q.nextOffset = Math.max(q.nextOffset, message.offset + 1);
    },
    async read(queue: string, from: number, maxBytes: number): Promise<StoredMessage[]> {
      const out: StoredMessage[] = [];
      let bytes = 0;
      for (const m of held(queue).messages.values()) {
        if (m.offset < from) continue;
        out.push(m);
        bytes += m.body.length;
        if (bytes >= maxBytes) break;
      }
      return out.sort((a, b) => a.offset - b.offset);
    },
    async remove(queue: string, offsets: readonly number[]): Promise<void> {
      const q = held(queue);
      for (const o of offsets) q.messages.delete(o);
    },
    async truncate(queue: string, beforeOffset: number): Promise<void> {
      const q = held(queue);
      for (const o of q.messages.keys()) if (o < beforeOffset) q.messages.delete(o);
    },
    async delete(queue: string): Promise<void> {
      if (closed) throw new Error('store is closed');
      queues.delete(queue);
    },
    async close(): Promise<void> {
      closed = true;
    },
  };
}
