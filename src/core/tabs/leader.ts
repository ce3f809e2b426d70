/**
 * The leader tab serves the others: it runs their subscriptions on its real
 * session (which ref-counts them, so equal subscriptions of every tab share
 * one STOMP SUBSCRIBE), hands each MESSAGE to the tab that wants it, and
 * runs their sends, acknowledgements and transactions. A tab that closes or
 * crashes releases its tab lock; the leader then drops what that tab held.
 */
import type { IncomingMessage, StompSession, StompTransaction } from '../types.js';
import { IDEMPOTENCY_HEADER, errorToWire, toWire, type Op, type TabLocks, type Wire } from './wire.js';

/** Messages kept for a follower's ACK/NACK (subscriptions with `ack: client | client-individual`), oldest dropped first. */
const HELD_LIMIT = 10_000;

interface Follower {
  subs: Map<number, () => void>;
  transactions: Map<string, StompTransaction>;
}

export interface Server {
  /** A message from another tab. */
  receive(wire: Wire): void;
  /** Stop serving (hand-over or close): no more replies or broadcasts, every follower subscription released. */
  stop(): void;
}

/**
 * Runs `op` on the leader's session. A send that carries an id the outbox
 * already holds is the same send asked again (its tab did not hear the
 * answer before a hand-over): it is waited for, never queued twice.
 */
export function perform(real: StompSession, op: Op, args: unknown[]): unknown {
  if (op === 'send') {
    const [destination, body, headers] = args as [string, string | Uint8Array, Record<string, string>];
    const id = headers[IDEMPOTENCY_HEADER];
    if (id !== undefined && real.getOutbox().some((entry) => entry.id === id)) return real.retry(id);
    return real.send(destination, body, headers);
  }
  if (op === 'retry') return real.retry(args[0] as string);
  if (op === 'drop') return real.drop(args[0] as string);
  if (op === 'connect') return real.connect();
  if (op === 'retryNow') return real.retryNow();
  if (op === 'reconnect') return real.reconnect(args[0] as string | undefined);
  return undefined;
}

export function serveFollowers(real: StompSession, tabId: string, lockName: string, locks: TabLocks, post: (wire: Wire) => void): Server {
  const followers = new Map<string, Follower>();
  /** Delivered messages a follower may still acknowledge, by forward id. */
  const held = new Map<number, IncomingMessage>();
  /** A message several tabs got through one shared subscription is acknowledged once. */
  const acknowledged = new WeakSet<IncomingMessage>();
  const watching = new AbortController();
  let forwarded = 0;
  let serving = true;
  const send = (wire: Wire): void => {
    if (serving) post(wire);
  };

  const follower = (id: string): Follower => {
    let known = followers.get(id);
    if (!known) {
      followers.set(id, (known = { subs: new Map(), transactions: new Map() }));
      // Granted once the tab is gone (closed, crashed, navigated away): it holds its tab lock for life.
      locks.request(`${lockName}:tab:${id}`, { signal: watching.signal }, () => forget(id)).catch(() => undefined);
    }
    return known;
  };

  const forget = (id: string): void => {
    const gone = followers.get(id);
    followers.delete(id);
    for (const unsubscribe of gone?.subs.values() ?? []) unsubscribe();
    for (const transaction of gone?.transactions.values() ?? []) transaction.abort().catch(() => undefined);
  };

  const forward = (to: string, sid: number, acking: boolean) => (message: IncomingMessage) => {
    const fid = ++forwarded;
    if (acking) {
      held.set(fid, message);
      if (held.size > HELD_LIMIT) held.delete(held.keys().next().value as number);
    }
    send({ t: 'msg', from: tabId, to, sid, fid, message: toWire(message) });
  };

  const acknowledge = (fid: number, command: 'ack' | 'nack', transaction?: StompTransaction): void => {
    const message = held.get(fid);
    if (!message || acknowledged.has(message)) return;
    held.delete(fid);
    acknowledged.add(message);
    if (transaction) transaction[command](message);
    else message[command]();
  };

  /** A transaction op of follower `from` on its transaction `id`. */
  const transact = (from: Follower, op: Op, args: unknown[]): unknown => {
    const id = args[0] as string;
    if (op === 'begin') {
      from.transactions.set(id, real.begin());
      return undefined;
    }
    const transaction = from.transactions.get(id);
    if (!transaction) throw new Error(`transaction ${id} is unknown to the tab holding the connection`);
    if (op === 'txsend') return transaction.send(args[1] as string, args[2], args[3] as Record<string, string>);
    if (op === 'txack' || op === 'txnack') return acknowledge(args[1] as number, op === 'txack' ? 'ack' : 'nack', transaction);
    from.transactions.delete(id);
    return op === 'commit' ? transaction.commit() : transaction.abort();
  };

  const call = (from: string, rid: number, op: Op, args: unknown[]): void => {
    const reply = (value: unknown, error?: unknown): void => {
      if (rid > 0) send({ t: 'reply', from: tabId, to: from, rid, value, ...(error !== undefined && { error: errorToWire(error) }) });
    };
    let result: unknown;
    try {
      if (op === 'ack' || op === 'nack') result = acknowledge(args[0] as number, op);
      else if (op === 'begin' || op.startsWith('tx') || op === 'commit' || op === 'abort') result = transact(follower(from), op, args);
      else result = perform(real, op, args);
    } catch (error) {
      return reply(undefined, error);
    }
    Promise.resolve(result).then(
      (value) => reply(value),
      (error: unknown) => reply(undefined, error),
    );
  };

  return {
    receive(wire) {
      if (!serving || wire.from === tabId) return;
      switch (wire.t) {
        case 'hello':
          send({ t: 'leader', from: tabId });
          send({ t: 'state', from: tabId, state: real.getSnapshot() });
          send({ t: 'outbox', from: tabId, outbox: real.getOutbox() });
          return;
        case 'sub': {
          const { subs } = follower(wire.from);
          const acking = wire.headers.ack === 'client' || wire.headers.ack === 'client-individual';
          subs.get(wire.sid)?.();
          subs.set(wire.sid, real.subscribe(wire.destination, forward(wire.from, wire.sid, acking), wire.headers));
          return;
        }
        case 'unsub': {
          const subs = followers.get(wire.from)?.subs;
          subs?.get(wire.sid)?.();
          subs?.delete(wire.sid);
          return;
        }
        case 'call':
          return call(wire.from, wire.rid, wire.op, wire.args);
      }
    },
    stop() {
      serving = false;
      watching.abort();
      for (const id of [...followers.keys()]) forget(id);
      held.clear();
    },
  };
}
