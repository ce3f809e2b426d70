/**
 * A follower tab's side of the shared session: the leader's state and outbox
 * mirrored, subscriptions and requests sent to the leader and kept until
 * answered, so that a new leader gets them all again (sends by the same id).
 */
import type { IncomingMessage, OutboxEntry, Receipt, SendBody, SessionState, StompSessionOptions, StompTransaction } from '../types.js';
import type { TabSubscription } from './shared-session.js';
import { IDEMPOTENCY_HEADER, errorFromWire, fromWire, type Op, type SessionKit, type Wire } from './wire.js';

const IDLE: SessionState = Object.freeze({ status: 'idle', transport: null, attempt: 0, nextRetryAt: null, error: null, serverInfo: null, pending: 0 });

/** Ops that belong to a transaction: they die with the leader's connection, never asked again. */
const TRANSACTION_OPS: readonly Op[] = ['begin', 'txsend', 'txack', 'txnack', 'commit', 'abort'];

export interface Request {
  op: Op;
  args: unknown[];
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

export interface FollowerContext {
  tabId: string;
  kit: SessionKit;
  options: StompSessionOptions;
  subs: Map<number, TabSubscription>;
  post(wire: Wire): void;
  changed(): void;
  outboxChanged(): void;
  refused(error: Extract<Wire, { t: 'suberr' }>['error']): void;
  debug(message: string): void;
}

export interface Follower {
  /** The leader's tab id, once one is known. */
  readonly leader: string | null;
  /** Whether the app wants to be connected (`connect()` called, or `autoConnect`). */
  readonly wanted: boolean;
  receive(wire: Wire): void;
  state(): SessionState;
  outbox(): readonly OutboxEntry[];
  subscribed(sid: number, sub: TabSubscription): void;
  unsubscribed(sid: number): void;
  /** Asks the leader; `wait: false` is fire-and-forget, not kept for the next leader. */
  request(op: Op, args: unknown[], wait?: boolean): Promise<unknown>;
  send(destination: string, body: SendBody, headers: Record<string, string>): Promise<Receipt>;
  begin(): StompTransaction;
  /** This tab becomes the leader: returns the last outbox copy; open transactions are lost with the old connection. */
  leaving(): readonly OutboxEntry[];
  /** Requests the old leader never answered, in order, handed to this tab's own session. */
  unanswered(): Request[];
  close(): void;
}

export function createFollower(ctx: FollowerContext, wantedAtStart: boolean): Follower {
  const { tabId, kit, subs, post, debug } = ctx;
  const requests = new Map<number, Request>();
  /** Forward ids of delivered messages, for a transaction's ACK/NACK. */
  const forwardIds = new WeakMap<IncomingMessage, number>();
  const transactions = new Set<() => void>();
  let leader: string | null = null;
  let remote = IDLE;
  let mirror: readonly OutboxEntry[] = Object.freeze([]);
  let rids = 0;
  let wanted = wantedAtStart;

  const call = (rid: number, op: Op, args: unknown[]): void => {
    if (leader && leader !== tabId) post({ t: 'call', from: tabId, rid, op, args });
  };

  /** Transactions lived on the old leader's connection; the broker discarded them with it. */
  const loseTransactions = (): void => {
    for (const lose of [...transactions]) lose();
    for (const [rid, request] of requests) {
      if (!TRANSACTION_OPS.includes(request.op)) continue;
      requests.delete(rid);
      if (request.op === 'abort') request.resolve(undefined);
      else request.reject(new kit.TransactionError(`${request.op} unconfirmed: the connection dropped before its RECEIPT`));
    }
  };

  const handOver = (to: string): void => {
    const previous = leader;
    leader = to;
    loseTransactions();
    // Until the new leader says otherwise, this tab is not connected: readers
    // that resume by offset (chat rooms) replace their subscriptions first.
    if (previous !== null) {
      const error: SessionState['error'] = { kind: 'network', message: 'the tab holding the connection closed; another tab takes over' };
      remote = Object.freeze({ ...remote, status: 'reconnecting', nextRetryAt: null, error });
    }
    ctx.changed();
    for (const [sid, sub] of subs) post({ t: 'sub', from: tabId, sid, destination: sub.destination, headers: sub.headers });
    for (const [rid, request] of requests) call(rid, request.op, request.args);
    if (wanted) call(0, 'connect', []);
  };

  const deliver = (sid: number, fid: number, wire: Extract<Wire, { t: 'msg' }>['message']): void => {
    const sub = subs.get(sid);
    if (!sub || sub.off) return;
    const from = leader;
    const message = fromWire(wire, (command) => (leader === from ? call(0, command, [fid]) : debug(`${command} ${wire.messageId} skipped: connection gone`)), debug);
    forwardIds.set(message, fid);
    try {
      sub.handler(message);
    } catch (error) {
      if (ctx.options.onHandlerError) ctx.options.onHandlerError(error, message);
      else debug(`handler for ${sub.destination} threw: ${String(error)}`);
    }
  };

  const request = (op: Op, args: unknown[], wait = true): Promise<unknown> => {
    if (op === 'connect') wanted = true;
    if (!wait) {
      call(0, op, args);
      return Promise.resolve();
    }
    const promise = new Promise((resolve, reject) => {
      const rid = ++rids;
      requests.set(rid, { op, args, resolve, reject });
      call(rid, op, args);
    });
    // As with a session's own sends: a caller that fires and forgets gets no unhandled rejection.
    promise.catch(() => undefined);
    return promise;
  };

  const begin = (): StompTransaction => {
    if (!leader || remote.status !== 'connected') return kit.refuseTransaction();
    const id = `tx-${crypto.randomUUID()}`;
    let broken: Error | null = null;
    const fail = (error: unknown): void => {
      broken ??= error instanceof Error ? error : new Error(String(error));
    };
    const lose = (): void => {
      transactions.delete(lose);
      fail(new kit.TransactionError(`transaction ${id} was discarded: the connection dropped before COMMIT, so nothing in it took effect`));
    };
    const ask = (op: Op, ...args: unknown[]): void => {
      if (broken) throw broken;
      void request(op, [id, ...args]).catch(fail);
    };
    const acknowledge = (op: 'txack' | 'txnack') => (message: IncomingMessage) => {
      const fid = forwardIds.get(message);
      if (fid === undefined) throw new TypeError('not a message delivered by a stompkit session');
      ask(op, fid);
    };
    const finish = (op: 'commit' | 'abort'): Promise<void> => {
      transactions.delete(lose);
      if (broken) return op === 'abort' ? Promise.resolve() : Promise.reject(broken);
      return request(op, [id]).then(() => undefined);
    };
    transactions.add(lose);
    ask('begin');
    return {
      id,
      send(destination, body, headers = {}) {
        const encoded = kit.encodeBody(body, headers);
        ask('txsend', destination, encoded.body, encoded.headers);
      },
      ack: acknowledge('txack'),
      nack: acknowledge('txnack'),
      commit: () => finish('commit'),
      abort: () => finish('abort'),
    };
  };

  return {
    get leader() {
      return leader;
    },
    get wanted() {
      return wanted;
    },
    receive(wire) {
      if (wire.t === 'leader') {
        if (wire.from !== leader) handOver(wire.from);
        return;
      }
      if (wire.t === 'suberr') return ctx.refused(wire.error);
      if (wire.from !== leader) return;
      if (wire.t === 'state') {
        remote = wire.state;
        ctx.changed();
      } else if (wire.t === 'outbox') {
        mirror = wire.outbox;
        ctx.outboxChanged();
      } else if (wire.t === 'msg' && wire.to === tabId) deliver(wire.sid, wire.fid, wire.message);
      else if (wire.t === 'reply' && wire.to === tabId) {
        const pending = requests.get(wire.rid);
        requests.delete(wire.rid);
        if (wire.error) pending?.reject(errorFromWire(wire.error, kit));
        else pending?.resolve(wire.value);
      }
    },
    state: () => remote,
    outbox: () => mirror,
    subscribed(sid, sub) {
      if (leader) post({ t: 'sub', from: tabId, sid, destination: sub.destination, headers: sub.headers });
    },
    unsubscribed(sid) {
      if (leader) post({ t: 'unsub', from: tabId, sid });
    },
    request,
    send(destination, body, headers) {
      try {
        const encoded = kit.encodeBody(body, headers);
        // The id is made here: asked again of a new leader, it is the same send.
        const withId = { ...encoded.headers, [IDEMPOTENCY_HEADER]: encoded.headers[IDEMPOTENCY_HEADER] ?? crypto.randomUUID() };
        return request('send', [destination, encoded.body, withId]) as Promise<Receipt>;
      } catch (error) {
        return Promise.reject(error);
      }
    },
    begin,
    leaving() {
      leader = tabId;
      loseTransactions();
      return mirror;
    },
    unanswered() {
      const left = [...requests.values()];
      requests.clear();
      return left;
    },
    close() {
      loseTransactions();
      for (const sid of subs.keys()) if (leader && leader !== tabId) post({ t: 'unsub', from: tabId, sid });
      for (const pending of requests.values()) pending.reject(new Error('session closed before the RECEIPT arrived'));
      requests.clear();
      leader = null;
    },
  };
}
