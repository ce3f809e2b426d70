/**
 * STOMP transactions (STOMP 1.2 §"BEGIN", §"COMMIT", §"ABORT"): SENDs and
 * ACK/NACKs naming a transaction are held until COMMIT, applied then in
 * order; ABORT and a disconnect discard them.
 *
 * RabbitMQ finding mirrored: an unknown transaction gets ERROR
 * `message:Bad transaction`, body `Invalid transaction identifier: "<id>"`.
 */
import { StompError } from './frame.js';

/** A held operation; returns the store's promise when its effect is durable later. */
export type TxEffect = () => Promise<void> | undefined;

export class Transactions {
  private readonly open = new Map<string, TxEffect[]>();

  get size(): number {
    return this.open.size;
  }

  begin(id: string): void {
    if (this.open.has(id)) {
      throw new StompError('Bad transaction', `Transaction "${id}" is already in progress`);
    }
    this.open.set(id, []);
  }

  /** Hold `effect` until COMMIT. Throws for an unknown transaction. */
  add(id: string, effect: TxEffect): void {
    this.get(id).push(effect);
  }

  /** Apply every held effect in order; resolves when all are durable. */
  commit(id: string): Promise<void> | undefined {
    const effects = this.get(id);
    this.open.delete(id);
    const pending: Array<Promise<void>> = [];
    for (const effect of effects) {
      const p = effect();
      if (p) pending.push(p);
    }
    return pending.length > 0 ? Promise.all(pending).then(() => undefined) : undefined;
  }

  abort(id: string): void {
    this.get(id);
    this.open.delete(id);
  }

  /** Disconnect: drop every open transaction. */
  clear(): void {
    this.open.clear();
  }

  /** Throws ERROR `Bad transaction` unless `id` is open. */
  check(id: string): void {
    this.get(id);
  }

  private get(id: string): TxEffect[] {
    const effects = this.open.get(id);
    if (!effects) throw new StompError('Bad transaction', `Invalid transaction identifier: "${id}"`);
    return effects;
  }
}
