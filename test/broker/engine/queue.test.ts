import { describe, expect, test } from 'vitest';
import { createMemoryStore } from '../../../src/broker/engine/index.js';
import { FakeClient, dec, engine, flush } from './harness.js';

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
