/**
 * The session: a state machine over connection attempts
 * (`idle → connecting → connected → reconnecting → … → closed`) that owns the
 * subscriptions, the outbox, receipts and transactions and hands each new
 * connection to them.
 */
import { Backoff, systemClock } from './backoff.js';
import { Connection, type ErrorFrameInfo } from './connection.js';
import { Outbox, randomId } from './outbox.js';
import { Receipts } from './receipts.js';
import { SilentRefusals } from './silent-refusal.js';
import { memoryStorage } from './storage.js';
import { Subscriptions } from './subscriptions.js';
import { Transaction, TransactionError } from './transaction.js';
import {
  ALL_TRANSPORTS,
  DEFAULT_WEBSOCKET_RETRY_AFTER,
  TransportMemory,
  planTransports,
  resolveEndpoints,
  socketOpener,
} from './transports.js';
import type {
  Endpoints,
  MessageHandler,
  OutboxEntry,
  Receipt,
  SendBody,
  ServerInfo,
  SessionError,
  SessionState,
  StompSession,
  StompSessionOptions,
  StompTransaction,
  TransportName,
} from './types.js';

const INITIAL_STATE: SessionState = Object.freeze({
  status: 'idle',
  transport: null,
  attempt: 0,
  nextRetryAt: null,
  error: null,
  serverInfo: null,
  pending: 0,
});

/** ms `close()` waits for the DISCONNECT receipt before dropping the socket. */
const CLOSE_TIMEOUT = 3000;

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
  return new Session(options);
}

class Session implements StompSession {
  private state: SessionState = INITIAL_STATE;
  private readonly listeners = new Set<() => void>();
  private readonly receipts = new Receipts(systemClock);
  private readonly refusals = new SilentRefusals();
  private readonly subscriptions: Subscriptions;
  private readonly outbox: Outbox;
  private readonly backoff: Backoff;
  private readonly memory: TransportMemory;
  private readonly transactions = new Set<Transaction>();
  /** The connection that reached CONNECTED, until it closes. */
  private connection: Connection | null = null;
  /** A connection still trying to reach CONNECTED. */
  private trying: Connection | null = null;
  /** Bumped by `close()`/`connect()`: async work of an older run stops. */
  private run = 0;
  private endpoints: Endpoints | null = null;
  private releaseEnvironment: (() => void) | null = null;
  private closing: Promise<void> | null = null;
  private readonly urlKey: string;

  constructor(private readonly options: StompSessionOptions) {
    if (!options || (typeof options.url !== 'string' && (typeof options.url !== 'object' || options.url === null))) {
      throw new TypeError('createStompSession: `url` is required');
    }
    const storage = options.storage ?? memoryStorage();
    const prefix = options.storageKey ?? 'stompkit';
    this.urlKey = typeof options.url === 'string' ? options.url : JSON.stringify(options.url);
    this.backoff = new Backoff({ ...options.reconnect }, systemClock);
    this.memory = new TransportMemory(storage, prefix);
    this.subscriptions = new Subscriptions({
      debug: options.debug,
      onHandlerError: options.onHandlerError,
      onSubscriptionError: options.onSubscriptionError,
    });
    this.outbox = new Outbox({
      storage,
      key: `${prefix}:outbox:${this.urlKey}`,
      receipts: this.receipts,
      receiptTimeout: options.receiptTimeout ?? 15_000,
      debug: options.debug,
    });
    this.outbox.onChange(() => {
      if (this.outbox.pending !== this.state.pending) this.setState({ pending: this.outbox.pending });
    });
    this.state = Object.freeze({ ...INITIAL_STATE, pending: this.outbox.pending });
    // Methods work detached (`useSyncExternalStore(session.subscribe, …)`, `const { send } = session`).
    for (const name of ['subscribe', 'connect', 'retryNow', 'close', 'send', 'getOutbox', 'onOutboxChange', 'retry', 'drop', 'begin'] as const) {
      Object.defineProperty(this, name, { value: (this[name] as (...args: never[]) => unknown).bind(this) });
    }
    if (options.autoConnect !== false) this.connect();
  }

  getSnapshot = (): SessionState => this.state;

  subscribe(listener: () => void): () => void;
  subscribe(destination: string, handler: MessageHandler, headers?: Record<string, string>): () => void;
  subscribe(target: string | (() => void), handler?: MessageHandler, headers?: Record<string, string>): () => void {
    if (typeof target === 'function') {
      this.listeners.add(target);
      return () => this.listeners.delete(target);
    }
    return this.subscriptions.add(target, handler as MessageHandler, headers);
  }

  connect(): void {
    const { status } = this.state;
    if (status === 'connecting' || status === 'connected' || status === 'reconnecting') return;
    this.closing = null;
    const run = ++this.run;
    this.listenToEnvironment();
    this.setState({ status: 'connecting', attempt: 0, error: null, nextRetryAt: null });
    void this.attempt(run);
  }

