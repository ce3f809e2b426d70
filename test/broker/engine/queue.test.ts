import { describe, expect, test } from 'vitest';
import { createMemoryStore } from '../../../src/broker/engine/index.js';
import type { MessageStore } from '../../../src/broker/engine/types.js';
import { FakeClient, ManualClock, dec, engine, flush } from './harness.js';

async function setup() {
  const e = await engine();
  const pub = new FakeClient(e);
  pub.connect();
  const client = () => {
    const c = new FakeClient(e);
    c.connect();
    return c;
  };
  const send = (n: number, dest = '/queue/q') => {
    for (let i = 0; i < n; i++) pub.frame('SEND', { destination: dest }, `m${i}`);
  };
  return { e, pub, client, send };
}

describe('classic queues', () => {
  test('competing consumers are served round-robin, each message once', async () => {
    const { e, client, send } = await setup();
    const a = client();
    const b = client();
    const c = client();
    for (const [i, x] of [a, b, c].entries()) x.frame('SUBSCRIBE', { id: `s${i}`, destination: '/queue/q' });
    send(9);
    expect(a.bodies()).toEqual(['m0', 'm3', 'm6']);
    expect(b.bodies()).toEqual(['m1', 'm4', 'm7']);
    expect(c.bodies()).toEqual(['m2', 'm5', 'm8']);
    await e.close();
  });

  test('messages wait in the queue for a consumer', async () => {
    const { e, client, send } = await setup();
    send(3);
    expect(e.stats().destinations).toContainEqual({
      destination: '/queue/q',
      kind: 'queue',
      subscribers: 0,
      depth: 3,
      storedBytes: 6,
      memoryBytes: 6,
    });
    const a = client();
    a.frame('SUBSCRIBE', { id: 's', destination: '/queue/q' });
    expect(a.bodies()).toEqual(['m0', 'm1', 'm2']);
    expect(a.frames[1].headers).toMatchObject({ subscription: 's', destination: '/queue/q', redelivered: 'false' });
    expect(a.frames[1].headers['ack']).toBeUndefined();
    await e.close();
  });

  test('prefetch-count bounds unacked messages; client-individual ACK frees one slot', async () => {
    const { e, client, send } = await setup();
    const a = client();
    a.frame('SUBSCRIBE', { id: 's', destination: '/queue/q', ack: 'client-individual', 'prefetch-count': '2' });
    send(5);
    expect(a.bodies()).toEqual(['m0', 'm1']);
    const [m0, m1] = a.take('MESSAGE');
    expect(m0.headers['ack']).toBe(m0.headers['message-id']);
    expect(m0.headers['message-id']).toMatch(/^T_s@@session-.+@@\d+$/);
    a.frame('ACK', { id: m1.headers['ack'] });
    expect(a.bodies()).toEqual(['m2']);
    a.frame('ACK', { id: m0.headers['ack'] });
    expect(a.bodies()).toEqual(['m2', 'm3']);
    expect(e.stats().destinations.find((d) => d.destination === '/queue/q')?.depth).toBe(3);
    await e.close();
  });

  test('client mode ACK is cumulative', async () => {
    const { e, client, send } = await setup();
    const a = client();
    a.frame('SUBSCRIBE', { id: 's', destination: '/queue/q', ack: 'client', 'prefetch-count': '3' });
    send(6);
    const msgs = a.take('MESSAGE');
    expect(msgs.map((f) => dec.decode(f.body))).toEqual(['m0', 'm1', 'm2']);
    a.frame('ACK', { id: msgs[1].headers['ack'] }); // settles m0 and m1
    expect(a.bodies()).toEqual(['m3', 'm4']);
    expect(e.stats().destinations.find((d) => d.destination === '/queue/q')?.depth).toBe(4);
    await e.close();
  });

  test('NACK requeues at the old place, redelivered:true', async () => {
    const { e, client, send } = await setup();
    const a = client();
    const b = client();
    a.frame('SUBSCRIBE', { id: 'a', destination: '/queue/q', ack: 'client-individual', 'prefetch-count': '1' });
    b.frame('SUBSCRIBE', { id: 'b', destination: '/queue/q', ack: 'client-individual', 'prefetch-count': '1' });
    send(3);
    const [am0] = a.take('MESSAGE');
    expect(dec.decode(am0.body)).toBe('m0');
    a.frame('NACK', { id: am0.headers['ack'] });
    const [again] = a.take('MESSAGE');
    expect(dec.decode(again.body)).toBe('m0');
    expect(again.headers['redelivered']).toBe('true');
    expect(b.bodies()).toEqual(['m1']);
    await e.close();
  });

  test('unacked messages of a closed session go to another consumer, redelivered', async () => {
    const { e, client, send } = await setup();
    const a = client();
    a.frame('SUBSCRIBE', { id: 'a', destination: '/queue/q', ack: 'client', 'prefetch-count': '10' });
    send(3);
    expect(a.bodies()).toEqual(['m0', 'm1', 'm2']);
    a.conn.closed('peer went away');
    const b = client();
    b.frame('SUBSCRIBE', { id: 'b', destination: '/queue/q', ack: 'auto' });
    const got = b.take('MESSAGE');
    expect(got.map((f) => dec.decode(f.body))).toEqual(['m0', 'm1', 'm2']);
    expect(got.every((f) => f.headers['redelivered'] === 'true')).toBe(true);
    await e.close();
  });

  test('UNSUBSCRIBE gives unacked messages back', async () => {
    const { e, client, send } = await setup();
    const a = client();
    const b = client();
    a.frame('SUBSCRIBE', { id: 'a', destination: '/queue/q', ack: 'client-individual', 'prefetch-count': '5' });
    send(2);
    b.frame('SUBSCRIBE', { id: 'b', destination: '/queue/q' });
    a.frame('UNSUBSCRIBE', { id: 'a', receipt: 'u' });
    expect(a.last()).toMatchObject({ command: 'RECEIPT', headers: { 'receipt-id': 'u' } });
    expect(b.bodies()).toEqual(['m0', 'm1']);
    await e.close();
  });

  test('ACK with STOMP 1.1 uses message-id and subscription; 1.0 message-id', async () => {
    const { e, send } = await setup();
    const c11 = new FakeClient(e);
    c11.frame('CONNECT', { 'accept-version': '1.1' });
    c11.frame('SUBSCRIBE', { id: 's', destination: '/queue/q', ack: 'client-individual', 'prefetch-count': '1' });
    send(2);
    const [m] = c11.take('MESSAGE');
    c11.frame('ACK', { 'message-id': m.headers['message-id'], subscription: 's', receipt: 'r' });
    expect(c11.bodies()).toEqual(['m1']);
    expect(c11.take('RECEIPT')).toHaveLength(1);
    c11.frame('ACK', { 'message-id': 'x@@1' });
    expect(c11.last().command).toBe('ERROR');
    expect(c11.last().headers['message']).toBe('Missing header');
    await e.close();
  });

  test('auto-delete queue disappears with its last consumer', async () => {
    const { e, client } = await setup();
    const a = client();
    a.frame('SUBSCRIBE', { id: 'a', destination: '/queue/tmp', 'auto-delete': 'true', durable: 'false' });
    expect(e.stats().destinations.map((d) => d.destination)).toContain('/queue/tmp');
    a.frame('UNSUBSCRIBE', { id: 'a' });
    expect(e.stats().destinations.map((d) => d.destination)).not.toContain('/queue/tmp');
    await e.close();
  });

  test('durable queues survive an engine restart on the same store; acked ones are gone', async () => {
    const store = createMemoryStore();
    const e1 = await engine({ store });
    const c = new FakeClient(e1);
    c.connect();
    for (let i = 0; i < 3; i++) c.frame('SEND', { destination: '/queue/d', receipt: `r${i}` }, `m${i}`);
    c.frame('SUBSCRIBE', { id: 's', destination: '/queue/d', ack: 'client-individual', 'prefetch-count': '1' });
    const [m0] = c.take('MESSAGE');
    c.frame('ACK', { id: m0.headers['ack'] });
    await flush();
    await e1.close();
    const e2 = await engine({ store });
    const d = new FakeClient(e2);
    d.connect();
    d.frame('SUBSCRIBE', { id: 's', destination: '/queue/d' });
    expect(d.bodies()).toEqual(['m1', 'm2']);
    d.frame('SEND', { destination: '/queue/d' }, 'm3');
    expect(d.bodies()).toEqual(['m1', 'm2', 'm3']);
    await e2.close();
  });

  test('non-durable queues are not persisted', async () => {
    const store = createMemoryStore();
    const e1 = await engine({ store });
    const c = new FakeClient(e1);
    c.connect();
    c.frame('SEND', { destination: '/queue/nd', durable: 'false' }, 'x');
    await e1.close();
    expect(await store.load()).toEqual([]);
  });
});

