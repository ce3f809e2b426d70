import { describe, expect, test } from 'vitest';
import { createMemoryStore } from '../../../src/broker/engine/index.js';
import type { BrokerEngine, MessageStore, StoredMessage } from '../../../src/broker/engine/types.js';
import { FakeClient, engine, flush } from './harness.js';

/** Ten-byte bodies: `m0000…`. */
const body = (i: number) => `m${String(i).padStart(4, '0')}.....`;
const bodies = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => body(from + k));

async function setup(window: number, store: MessageStore = createMemoryStore()) {
  const e = await engine({ store, limits: { queueMemoryBytes: window } });
  const pub = new FakeClient(e);
  pub.connect();
  const send = (from: number, to: number, headers: Record<string, string> = {}) => {
    for (let i = from; i < to; i++) pub.frame('SEND', { destination: '/queue/q', ...headers }, body(i));
  };
  return { e, pub, send };
}

const row = (e: BrokerEngine) => e.stats().destinations.find((d) => d.destination === '/queue/q')!;

/** Let store reads and the pages they bring run until nothing changes. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await flush();
}

/** Consume with `client-individual`, acking each message as it comes, until `count` arrived. */
async function drain(
  e: BrokerEngine,
  count: number,
  prefetch = '4',
  headers: Record<string, string> = {},
): Promise<{ got: string[]; peakMemory: number }> {
  const c = new FakeClient(e);
  c.connect();
  c.frame('SUBSCRIBE', { id: 's', destination: '/queue/q', ack: 'client-individual', 'prefetch-count': prefetch, ...headers });
  const got: string[] = [];
  let peakMemory = 0;
  for (let rounds = 0; got.length < count && rounds < 10_000; rounds++) {
    for (const m of c.take('MESSAGE')) {
      got.push(new TextDecoder().decode(m.body));
      peakMemory = Math.max(peakMemory, row(e).memoryBytes ?? Infinity);
      c.frame('ACK', { id: m.headers['ack'] });
    }
    await flush();
  }
  c.frame('DISCONNECT');
  return { got, peakMemory };
}

describe('classic queue backlog beyond the memory window', () => {
  test('a backlog past the window stays in the store; consumers get every message once, in order', async () => {
    const { e, send } = await setup(100);
    send(0, 200);
    await settle();
    expect(row(e)).toMatchObject({ depth: 200, storedBytes: 2000 });
    expect(row(e).memoryBytes).toBeLessThanOrEqual(100);
    const { got, peakMemory } = await drain(e, 200);
    expect(got).toEqual(bodies(0, 200));
    expect(peakMemory).toBeLessThanOrEqual(100 + 4 * 10);
    expect(row(e)).toMatchObject({ depth: 0, storedBytes: 0, memoryBytes: 0 });
    await e.close();
  });

  test('messages sent while the backlog drains queue up behind it', async () => {
    const { e, send } = await setup(50);
    send(0, 30);
    const c = new FakeClient(e);
    c.connect();
    c.frame('SUBSCRIBE', { id: 's', destination: '/queue/q', ack: 'client-individual', 'prefetch-count': '2' });
    const got: string[] = [];
    for (let i = 30; got.length < 60; i++) {
      if (i < 60) send(i, i + 1);
      for (const m of c.take('MESSAGE')) {
        got.push(new TextDecoder().decode(m.body));
        c.frame('ACK', { id: m.headers['ack'] });
      }
      await flush();
    }
    expect(got).toEqual(bodies(0, 60));
    await e.close();
  });

  test('NACKed and abandoned messages come back redelivered at their place, then the backlog follows', async () => {
    const { e, send } = await setup(50);
    send(0, 40);
    await settle();
    const a = new FakeClient(e);
    a.connect();
    a.frame('SUBSCRIBE', { id: 's', destination: '/queue/q', ack: 'client-individual', 'prefetch-count': '3' });
    const [m0, m1, m2] = a.take('MESSAGE');
    a.frame('NACK', { id: m0.headers['ack'] });
    a.frame('ACK', { id: m1.headers['ack'] });
    await settle();
    // m0 is back at the head; m2 is still held.
    const again = a.take('MESSAGE');
    expect(again.map((m) => new TextDecoder().decode(m.body))).toEqual([body(0), body(3)]);
    expect(again[0].headers['redelivered']).toBe('true');
    a.frame('DISCONNECT'); // m2, m0 and m3 are given back unacked
    await settle();
    const { got } = await drain(e, 39, '2');
    expect(got).toEqual([body(0), body(2), ...bodies(3, 40)]);
    expect(row(e).depth).toBe(0);
    expect(new TextDecoder().decode(m2.body)).toBe(body(2));
    await e.close();
  });

  test('x-max-length counts the backlog: drop-head reaches into it, the newest are kept', async () => {
    const { e, send } = await setup(50);
    send(0, 40, { 'x-max-length': '15' });
    await settle();
    expect(row(e).depth).toBe(15);
    const { got } = await drain(e, 15, '4', { 'x-max-length': '15' });
    expect(got).toEqual(bodies(25, 40));
    await e.close();
  });

  test('after a restart the backlog a store summarises is read back on demand, after the loaded messages', async () => {
    const store = createMemoryStore();
    const first = await setup(1000, store);
    first.send(0, 50);
    await settle();
    await first.e.close();
    // A store that loads only the first 10 messages and summarises the rest, as the file store does.
    const loadAll = store.load.bind(store);
    store.load = async () =>
      (await loadAll()).map((q) => {
        const rest: StoredMessage[] = q.messages.slice(10);
        return {
          ...q,
          messages: q.messages.slice(0, 10),
          backlog: { from: rest[0]!.offset, count: rest.length, bytes: rest.reduce((n, m) => n + m.body.length, 0) },
        };
      });
    const { e } = await setup(100, store);
    expect(row(e)).toMatchObject({ depth: 50, storedBytes: 500, memoryBytes: 100 });
    const { got } = await drain(e, 50);
    expect(got).toEqual(bodies(0, 50));
    await e.close();
  });

  test('a deleted queue forgets its backlog and a new queue of the name starts empty', async () => {
    const { e, pub } = await setup(30);
    for (let i = 0; i < 20; i++) pub.frame('SEND', { destination: '/queue/q', 'auto-delete': 'true' }, body(i));
    await settle();
    const a = new FakeClient(e);
    a.connect();
    a.frame('SUBSCRIBE', { id: 's', destination: '/queue/q', 'auto-delete': 'true', ack: 'client', 'prefetch-count': '1' });
    a.frame('UNSUBSCRIBE', { id: 's' });
    await settle();
    expect(row(e)).toBeUndefined();
    pub.frame('SEND', { destination: '/queue/q' }, 'fresh');
    await settle();
    expect(row(e)).toMatchObject({ depth: 1, storedBytes: 5 });
    await e.close();
  });
});