  retryNow(): void {
    const { status } = this.state;
    if (status === 'idle' || (status === 'closed' && !this.closing)) return this.connect();
    if (status === 'reconnecting' && this.backoff.pending) {
      this.backoff.cancel();
      void this.attempt(this.run);
    }
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  send(destination: string, body: SendBody, headers?: Record<string, string>): Promise<Receipt> {
    return this.outbox.add(destination, body, headers);
  }

  getOutbox(): readonly OutboxEntry[] {
    return this.outbox.getSnapshot();
  }

  onOutboxChange(listener: () => void): () => void {
    return this.outbox.onChange(listener);
  }

  retry(id: string): Promise<Receipt> {
    return this.outbox.retry(id);
  }

  drop(id: string): void {
    this.outbox.drop(id);
  }

  begin(): StompTransaction {
    const link = this.connection;
    if (!link?.connected) throw new TransactionError('begin: not connected; a transaction lives on one connection');
    const transaction = new Transaction({
      link,
      receipts: this.receipts,
      receiptTimeout: this.options.receiptTimeout ?? 15_000,
      newId: randomId,
      onEnd: (tx) => this.transactions.delete(tx),
    });
    this.transactions.add(transaction);
    return transaction;
  }

  /** One pass over the planned transports; schedules the next pass on failure. */
  private async attempt(run: number): Promise<void> {
    this.setState({ attempt: this.state.attempt + 1, nextRetryAt: null });
    let lastError: SessionError = { kind: 'network', message: 'no transport to try (check `transports` and the endpoints)' };
    try {
      this.endpoints ??= await resolveEndpoints(this.options.url, undefined, !!this.options.socketFactory);
      if (run !== this.run) return;
      const remembered = this.memory.get(this.urlKey);
      const plan = planTransports(
        this.options.transports ?? ALL_TRANSPORTS,
        this.endpoints,
        remembered,
        Date.now(),
        this.options.websocketRetryAfter ?? DEFAULT_WEBSOCKET_RETRY_AFTER,
      );
      for (const transport of plan) {
        const failure = await this.tryTransport(run, transport, this.endpoints);
        if (run !== this.run || failure === null) return;
        this.debug(`${transport} failed: ${failure.message}`);
        lastError = failure;
        if (failure.kind === 'auth') return this.stop(failure);
      }
    } catch (error) {
      if (run !== this.run) return;
      // A malformed url will not improve by retrying.
      if (error instanceof TypeError) return this.stop({ kind: 'protocol', message: error.message });
      lastError = { kind: 'network', message: String(error instanceof Error ? error.message : error) };
    }
    if (run === this.run) this.scheduleRetry(run, lastError);
  }

  /** Resolves `null` once CONNECTED, or with the reason this transport failed. */
  private async tryTransport(run: number, transport: TransportName, endpoints: Endpoints): Promise<SessionError | null> {
    let headers: Record<string, string>;
    let open: Awaited<ReturnType<typeof socketOpener>>;
    try {
      open = await socketOpener(transport, endpoints, this.options.socketFactory);
    } catch (error) {
      return { kind: 'network', message: `${transport}: ${String(error)}` };
    }
    const timeoutMs = this.options.connectTimeout ?? 5000;
    const source = this.options.connectHeaders;
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
    if (run !== this.run) return { kind: 'closed', message: 'closed' };
    return new Promise((resolve) => {
      let settled = false;
      const connection: Connection = new Connection(
        { createSocket: open, connectHeaders: headers, heartbeat: this.options.heartbeat ?? [10_000, 10_000], debug: this.options.debug },
        {
          onConnected: (info) => {
            clearTimeout(timer);
            settled = true;
            this.trying = null;
            resolve(null);
            this.onConnected(run, connection, transport, info);
          },
          onReceipt: (id) => {
            if (this.connection === connection) this.receipts.receipt(id);
          },
          onErrorFrame: (info) => this.onErrorFrame(connection, info),
          onClosed: (error) => {
            clearTimeout(timer);
            if (this.trying === connection) this.trying = null;
            if (settled) return this.onDropped(run, connection, error);
            settled = true;
            resolve(error);
          },
        },
      );
      const timer = setTimeout(
        () => connection.terminate({ kind: 'timeout', message: `${transport}: no CONNECTED within ${timeoutMs} ms` }),
        timeoutMs,
      );
      this.trying = connection;
      connection.start();
    });
  }

  private onConnected(run: number, connection: Connection, transport: TransportName, info: ServerInfo): void {
    if (run !== this.run) {
      void connection.disconnect(CLOSE_TIMEOUT);
      return;
    }
    this.connection = connection;
    // Keep the first time a fallback won, so WebSocket is retried after a while.
    const remembered = this.memory.get(this.urlKey);
    if (remembered?.transport !== transport) this.memory.set(this.urlKey, { transport, at: Date.now() });
    this.setState({ status: 'connected', transport, attempt: 0, error: null, nextRetryAt: null, serverInfo: info });
    // Subscriptions first, so a session receives what its own outbox sends.
    this.subscriptions.attach(connection);
    this.outbox.attach(connection);
  }

  private onErrorFrame(connection: Connection, info: ErrorFrameInfo): void {
    this.debug(`ERROR ${info.message}${info.body ? `: ${info.body}` : ''}`);
    if (this.connection === connection && info.receiptId !== undefined) {
      this.refuse(info.receiptId, info.body ? `${info.message}: ${info.body}` : info.message);
    }
  }
  /** The broker refused the frame that asked for `receiptId`: a SUBSCRIBE is dropped, a SEND or COMMIT fails. */
  private refuse(receiptId: string, message: string): void {
    if (!this.subscriptions.refused(receiptId, message)) this.receipts.error(receiptId, message);
  }


  /** A connection that had reached CONNECTED is gone. */
  private onDropped(run: number, connection: Connection, error: SessionError): void {
    if (this.connection !== connection) return;
    this.connection = null;
    this.subscriptions.detach();
    this.outbox.detach();
    // RabbitMQ Web-STOMP refuses a frame by closing without the ERROR (silent-refusal.ts).
    const refused = this.refusals.dropped(connection.closeCode, connection.oldestUnanswered);
    if (refused !== null) {
      this.debug(`${refused}: the broker closed the connection right after it 3 times in a row without an ERROR; treated as refused`);
      this.refuse(refused, 'refused: the broker closed the connection each time this frame was sent (no ERROR frame)');
    }
    // Waiting sends go back to `queued`; a COMMIT in flight learns it is unconfirmed.
    this.receipts.loseAll('connection lost');
    for (const transaction of [...this.transactions]) transaction.connectionLost();
    if (run !== this.run) return;
    if (error.kind === 'auth') return this.stop(error);
    this.setState({ status: 'reconnecting', error });
    this.scheduleRetry(run, error);
  }

  private scheduleRetry(run: number, error: SessionError): void {
    const at = this.backoff.schedule(this.state.attempt, () => void this.attempt(run));
    if (at === null) {
      return this.stop({ ...error, message: `gave up after ${this.state.attempt} attempts: ${error.message}` });
    }
    this.setState({ status: 'reconnecting', nextRetryAt: at, error });
  }

  /** No more reconnecting (auth refused, attempts used up, bad url); `connect()` starts over. */
  private stop(error: SessionError): void {
    this.run++;
    this.backoff.cancel();
    this.releaseEnvironment?.();
    this.setState({ status: 'closed', error, nextRetryAt: null });
  }

  private async shutdown(): Promise<void> {
    this.run++;
    this.backoff.cancel();
    this.releaseEnvironment?.();
    this.trying?.terminate({ kind: 'closed', message: 'closed by the application' });
    // Receipts still count while DISCONNECT is under way: the broker answers
    // earlier frames first (STOMP 1.2 §"DISCONNECT").
    await this.connection?.disconnect(CLOSE_TIMEOUT);
    this.outbox.close('session closed before the RECEIPT arrived');
    this.receipts.clear();
    for (const transaction of [...this.transactions]) transaction.connectionLost();
    this.setState({ status: 'closed', nextRetryAt: null, error: null });
  }

  /** Try at once when the network returns or a hidden tab becomes visible. */
  private listenToEnvironment(): void {
    if (this.releaseEnvironment) return;
    const wake = (): void => {
      if (this.state.status === 'reconnecting' && this.backoff.pending) this.retryNow();
    };
    const onVisibility = (): void => {
      if (typeof document !== 'undefined' && document.visibilityState === 'visible') wake();
    };
    const win = typeof window !== 'undefined' && typeof window.addEventListener === 'function' ? window : null;
    const doc = typeof document !== 'undefined' && typeof document.addEventListener === 'function' ? document : null;
    win?.addEventListener('online', wake);
    doc?.addEventListener('visibilitychange', onVisibility);
    this.releaseEnvironment = () => {
      win?.removeEventListener('online', wake);
      doc?.removeEventListener('visibilitychange', onVisibility);
      this.releaseEnvironment = null;
    };
  }

  private setState(patch: Partial<SessionState>): void {
    const next = { ...this.state, ...patch };
    const keys = Object.keys(patch) as (keyof SessionState)[];
    if (keys.every((key) => Object.is(next[key], this.state[key]))) return;
    this.state = Object.freeze(next);
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch (error) {
        this.debug(`state listener threw: ${String(error)}`);
      }
    }
  }

  private debug(message: string): void {
    this.options.debug?.(`stompkit: ${message}`);
  }
}
