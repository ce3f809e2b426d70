/**
 * The session: a state machine over connection attempts
 * (`idle → connecting → connected → reconnecting → … → closed`) that owns the
 * subscriptions, the outbox, receipts and transactions and hands each new
 * connection to them.
 *
 * State lives in the closure of `createStompSession` rather than on a class:
 * every method works detached (`useSyncExternalStore(session.subscribe, …)`,
 * `const { send } = session`), and local names minify where private fields
 * would not.
 */
import { createBackoff } from './backoff.js';
import { CLOSED_BY_APP, createConnection, type Connection, type ErrorFrameInfo } from './connection.js';
import { createOutbox } from './outbox.js';
import { watchEnvironment } from './environment.js';
import { createReceipts } from './receipts.js';
import { createSilentRefusals } from './silent-refusal.js';
import { memoryStorage } from './storage.js';
import type { Transaction } from './transaction.js';
import { refuseTransaction, TransactionError } from './transaction-error.js';
import { canShare, deferSession } from './tab-share.js';
import { acknowledgerOf, checkHeaders, checkSubscription, createSubscriptions, IDEMPOTENCY_HEADER, subscriptionKey } from './subscriptions.js';
import { encodeBody, randomId } from './send-body.js';
import { ALL_TRANSPORTS, DEFAULT_WEBSOCKET_RETRY_AFTER, createTransportMemory, planTransports, resolveEndpoints, socketOpener } from './transports.js';
import type { Endpoints, MessageHandler, SessionError, SessionState, StompSession, StompSessionOptions, TransportName } from './types.js';

/** ms `close()` waits for the DISCONNECT receipt before dropping the socket. */
const CLOSE_TIMEOUT = 3000;

/**
 * `[outgoing, incoming]` heart-beat periods: a link that goes silent without
 * closing is dropped within 2 to 3 incoming periods (stompjs checks once a
 * period for twice its silence), 6 to 9 s, on brokers that grant what the
 * client asks (RabbitMQ, the dev broker).
 */
const DEFAULT_HEARTBEAT: [number, number] = [4000, 3000];

const IDLE: SessionState = Object.freeze({
  status: 'idle',
  transport: null,
  attempt: 0,
  nextRetryAt: null,
  error: null,
  serverInfo: null,
  pending: 0,
});

/**
 * Creates a session. It starts connecting at once unless `autoConnect: false`.
 *
 * @example
 * ```ts
 * const session = createStompSession({ url: 'ws://localhost:7370/ws', connectHeaders: { login, passcode } });
 * const stop = session.subscribe('/topic/news', (m) => console.log(m.json));
 * await session.send('/topic/news', { hello: 'world' });
 * ```
 */
