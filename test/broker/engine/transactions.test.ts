import { describe, expect, test } from 'vitest';
import { Transactions } from '../../../src/broker/engine/transactions.js';
import { FakeClient, engine, flush, thrown } from './harness.js';

describe('Transactions', () => {
  test('effects run in order at commit, not before', async () => {
    const t = new Transactions();
    const ran: number[] = [];
    t.begin('a');
    t.add('a', () => void ran.push(1));
    t.add('a', () => (ran.push(2), Promise.resolve()));
    expect(ran).toEqual([]);
    await t.commit('a');
    expect(ran).toEqual([1, 2]);
    expect(t.size).toBe(0);
  });
  test('begin twice, unknown ids', () => {
    const t = new Transactions();
    t.begin('a');
    expect(thrown(() => t.begin('a')).message).toBe('Bad transaction');
    expect(thrown(() => t.add('b', () => undefined)).message).toBe('Bad transaction');
    expect(thrown(() => t.abort('b')).message).toBe('Bad transaction');
    t.abort('a');
    expect(thrown(() => t.commit('a')).detail).toBe('Invalid transaction identifier: "a"');
  });
});

async function setup() {
  const e = await engine();
  const c = new FakeClient(e);
  const watcher = new FakeClient(e);
  c.connect({ login: 'u' });
  watcher.connect();
  watcher.frame('SUBSCRIBE', { id: 'w', destination: '/topic/t' });
  return { e, c, watcher };
}

describe('transactions through the engine', () => {
  test('SENDs take effect at COMMIT; receipts for BEGIN, SEND and COMMIT', async () => {
    const { e, c, watcher } = await setup();
    c.frame('BEGIN', { transaction: 'tx', receipt: 'b' });
    c.frame('SEND', { destination: '/topic/t', transaction: 'tx', receipt: 's' }, 'one');
    c.frame('SEND', { destination: '/topic/t', transaction: 'tx' }, 'two');
    expect(watcher.bodies()).toEqual([]);
    c.frame('COMMIT', { transaction: 'tx', receipt: 'c' });
    await flush();
    expect(watcher.bodies()).toEqual(['one', 'two']);
    expect(c.take('RECEIPT').map((f) => f.headers['receipt-id'])).toEqual(['b', 's', 'c']);
    await e.close();
  });

  test('ABORT discards; the id can be reused', async () => {
    const { e, c, watcher } = await setup();
    c.frame('BEGIN', { transaction: 'tx' });
    c.frame('SEND', { destination: '/topic/t', transaction: 'tx' }, 'lost');
    c.frame('ABORT', { transaction: 'tx' });
    c.frame('BEGIN', { transaction: 'tx' });
    c.frame('SEND', { destination: '/topic/t', transaction: 'tx' }, 'kept');
    c.frame('COMMIT', { transaction: 'tx' });
    expect(watcher.bodies()).toEqual(['kept']);
    await e.close();
  });

  test('a disconnect discards open transactions', async () => {
    const { e, c, watcher } = await setup();
    c.frame('BEGIN', { transaction: 'tx' });
    c.frame('SEND', { destination: '/queue/q', transaction: 'tx' }, 'lost');
    c.conn.closed();
    expect(watcher.bodies()).toEqual([]);
    expect(e.stats().destinations.find((d) => d.destination === '/queue/q')?.depth).toBe(0);
    await e.close();
  });

  test('ACKs inside a transaction settle at COMMIT; ABORT leaves them unacked', async () => {
    const { e, c } = await setup();
    c.frame('SUBSCRIBE', { id: 's', destination: '/queue/q', ack: 'client-individual', 'prefetch-count': '1' });
    c.frame('SEND', { destination: '/queue/q' }, 'm0');
    c.frame('SEND', { destination: '/queue/q' }, 'm1');
    const [m0] = c.take('MESSAGE');
    c.frame('BEGIN', { transaction: 'a' });
    c.frame('ACK', { id: m0.headers['ack'], transaction: 'a' });
    c.frame('ABORT', { transaction: 'a' });
    expect(c.bodies()).toEqual([]);
    c.frame('BEGIN', { transaction: 'b' });
    c.frame('ACK', { id: m0.headers['ack'], transaction: 'b' });
    expect(c.bodies()).toEqual([]);
    c.frame('COMMIT', { transaction: 'b' });
    expect(c.bodies()).toEqual(['m1']);
    await e.close();
  });

  test('a SEND with a bad destination inside a transaction fails at once', async () => {
    const { e, c } = await setup();
    c.frame('BEGIN', { transaction: 'tx' });
    c.frame('SEND', { destination: '/nowhere', transaction: 'tx', receipt: 'r' }, 'x');
    expect(c.last()).toMatchObject({ command: 'ERROR', headers: { message: 'Unknown destination', 'receipt-id': 'r' } });
    await e.close();
  });
});