describe('queue arguments (RabbitMQ 3.10 behaviour, see queue.ts)', () => {
  async function withArgs(args: Record<string, string>, store = createMemoryStore()) {
    const clock = new ManualClock();
    const e = await engine({ clock, store });
    const pub = new FakeClient(e);
    pub.connect();
    const send = (...bodies: string[]) => {
      for (const b of bodies) pub.frame('SEND', { destination: '/queue/q', ...args }, b);
    };
    const consumer = (more: Record<string, string> = {}) => {
      const c = new FakeClient(e);
      c.connect();
      c.frame('SUBSCRIBE', { id: 's', destination: '/queue/q', ...args, ...more });
      return c;
    };
    const depth = () => e.stats().destinations.find((d) => d.destination === '/queue/q')?.depth;
    return { e, clock, store, pub, send, consumer, depth };
  }
  const CLIENT_1 = { ack: 'client-individual', 'prefetch-count': '1' };

  test('x-max-length drops the oldest ready messages; unacked ones do not count', async () => {
    const { e, send, consumer } = await withArgs({ 'x-max-length': '2' });
    send('m0', 'm1', 'm2', 'm3', 'm4');
    const c = consumer(CLIENT_1);
    expect(c.bodies()).toEqual(['m3']); // m4 waits; m3 is unacked
    send('m5', 'm6', 'm7');
    for (let i = 0; i < 3; i++) {
      const last = c.frames.filter((f) => f.command === 'MESSAGE').pop();
      c.frame('ACK', { id: last?.headers['ack'] ?? '' });
    }
    expect(c.bodies()).toEqual(['m3', 'm6', 'm7']);
    await e.close();
  });

  test('a NACKed message goes back to the head, where drop-head removes it first', async () => {
    const { e, send, consumer } = await withArgs({ 'x-max-length': '1' });
    const c = consumer(CLIENT_1);
    send('m0', 'm1', 'm2');
    const [m0] = c.take('MESSAGE');
    c.frame('NACK', { id: m0.headers['ack'] });
    expect(c.bodies()).toEqual(['m2']);
    await e.close();
  });

  test('x-max-length-bytes counts ready bodies; a message over the limit drops itself', async () => {
    const { e, send, consumer, depth } = await withArgs({ 'x-max-length-bytes': '9' });
    send('aaaa', 'bbbb', 'cccc');
    expect(depth()).toBe(2);
    send('dddddddddddd');
    expect(depth()).toBe(0);
    send('eeee');
    expect(consumer().bodies()).toEqual(['eeee']);
    await e.close();
  });

  test('x-max-length:0 keeps only what a consumer takes at once', async () => {
    const { e, send, consumer } = await withArgs({ 'x-max-length': '0' });
    send('lost');
    const c = consumer();
    send('taken');
    expect(c.bodies()).toEqual(['taken']);
    await e.close();
  });

  test('dropped messages of a durable queue leave the store', async () => {
    const { e, store, send } = await withArgs({ 'x-max-length': '1' });
    send('m0', 'm1', 'm2');
    await flush();
    const [q] = await store.load();
    expect(q.messages.map((m) => dec.decode(m.body))).toEqual(['m2']);
    await e.close();
  });

  test('x-message-ttl: an expired message is never delivered, even before the sweep runs', async () => {
    const { e, clock, send, consumer } = await withArgs({ 'x-message-ttl': '400' });
    send('old0', 'old1');
    clock.advance(400); // expired; the 1 s sweep has not run yet
    send('fresh');
    expect(consumer().bodies()).toEqual(['fresh']);
    await e.close();
  });

  test('x-message-ttl: a message held unacked past its TTL and NACKed is dropped', async () => {
    const { e, clock, send, consumer } = await withArgs({ 'x-message-ttl': '400' });
    const c = consumer(CLIENT_1);
    send('m0', 'm1');
    const [m0] = c.take('MESSAGE');
    clock.advance(100);
    send('m2');
    clock.advance(350); // m0 and m1 are 450 ms old, m2 350 ms
    c.frame('NACK', { id: m0.headers['ack'] });
    expect(c.bodies()).toEqual(['m2']);
    await e.close();
  });

  test('x-message-ttl:0 delivers only to a consumer waiting for it', async () => {
    const { e, send, consumer, depth } = await withArgs({ 'x-message-ttl': '0' });
    send('lost');
    expect(depth()).toBe(0);
    const c = consumer(CLIENT_1);
    send('taken', 'no credit');
    expect(c.bodies()).toEqual(['taken']);
    expect(depth()).toBe(1); // the unacked one
    await e.close();
  });

  test('the sweep drops expired messages from depth and the store', async () => {
    const { e, clock, store, send, depth } = await withArgs({ 'x-message-ttl': '1500' });
    send('m0');
    clock.advance(1000);
    send('m1');
    expect(depth()).toBe(2);
    clock.advance(1000); // sweep at 2 s: m0 is 2000 ms old, m1 1000 ms
    expect(depth()).toBe(1);
    await flush();
    expect((await store.load())[0].messages.map((m) => dec.decode(m.body))).toEqual(['m1']);
    await e.close();
  });

  test('expired messages stay expired after a restart (the timestamp is stored)', async () => {
    const store = createMemoryStore();
    const first = await withArgs({ 'x-message-ttl': '1000' }, store);
    first.send('m0');
    await flush();
    await first.e.close();
    const clock = new ManualClock();
    clock.time = first.clock.time + 5000;
    const e2 = await engine({ clock, store });
    const c = new FakeClient(e2);
    c.connect();
    c.frame('SUBSCRIBE', { id: 's', destination: '/queue/q', 'x-message-ttl': '1000' });
    expect(c.bodies()).toEqual([]);
    await e2.close();
  });

  test('x-expires: an unused queue is deleted; declaring or consuming keeps it', async () => {
    const { e, clock, pub, send, consumer } = await withArgs({ 'x-expires': '5000', 'x-max-length': '1' });
    const listed = () => e.stats().destinations.some((d) => d.destination === '/queue/q');
    send('m0');
    clock.advance(4000);
    send('m1'); // a SEND to /queue/ re-declares: the lease starts again
    clock.advance(4000);
    expect(listed()).toBe(true);
    const c = consumer();
    expect(c.bodies()).toEqual(['m1']);
    clock.advance(60_000);
    expect(listed()).toBe(true); // in use
    c.frame('UNSUBSCRIBE', { id: 's' });
    clock.advance(5000);
    expect(listed()).toBe(false);
    // Gone: a declaration without the old arguments is a new queue, not an inequivalent one.
    pub.frame('SEND', { destination: '/queue/q', receipt: 'r' }, 'new');
    await flush(); // a durable queue's RECEIPT waits for the store
    expect(pub.last()).toMatchObject({ command: 'RECEIPT' });
    await e.close();
  });

  test('x-expires is exact between sweeps: a declaration right at the deadline finds no queue', async () => {
    const { e, clock, pub, send } = await withArgs({ 'x-expires': '1500' });
    send('m0');
    clock.advance(1500); // the sweep ran at 1 s, the next is at 2 s
    pub.frame('SEND', { destination: '/queue/q', receipt: 'r' }, 'x');
    await flush();
    expect(pub.last()).toMatchObject({ command: 'RECEIPT' });
    await e.close();
  });
});