export function createStompSession(options: StompSessionOptions): StompSession {
  const url: unknown = options?.url;
  if (typeof url !== 'string' && (!url || typeof url !== 'object')) {
    throw new TypeError('createStompSession: `url` is required');
  }
  if (canShare(options)) {
    const alone = (): StompSession => createStompSession({ ...options, shareAcrossTabs: false });
    // The chunk failed to load (e.g. offline on a fresh deploy): a connection of our own.
    return deferSession(import('./tabs/shared-session.js').then((chunk) => chunk.default(options, [createStompSession, refuseTransaction, checkSubscription, subscriptionKey, encodeBody, TransactionError]), alone), IDLE);
  }
  const storage = options.storage ?? memoryStorage();
  const prefix = options.storageKey ?? 'stompkit';
  const urlKey = typeof options.url === 'string' ? options.url : JSON.stringify(options.url);
  const receiptTimeout = options.receiptTimeout ?? 15_000;
  const listeners = new Set<() => void>();
  // A RECEIPT that does not come means the link is suspect, not the frame:
  // the connection is replaced and what it carried is resent on the next one.
  const receipts = createReceipts((receiptId) => {
    debug(`${receiptId} late`);
    connection?.terminate({ kind: 'timeout', message: `no RECEIPT within ${receiptTimeout} ms` });
  });
  const refusals = createSilentRefusals();
  const backoff = createBackoff({ ...options.reconnect });
  const memory = createTransportMemory(storage, prefix);
  const transactions = new Set<Transaction>();
  // Reads `debug`, `onHandlerError` and `onSubscriptionError` of the session's options.
  const subscriptions = createSubscriptions(options);
  const outbox = createOutbox({
    storage,
    key: `${prefix}:outbox:${urlKey}`,
    receipts,
    receiptTimeout,
    deadline: options.sendDeadline,
    confirmation: options.sendConfirmation,
    debug: options.debug,
    // setState ignores a patch that changes nothing.
    onPending: (pending) => setState({ pending }),
  });
  let state: SessionState = Object.freeze({ ...IDLE, pending: outbox.pending });
  /** The connection that reached CONNECTED, until it closes. */
  let connection: Connection | null = null;
  /** A connection still trying to reach CONNECTED. */
  let trying: Connection | null = null;
  /** Bumped by `close()`/`connect()`: async work of an older run stops. */
  let run = 0;
  /** The endpoints to fail over between, once resolved. */
  let endpoints: Endpoints[] | null = null;
  /** Which endpoint the next attempt takes (modulo their number): every attempt takes the next. */
  let turn: number | undefined;
  let releaseEnvironment: (() => void) | null = null;
  let closing: Promise<void> | null = null;
  /** The transaction code (a lazy chunk), loaded while the first connection opens: a transaction needs one. */
  let transactionCode: Promise<typeof import('./transaction.js')> | null = null;
  let startTransaction: (typeof import('./transaction.js'))['beginTransaction'] | undefined;

  const debug = (message: string): void => options.debug?.(`stompkit: ${message}`);

  const setState = (patch: Partial<SessionState>): void => {
    const next = { ...state, ...patch };
    const keys = Object.keys(patch) as (keyof SessionState)[];
    if (keys.every((key) => Object.is(next[key], state[key]))) return;
    state = Object.freeze(next);
    for (const listener of [...listeners]) {
      try {
        listener();
      } catch (error) {
        debug(`state listener threw: ${String(error)}`);
      }
    }
  };

  function subscribe(listener: () => void): () => void;
  function subscribe(destination: string, handler: MessageHandler, headers?: Record<string, string>): () => void;
  function subscribe(target: string | (() => void), handler?: MessageHandler, headers?: Record<string, string>): () => void {
    if (typeof target === 'function') {
      listeners.add(target);
      return () => listeners.delete(target);
    }
    return subscriptions.add(target, handler as MessageHandler, headers);
  }

  const connect = (): void => {
    // Already under way (connecting, connected or reconnecting).
    if (state.status !== 'idle' && state.status !== 'closed') return;
    closing = null;
    const current = ++run;
    listenToEnvironment();
    setState({ status: 'connecting', attempt: 0, error: null, nextRetryAt: null });
    void attempt(current);
  };

  const retryNow = (): void => {
    const { status } = state;
    if (status === 'idle' || (status === 'closed' && !closing)) return connect();
    if (status === 'reconnecting' && backoff.pending) {
      backoff.cancel();
      void attempt(run);
    }
  };

  /** One pass over the planned transports; schedules the next pass on failure. */
  const attempt = async (current: number): Promise<void> => {
    setState({ attempt: state.attempt + 1, nextRetryAt: null });
    let lastError: SessionError = { kind: 'network', message: 'no transport to try (check `transports` and the endpoints)' };
    try {
      const code = (transactionCode ??= import('./transaction.js'));
      endpoints ??= await resolveEndpoints(options.url, undefined, !!options.socketFactory);
      // Not a TypeError (a bad url): a chunk that did not load is tried again on the next attempt.
      startTransaction ??= (await code.catch((error: unknown) => ((transactionCode = null), Promise.reject(new Error(String(error)))))).beginTransaction;
      if (current !== run) return;
      const remembered = memory.get(urlKey);
      // Clients start spread over the endpoints, or where this tab last connected.
      const index = (turn = (turn ?? remembered?.e ?? Math.random() * endpoints.length) >>> 0) % endpoints.length;
      turn++;
      const target = endpoints[index]!;
      const plan = planTransports(
        options.transports ?? ALL_TRANSPORTS,
        target,
        remembered,
        Date.now(),
        options.websocketRetryAfter ?? DEFAULT_WEBSOCKET_RETRY_AFTER,
      );
      for (const transport of plan) {
        const failure = await tryTransport(current, transport, target, index);
        if (current !== run || failure === null) return;
        debug(`${transport} failed: ${failure.message}`);
        lastError = failure;
        if (failure.kind === 'auth') return stop(failure);
        // Offline, every transport fails alike: do not let a fallback win and be remembered.
        if ((globalThis as { navigator?: { onLine?: boolean } }).navigator?.onLine === false) break;
      }
    } catch (error) {
      if (current !== run) return;
      // A malformed url will not improve by retrying.
      if (error instanceof TypeError) return stop({ kind: 'protocol', message: error.message });
      lastError = { kind: 'network', message: error instanceof Error ? error.message : String(error) };
    }
    if (current === run) scheduleRetry(current, lastError);
  };

  /** Resolves `null` once CONNECTED, or with the reason this transport failed. */
  const tryTransport = async (current: number, transport: TransportName, endpoints: Endpoints, index: number): Promise<SessionError | null> => {
    let headers: Record<string, string>;
    let open: Awaited<ReturnType<typeof socketOpener>>;
    try {
      open = await socketOpener(transport, endpoints, options.socketFactory);
    } catch (error) {
      return { kind: 'network', message: `${transport}: ${String(error)}` };
    }
    const timeoutMs = options.connectTimeout ?? 5000;
    const source = options.connectHeaders;
    let headerTimer: ReturnType<typeof setTimeout> | undefined;
    try {
      // A token endpoint that hangs counts against connectTimeout too.
      const late = new Promise<never>((_, reject) => {
        headerTimer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      headers = { ...(typeof source === 'function' ? await Promise.race([source(), late]) : source) };
    } catch (error) {
      return { kind: 'network', message: `connectHeaders failed: ${error instanceof Error ? error.message : String(error)}` };
    } finally {
      clearTimeout(headerTimer);
    }
    if (current !== run) return CLOSED_BY_APP;
    return new Promise((resolve) => {
      let settled = false;
      const candidate: Connection = createConnection(
        { ...options, createSocket: open, connectHeaders: headers, heartbeat: options.heartbeat ?? DEFAULT_HEARTBEAT },
        {
          onConnected: (info) => {
            clearTimeout(timer);
            settled = true;
            trying = null;
            resolve(null);
            if (current !== run) {
              void candidate.disconnect(CLOSE_TIMEOUT);
              return;
            }
            connection = candidate;
            // Keep the first time a fallback won, so WebSocket is retried after a while.
            const known = memory.get(urlKey);
            memory.set(urlKey, { transport, at: known?.transport === transport ? known.at : Date.now(), e: index });
            setState({ status: 'connected', transport, attempt: 0, error: null, nextRetryAt: null, serverInfo: info });
            // Subscriptions first, so a session receives what its own outbox sends.
            subscriptions.attach(candidate);
            outbox.attach(candidate);
          },
          onReceipt: (id) => {
            if (connection === candidate) receipts.receipt(id);
          },
          onErrorFrame: (info) => onErrorFrame(candidate, info),
          onClosed: (error) => {
            clearTimeout(timer);
            if (trying === candidate) trying = null;
            if (settled) return onDropped(current, candidate, error);
            settled = true;
            resolve(error);
          },
        },
      );
      const timer = setTimeout(
        () => candidate.terminate({ kind: 'timeout', message: `${transport}: no CONNECTED within ${timeoutMs} ms` }),
        timeoutMs,
      );
      trying = candidate;
      candidate.start();
    });
  };

  const onErrorFrame = (from: Connection, info: ErrorFrameInfo): void => {
    const text = info.body ? `${info.message}: ${info.body}` : info.message;
    debug(`ERROR ${text}`);
    if (connection === from && info.receiptId !== undefined) refuse(info.receiptId, text);
  };

  /** The broker refused the frame that asked for `receiptId`: a SUBSCRIBE is dropped, a SEND or COMMIT fails. */
  const refuse = (receiptId: string, message: string): void => {
    if (!subscriptions.refused(receiptId, message)) receipts.error(receiptId, message);
  };

  /** Every open transaction learns its connection is gone (the broker discarded it). */
  const loseTransactions = (): void => {
    // Each one leaves the set as it learns it; a Set iterates on past that.
    for (const transaction of transactions) transaction.connectionLost();
  };

  /** A connection that had reached CONNECTED is gone. */
  const onDropped = (current: number, dropped: Connection, error: SessionError): void => {
    if (connection !== dropped) return;
    connection = null;
    subscriptions.detach();
    outbox.detach();
    // RabbitMQ Web-STOMP refuses a frame by closing without the ERROR (silent-refusal.ts).
    const refused = refusals.dropped(dropped.closeCode, dropped.oldestUnanswered);
    if (refused !== null) {
      // Closed right after it 3 times in a row, never an ERROR: handled as if the ERROR had come.
      const message = 'refused: the connection closed each time it was sent (no ERROR frame)';
      debug(`${refused} ${message}`);
      refuse(refused, message);
    }
    // Waiting sends go back to `queued`; a COMMIT in flight learns it is unconfirmed.
    receipts.loseAll('connection lost');
    loseTransactions();
    if (current !== run) return;
    if (error.kind === 'auth') return stop(error);
    scheduleRetry(current, error);
  };

  const scheduleRetry = (current: number, error: SessionError): void => {
    const at = backoff.schedule(state.attempt, () => void attempt(current));
    if (at === null) {
      return stop({ ...error, message: `gave up after ${state.attempt} attempts: ${error.message}` });
    }
    setState({ status: 'reconnecting', nextRetryAt: at, error });
  };

  /** Ends the current run: older async work stops, no retry timer or environment listener stays. */
  const halt = (): void => {
    run++;
    backoff.cancel();
    releaseEnvironment?.();
    releaseEnvironment = null;
  };

  /** No more reconnecting (auth refused, attempts used up, bad url); `connect()` starts over. */
  const stop = (error: SessionError): void => {
    halt();
    setState({ status: 'closed', error, nextRetryAt: null });
  };

  const shutdown = async (): Promise<void> => {
    halt();
    trying?.terminate(CLOSED_BY_APP);
    // Receipts still count while DISCONNECT is under way: the broker answers
    // earlier frames first (STOMP 1.2 §"DISCONNECT").
    await connection?.disconnect(CLOSE_TIMEOUT);
    outbox.close('session closed before the RECEIPT arrived');
    receipts.clear();
    loseTransactions();
    setState({ status: 'closed', nextRetryAt: null, error: null });
  };

  /** The browser went offline: the connection is dropped now and the session shows `reconnecting` at once. */
  const onOffline = (): void => reconnect('the browser went offline');

  /** Drop the connection (or the attempt under way) as failed: the session goes on as after any drop. */
  const reconnect = (message = 'replaced'): void => {
    const error: SessionError = { kind: 'network', message };
    trying?.terminate(error);
    connection?.terminate(error);
  };

  // These listeners live from connect() to stop or close, so the session is
  // never idle or closed when they fire: retryNow() then only cuts a backoff wait short.
  const listenToEnvironment = (): void => {
    releaseEnvironment ??= watchEnvironment(retryNow, onOffline, outbox.persistNow);
  };

  const session: StompSession = {
    getSnapshot: () => state,
    subscribe,
    connect,
    retryNow,
    reconnect,
    close: () => (closing ??= shutdown()),
    // The outbox's functions work detached too (closures, no `this`).
    send: outbox.add,
    getOutbox: outbox.getSnapshot,
    onOutboxChange: outbox.onChange,
    retry: outbox.retry,
    drop: outbox.drop,
    begin: () => {
      // Connected means the transaction code is loaded (the first attempt waited for it).
      if (!connection?.connected || !startTransaction) return refuseTransaction();
      const transaction = startTransaction({
        link: connection,
        receipts,
        receiptTimeout,
        newId: randomId,
        onEnd: (tx) => transactions.delete(tx),
        encode: encodeBody,
        check: checkHeaders,
        acknowledger: acknowledgerOf,
        idempotency: IDEMPOTENCY_HEADER,
        Failure: TransactionError,
      });
      transactions.add(transaction);
      return transaction;
    },
  };
  if (options.autoConnect !== false) connect();
  return session;
}
