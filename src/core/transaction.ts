/**
 * STOMP transactions (STOMP 1.2 §"BEGIN", §"COMMIT", §"ABORT"): SENDs and
 * ACK/NACKs carrying a `transaction` header take effect only at COMMIT; the
 * broker discards an open transaction when the connection ends.
 * Transactional sends bypass the outbox: resending them on another connection
 * would apply half a transaction.
 *
 * A lazy chunk: the session loads it while it first connects (a transaction
 * needs a connection), so apps download it with the socket, not up front.
 * What it needs of the static code comes in the context: importing it would
 * make the main chunk import that code by name, costing bytes every app pays.
 */
import type { OutboxLink } from './outbox.js';
import type { encodeBody } from './send-body.js';
import type { Receipts } from './receipts.js';
import type { acknowledgerOf, checkHeaders } from './subscriptions.js';
import type { TransactionError } from './transaction-error.js';
import type { IncomingMessage, SendBody, StompTransaction } from './types.js';

/** The part of a connection a transaction needs. */
export interface TransactionLink extends OutboxLink {
  transmit(command: string, headers: Record<string, string>): void;
}

export interface TransactionContext {
  /** The session's CONNECTED connection, if any. */
  link: TransactionLink | null;
  receipts: Receipts;
  receiptTimeout: number;
  newId: () => string;
  /** The transaction ended (committed, aborted, broken); the session forgets it. */
  onEnd: (transaction: Transaction) => void;
  /** From the static code (see above): `encodeBody`, `checkHeaders`, `acknowledgerOf`, `IDEMPOTENCY_HEADER`, `TransactionError`. */
  encode: typeof encodeBody;
  check: typeof checkHeaders;
  acknowledger: typeof acknowledgerOf;
  idempotency: string;
  Failure: typeof TransactionError;
}

/** A transaction as the session holds it. */
export interface Transaction extends StompTransaction {
  /** The connection ended; whatever was not committed is gone. */
  connectionLost(): void;
}

type Phase = 'open' | 'committing' | 'aborting' | 'committed' | 'aborted' | 'broken';

/** BEGIN on `context.link`, which the session checked is connected. */
export function beginTransaction(context: TransactionContext & { link: TransactionLink }): Transaction {
  const { link, receipts, newId, onEnd, Failure: TransactionError } = context;
  const id = `tx-${newId()}`;
  let phase: Phase = 'open';
  let brokenReason = '';

  const connectionLost = (): void => {
    if (phase !== 'open') return;
    phase = 'broken';
    brokenReason =
      `transaction ${id} was discarded: the connection dropped before COMMIT, so nothing in it took effect`;
    onEnd(transaction);
  };

  const ensureOpen = (what: string): void => {
    if (phase === 'broken') throw new TransactionError(brokenReason || `${what}: transaction ${id} is over`);
    if (phase !== 'open') throw new TransactionError(`${what}: transaction ${id} is already ${phase}`);
    if (!link.connected) {
      connectionLost();
      throw new TransactionError(brokenReason);
    }
  };

  const acknowledge =
    (command: 'ACK' | 'NACK') =>
    (message: IncomingMessage): void => {
      ensureOpen(command.toLowerCase());
      context.acknowledger(message)(command, { transaction: id });
    };

  // Async so that a transaction that is not open rejects rather than throws.
  const finish = async (command: 'COMMIT' | 'ABORT'): Promise<void> => {
    const what = command.toLowerCase();
    ensureOpen(what);
    const committing = command === 'COMMIT';
    phase = committing ? 'committing' : 'aborting';
    const receiptId = `${id}:${what}`;
    return new Promise<void>((resolve, reject) => {
      receipts.expect(receiptId, context.receiptTimeout, {
        onReceipt: () => {
          phase = committing ? 'committed' : 'aborted';
          onEnd(transaction);
          resolve();
        },
        onFailure: (reason, message) => {
          phase = 'broken';
          onEnd(transaction);
          if (!committing && reason === 'lost') return resolve();
          reject(
            new TransactionError(
              reason === 'lost'
                ? `${command} of ${id} unconfirmed: the connection dropped before its RECEIPT`
                : `${command} of ${id} failed: ${message}`,
            ),
          );
        },
      });
      try {
        link.transmit(command, { transaction: id, receipt: receiptId });
      } catch (error) {
        // Nothing was written: the broker discards the transaction with the connection.
        receipts.error(receiptId, String(error));
      }
    });
  };

  const transaction: Transaction = {
    id,
    send(destination: string, body: SendBody, headers: Record<string, string> = {}): void {
      ensureOpen('send');
      const encoded = context.encode(body, context.check('send', destination, headers, []));
      const finalHeaders = {
        ...encoded.headers,
        [context.idempotency]: headers[context.idempotency] ?? newId(),
        transaction: id,
      };
      link.publish(destination, finalHeaders, encoded.body);
    },
    ack: acknowledge('ACK'),
    nack: acknowledge('NACK'),
    /** Resolves on the COMMIT's RECEIPT. */
    commit: () => finish('COMMIT'),
    /** Resolves on the ABORT's RECEIPT, or at once if the connection is gone (the broker discarded it). */
    abort: () => (phase === 'broken' ? Promise.resolve() : finish('ABORT')),
    connectionLost,
  };
  link.transmit('BEGIN', { transaction: id });
  return transaction;
}
