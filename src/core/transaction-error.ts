/**
 * The error of transactions, in the main chunk: `instanceof TransactionError`
 * must work before the transaction code (a lazy chunk, loaded while the
 * session first connects) is there, and `begin()` refuses at once while not
 * connected.
 */
import type { StompTransaction } from './types.js';

/** A transaction could not start, continue or finish. */
export class TransactionError extends Error {
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    // Set here rather than as a class field: a field compiles to a helper call for older targets.
    this.name = 'TransactionError';
  }
}

/** What `begin()` throws while not connected. */
export const refuseTransaction = (): StompTransaction => {
  throw new TransactionError('begin: not connected; a transaction lives on one connection');
};
