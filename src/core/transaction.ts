/**
 * STOMP transactions (STOMP 1.2 §"BEGIN", §"COMMIT", §"ABORT"): SENDs and
 * ACK/NACKs carrying a `transaction` header take effect only at COMMIT; the
 * broker discards an open transaction when the connection ends.
 * Transactional sends bypass the outbox: resending them on another connection
 * would apply half a transaction.
 */
import type { OutboxLink } from './outbox.js';
import { encodeBody } from './outbox.js';
import type { Receipts } from './receipts.js';
import { acknowledgerOf, checkHeaders, IDEMPOTENCY_HEADER } from './subscriptions.js';
import type { IncomingMessage, SendBody, StompTransaction } from './types.js';

/** The part of a connection a transaction needs. */
export interface TransactionLink extends OutboxLink {
  transmit(command: string, headers: Record<string, string>): void;
}

/** A transaction could not start, continue or finish. */
export class TransactionError extends Error {
  override name = 'TransactionError';
}

export interface TransactionContext {
  link: TransactionLink;
  receipts: Receipts;
  receiptTimeout: number;
  newId: () => string;
  /** The transaction ended (committed, aborted, broken); the session forgets it. */
  onEnd: (transaction: Transaction) => void;
}

type Phase = 'open' | 'committing' | 'aborting' | 'committed' | 'aborted' | 'broken';

export class Transaction implements StompTransaction {
  readonly id: string;
  private phase: Phase = 'open';
  private brokenReason = '';

  constructor(private readonly context: TransactionContext) {
    this.id = `tx-${context.newId()}`;
    if (!context.link.connected) throw new TransactionError('begin: not connected; a transaction lives on one connection');
    context.link.transmit('BEGIN', { transaction: this.id });
  }

  send(destination: string, body: SendBody, headers: Record<string, string> = {}): void {
    this.ensureOpen('send');
    const encoded = encodeBody(body, checkHeaders('send', destination, headers, []));
    const finalHeaders = {
      ...encoded.headers,
      [IDEMPOTENCY_HEADER]: headers[IDEMPOTENCY_HEADER] ?? this.context.newId(),
      transaction: this.id,
    };
    this.context.link.publish(destination, finalHeaders, encoded.body);
  }

  ack(message: IncomingMessage): void {
    this.ensureOpen('ack');
    acknowledgerOf(message)('ACK', { transaction: this.id });
  }

  nack(message: IncomingMessage): void {
    this.ensureOpen('nack');
    acknowledgerOf(message)('NACK', { transaction: this.id });
  }

  /** Resolves on the COMMIT's RECEIPT. */
  commit(): Promise<void> {
    return this.finish('COMMIT');
  }

  /** Resolves on the ABORT's RECEIPT, or at once if the connection is gone (the broker discarded it). */
  abort(): Promise<void> {
    if (this.phase === 'broken') return Promise.resolve();
    return this.finish('ABORT');
  }

  /** The connection ended; whatever was not committed is gone. */
  connectionLost(): void {
    if (this.phase !== 'open') return;
    this.phase = 'broken';
    this.brokenReason =
      `transaction ${this.id} was discarded by the broker: the connection dropped before COMMIT, ` +
      'so none of its sends or acknowledgements took effect';
    this.context.onEnd(this);
  }

  private finish(command: 'COMMIT' | 'ABORT'): Promise<void> {
    try {
      this.ensureOpen(command === 'COMMIT' ? 'commit' : 'abort');
    } catch (error) {
      return Promise.reject(error);
    }
    this.phase = command === 'COMMIT' ? 'committing' : 'aborting';
    const receiptId = `${this.id}:${command.toLowerCase()}`;
    return new Promise<void>((resolve, reject) => {
      this.context.receipts.expect(receiptId, this.context.receiptTimeout, {
        onReceipt: () => {
          this.phase = command === 'COMMIT' ? 'committed' : 'aborted';
          this.context.onEnd(this);
          resolve();
        },
        onFailure: (reason, message) => {
          this.phase = 'broken';
          this.context.onEnd(this);
          if (command === 'ABORT' && reason === 'lost') return resolve();
          reject(
            new TransactionError(
              reason === 'lost'
                ? `${command} of ${this.id} unconfirmed: the connection dropped before its RECEIPT`
                : `${command} of ${this.id} failed: ${message}`,
            ),
          );
        },
      });
      try {
        this.context.link.transmit(command, { transaction: this.id, receipt: receiptId });
      } catch (error) {
        // Nothing was written: the broker discards the transaction with the connection.
        this.context.receipts.error(receiptId, String(error));
      }
    });
  }

  private ensureOpen(what: string): void {
    if (this.phase === 'broken') throw new TransactionError(this.brokenReason || `${what}: transaction ${this.id} is over`);
    if (this.phase !== 'open') throw new TransactionError(`${what}: transaction ${this.id} is already ${this.phase}`);
    if (!this.context.link.connected) {
      this.connectionLost();
      throw new TransactionError(this.brokenReason);
    }
  }
}
