'use client';
import { useCallback } from './react-api';
import type { StompTransaction } from '../core/types';
import { useStompSession } from './use-connection';

/** Runs `work` inside a STOMP transaction (see {@link useTransaction}). */
export type TransactionRunner = <T>(work: (tx: StompTransaction) => T | Promise<T>) => Promise<T>;

/**
 * A stable `run(work)`: BEGIN, run `work(tx)`, then COMMIT (resolving on its
 * RECEIPT) and return what `work` returned. If `work` throws, the transaction
 * is aborted and the error rethrown; if the connection drops inside it, the
 * broker discards it and `run` rejects — nothing of it is half-applied.
 *
 * @example
 * const run = useTransaction();
 * await run(async (tx) => {
 *   tx.send('/queue/orders', order);
 *   tx.send('/topic/audit', { placed: order.id });
 * });
 */
export function useTransaction(): TransactionRunner {
  const session = useStompSession();
  return useCallback<TransactionRunner>(
    async (work) => {
      const tx = session.begin();
      let result;
      try {
        result = await work(tx);
      } catch (error) {
        // The caller's error is what matters; a failed ABORT (offline) changes nothing for them.
        await tx.abort().catch(() => undefined);
        throw error;
      }
      await tx.commit();
      return result;
    },
    [session],
  );
}