/**
 * A deleted queue leaves nothing in the store (RabbitMQ 3.10.8, probed over
 * raw STOMP: a `durable:true`, `auto-delete:true` queue is `not_found` once its
 * last subscriber left, its messages, unacked ones too, are gone, and a SEND
 * from a new connection declares a fresh, empty queue).
 */
describe('deleted queues leave the store', () => {
  const AD = { durable: 'true', 'auto-delete': 'true' };
  const CLIENT_1 = { ack: 'client-individual', 'prefetch-count': '1' };

  async function onStore(store = createMemoryStore(), clock = new ManualClock()) {
    const e = await engine({ clock, store });
    const client = () => {
      const c = new FakeClient(e);
      c.connect();
      return c;
    };
    return { e, clock, store, client };
  }

  test('x-expires: the sweep deletes the declaration and the messages; a restart does not bring the queue back', async () => {
    const { e, clock, store, client } = await onStore();
    const pub = client();
    for (const b of ['m0', 'm1']) pub.frame('SEND', { destination: '/queue/q', 'x-expires': '5000' }, b);
    await flush();
    expect((await store.load()).map((q) => q.declaration.name)).toEqual(['q']);
    clock.advance(5000);
    await flush();
    expect(await store.load()).toEqual([]);
    await e.close();
    const e2 = await engine({ clock, store });
    expect(e2.stats().destinations).toEqual([]);
    await e2.close();
  });

  test('x-expires between sweeps: the new queue is all the store holds', async () => {
    const { e, clock, store, client } = await onStore();
    const pub = client();
    pub.frame('SEND', { destination: '/queue/q', 'x-expires': '1500' }, 'old');
    clock.advance(1500); // the sweep ran at 1 s; the SEND finds the queue expired
    pub.frame('SEND', { destination: '/queue/q', receipt: 'r' }, 'new');
    await flush();
    expect(pub.last()).toMatchObject({ command: 'RECEIPT' });
    const stored = await store.load();
    expect(stored.map((q) => [q.declaration.args, q.messages.map((m) => dec.decode(m.body))])).toEqual([[{}, ['new']]]);
    await e.close();
  });

  test('auto-delete: a durable queue deleted with its last consumer leaves no declaration and no messages', async () => {
    const { e, store, client } = await onStore();
    const a = client();
    a.frame('SUBSCRIBE', { id: 's', destination: '/queue/ad', ...AD, ...CLIENT_1 });
    const pub = client();
    for (const b of ['m0', 'm1', 'm2']) pub.frame('SEND', { destination: '/queue/ad', ...AD }, b);
    expect(a.bodies()).toEqual(['m0']); // held unacked
    await flush();
    expect((await store.load())[0].messages).toHaveLength(3);
    a.frame('UNSUBSCRIBE', { id: 's' });
    await flush();
    expect(await store.load()).toEqual([]);
    await e.close();
    const e2 = await engine({ store });
    const c = new FakeClient(e2);
    c.connect();
    c.frame('SUBSCRIBE', { id: 'x', destination: '/amq/queue/ad' });
    expect(c.last()).toMatchObject({ command: 'ERROR', headers: { message: 'not_found' } });
    await e2.close();
  });

  test('auto-delete: a closed connection deletes the queue too; a later SEND declares a fresh one', async () => {
    const { e, store, client } = await onStore();
    const a = client();
    a.frame('SUBSCRIBE', { id: 's', destination: '/queue/ad', ...AD, ...CLIENT_1 });
    const pub = client();
    for (const b of ['m0', 'm1']) pub.frame('SEND', { destination: '/queue/ad', ...AD }, b);
    a.conn.closed('peer went away');
    pub.frame('SEND', { destination: '/queue/ad', ...AD, receipt: 'r' }, 'fresh');
    await flush();
    expect(pub.last()).toMatchObject({ command: 'RECEIPT' });
    const stored = await store.load();
    expect(stored.map((q) => q.messages.map((m) => dec.decode(m.body)))).toEqual([['fresh']]);
    const b = client();
    b.frame('SUBSCRIBE', { id: 's', destination: '/queue/ad', ...AD });
    expect(b.bodies()).toEqual(['fresh']);
    await e.close();
  });

  /** A SEND waits in a transaction while the auto-delete queue it names loses its last consumer (and is deleted). */
  async function sendInTxThenDelete() {
    const fixture = await onStore();
    const a = fixture.client();
    a.frame('SUBSCRIBE', { id: 's', destination: '/queue/ad', ...AD });
    const pub = fixture.client();
    pub.frame('BEGIN', { transaction: 't' });
    pub.frame('SEND', { destination: '/queue/ad', transaction: 't', ...AD }, 'in-tx');
    a.frame('UNSUBSCRIBE', { id: 's' });
    return { ...fixture, pub };
  }

  test('a transactional SEND committed after the deletion is dropped, not stored for the deleted queue', async () => {
    const { e, store, pub } = await sendInTxThenDelete();
    pub.frame('COMMIT', { transaction: 't', receipt: 'c' });
    await flush();
    expect(pub.last()).toMatchObject({ command: 'RECEIPT', headers: { 'receipt-id': 'c' } });
    expect(await store.load()).toEqual([]);
    await e.close();
  });

  test('a transactional SEND committed after the queue was deleted and declared again goes to the new queue', async () => {
    const { e, store, client, pub } = await sendInTxThenDelete();
    client().frame('SEND', { destination: '/queue/ad', ...AD }, 'redeclared');
    pub.frame('COMMIT', { transaction: 't' });
    await flush();
    const stored = await store.load();
    expect(stored.map((q) => q.messages.map((m) => dec.decode(m.body)))).toEqual([['redeclared', 'in-tx']]);
    const b = client();
    b.frame('SUBSCRIBE', { id: 's', destination: '/queue/ad', ...AD });
    expect(b.bodies()).toEqual(['redeclared', 'in-tx']);
    await e.close();
  });

  test('a store without delete gets the messages removed (the declaration stays)', async () => {
    const inner = createMemoryStore();
    const { delete: _unused, ...store } = inner;
    const { e, client } = await onStore(store);
    const a = client();
    a.frame('SUBSCRIBE', { id: 's', destination: '/queue/ad', ...AD, ...CLIENT_1 });
    for (const b of ['m0', 'm1']) a.frame('SEND', { destination: '/queue/ad', ...AD }, b);
    a.frame('UNSUBSCRIBE', { id: 's' });
    await flush();
    expect((await inner.load()).map((q) => [q.declaration.name, q.messages])).toEqual([['ad', []]]);
    await e.close();
  });

  test('a queue declared again while the store is still deleting the old one is declared after the deletion', async () => {
    const inner = createMemoryStore();
    const store: MessageStore = {
      ...inner,
      delete: async (name) => {
        await flush();
        await inner.delete!(name);
      },
    };
    const { e, client } = await onStore(store);
    const a = client();
    a.frame('SUBSCRIBE', { id: 's', destination: '/queue/ad', ...AD });
    a.frame('UNSUBSCRIBE', { id: 's' });
    a.frame('SEND', { destination: '/queue/ad', ...AD, receipt: 'r' }, 'x');
    await flush();
    await flush();
    expect(a.last()).toMatchObject({ command: 'RECEIPT' });
    const stored = await inner.load();
    expect(stored.map((q) => q.messages.map((m) => dec.decode(m.body)))).toEqual([['x']]);
    await e.close();
  });
});
