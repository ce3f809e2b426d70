/**
 * The store as one durable queue sees it: every write waits for the queue's
 * declaration to be stored first, writes keep their order, the declaration
 * waits for an earlier queue of the same name to be deleted from the store,
 * and a store that throws synchronously becomes a rejected promise (never an
 * exception inside message routing).
 */
import type { MessageStore, QueueDeclaration, StoredMessage } from './types.js';

function attempt<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return fn();
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}

export class QueueStore {
  private declared: Promise<void> | null;

  /**
   * `declare` false: the store already knows the queue (restored at start-up).
   * `after`: the deletion of the queue's previous incarnation, which must reach
   * the store before this declaration does.
   */
  constructor(
    private readonly store: MessageStore,
    declaration: QueueDeclaration,
    declare: boolean,
    after?: Promise<void>,
  ) {
    if (!declare) {
      this.declared = null;
      return;
    }
    const stored = () => attempt(() => store.declare(declaration));
    // A failed deletion was logged where it happened; the new queue is declared anyway.
    const p = after ? after.then(stored, stored) : stored();
    this.declared = p;
    // Once stored, later writes go straight to the store (callbacks on `p` run in registration order).
    p.then(
      () => {
        if (this.declared === p) this.declared = null;
      },
      () => {},
    );
  }

  private run<T>(fn: () => Promise<T>): Promise<T> {
    return this.declared ? this.declared.then(() => attempt(fn)) : attempt(fn);
  }

  append(queue: string, message: StoredMessage): Promise<void> {
    return this.run(() => this.store.append(queue, message));
  }

  remove(queue: string, offsets: readonly number[]): Promise<void> {
    return this.run(() => this.store.remove(queue, offsets));
  }

  truncate(queue: string, beforeOffset: number): Promise<void> {
    return this.run(() => this.store.truncate(queue, beforeOffset));
  }

  /** Whether `read` can bring back messages (the store implements it). */
  get canRead(): boolean {
    return typeof this.store.read === 'function';
  }

  /** Whether the store deletes a queue outright (needed to delete a queue whose backlog it alone holds). */
  get canDelete(): boolean {
    return typeof this.store.delete === 'function';
  }

  read(queue: string, from: number, maxBytes: number): Promise<StoredMessage[]> {
    return this.run(() => {
      if (!this.store.read) throw new Error('the store cannot read messages back');
      return this.store.read(queue, from, maxBytes);
    });
  }

  /** The queue is deleted; `offsets` (what it still held) are removed instead by a store that cannot delete. */
  delete(queue: string, offsets: readonly number[]): Promise<void> {
    return this.run(() => {
      if (this.store.delete) return this.store.delete(queue);
      return offsets.length > 0 ? this.store.remove(queue, offsets) : Promise.resolve();
    });
  }
}
