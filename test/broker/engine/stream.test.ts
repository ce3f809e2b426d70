import { describe, expect, test } from 'vitest';
import { createMemoryStore } from '../../../src/broker/engine/index.js';
import { FakeClient, ManualClock, dec, engine, flush } from './harness.js';

const DECL = { 'x-queue-type': 'stream', durable: 'true', 'auto-delete': 'false' };
const Q = '/queue/chat.room.1';

async function setup(extra: Record<string, string> = {}) {
  const clock = new ManualClock();
  const store = createMemoryStore();
  const e = await engine({ clock, store });
  const pub = new FakeClient(e);
  pub.connect();
  /** Sends; resolves once the store has had time to take it (and readers to see it). */
  const publish = async (body: string, headers: Record<string, string> = {}) => {
    pub.frame('SEND', { destination: Q, ...DECL, ...extra, ...headers }, body);
    await flush();
  };
  // Stream messages become visible once stored: let the store answer first.
  const reader = async (offset: string | undefined, prefetch = '100', more: Record<string, string> = {}) => {
    await flush();
    const c = new FakeClient(e);
    c.connect();
    const h: Record<string, string> = { id: 'r', destination: Q, ...DECL, ...extra, ack: 'client', 'prefetch-count': prefetch, ...more };
    if (offset !== undefined) h['x-stream-offset'] = offset;
    c.frame('SUBSCRIBE', h);
    await flush();
    return c;
  };
  return { e, clock, store, pub, publish, reader };
}

describe('stream queues', () => {
  test('first replays all, every MESSAGE carries timestamp and x-stream-offset after the sender headers', async () => {
    const { e, publish, reader } = await setup();
    await publish('m0', { 'content-type': 'text/plain' });
    await publish('m1');
    await publish('m2');
    const r = await reader('first');
    const msgs = r.take('MESSAGE');
    expect(msgs.map((f) => [dec.decode(f.body), f.headers['x-stream-offset']])).toEqual([
      ['m0', '0'],
      ['m1', '1'],
      ['m2', '2'],
    ]);
    expect(Object.keys(msgs[0].headers)).toEqual([
      'subscription',
      'destination',
      'message-id',
      'redelivered',
      'ack',
      'x-queue-type',
      'durable',
      'auto-delete',
      'content-type',
      'timestamp',
      'x-stream-offset',
      'content-length',
    ]);
    await e.close();
  });

  test("every MESSAGE carries the broker's time as timestamp (ms), never the sender's", async () => {
    const { e, clock, publish, reader } = await setup();
    await publish('m0', { timestamp: '1' });
    const r = await reader('first');
    expect(r.take('MESSAGE').map((f) => f.headers['timestamp'])).toEqual([String(clock.now())]);
    await e.close();
  });

  test('last starts at the last message, next only sees new ones, offset=N from N', async () => {
    const { e, publish, reader } = await setup();
    for (let i = 0; i < 4; i++) await publish(`m${i}`);
    const last = await reader('last');
    const next = await reader('next');
    const absent = await reader(undefined);
    const from2 = await reader('offset=2');
    const beyond = await reader('offset=99');
    expect(last.bodies()).toEqual(['m3']);
    expect(next.bodies()).toEqual([]);
    expect(absent.bodies()).toEqual([]);
    expect(from2.bodies()).toEqual(['m2', 'm3']);
    expect(beyond.bodies()).toEqual([]);
    await publish('m4');
    for (const c of [last, next, absent, from2, beyond]) expect(c.bodies().at(-1)).toBe('m4');
    await e.close();
  });

  test('timestamp=T starts at the first message stored at or after T (unix seconds)', async () => {
    const { e, clock, publish, reader } = await setup();
    await publish('old');
    clock.advance(60_000);
    const t = Math.floor(clock.now() / 1000);
    await publish('new1');
    clock.advance(1000);
    await publish('new2');
    expect((await reader(`timestamp=${t}`)).bodies()).toEqual(['new1', 'new2']);
    expect((await reader('timestamp=0')).bodies()).toEqual(['old', 'new1', 'new2']);
    expect((await reader(`timestamp=${t + 3600}`)).bodies()).toEqual([]);
    await e.close();
  });

  test('credit: at most prefetch-count unacked; cumulative ACK gives credit back', async () => {
    const { e, publish, reader } = await setup();
    for (let i = 0; i < 5; i++) await publish(`m${i}`);
    const r = await reader('first', '2');
    const msgs = r.take('MESSAGE');
    expect(msgs.map((f) => dec.decode(f.body))).toEqual(['m0', 'm1']);
    r.frame('ACK', { id: msgs[1].headers['ack'] });
    const more = r.take('MESSAGE');
    expect(more.map((f) => dec.decode(f.body))).toEqual(['m2', 'm3']);
    r.frame('NACK', { id: more[0].headers['ack'] }); // a stream never redelivers: NACK just returns credit
    expect(r.bodies()).toEqual(['m4']);
    await e.close();
  });

  test('retention by x-max-length-bytes drops the oldest; readers skip ahead', async () => {
    const { e, publish, reader, store } = await setup({ 'x-max-length-bytes': '10' });
    for (let i = 0; i < 5; i++) await publish(`abcd${i}`); // 5 bytes each
    expect((await reader('first')).bodies()).toEqual(['abcd3', 'abcd4']);
    const stat = e.stats().destinations.find((d) => d.destination === Q);
    expect(stat).toMatchObject({ kind: 'stream', depth: 2, storedBytes: 10 });
    await flush();
    const [saved] = await store.load();
    expect(saved.messages.map((m) => m.offset)).toEqual([3, 4]);
    expect(saved.nextOffset).toBe(5);
    await e.close();
  });

  test('retention by x-max-age drops aged messages on the sweep (injected clock)', async () => {
    const { e, clock, publish, reader } = await setup({ 'x-max-age': '10s' });
    await publish('a');
    clock.advance(6000);
    await publish('b');
    clock.advance(6000); // a is 12 s old
    expect((await reader('first')).bodies()).toEqual(['b']);
    clock.advance(60_000); // the newest message is always kept
    expect((await reader('first')).bodies()).toEqual(['b']);
    await e.close();
  });

  test('a reader must set prefetch-count and may not use ack:auto (RabbitMQ)', async () => {
    const { e, publish } = await setup();
    await publish('x');
    const a = new FakeClient(e);
    a.connect();
    a.frame('SUBSCRIBE', { id: 'r', destination: Q, ...DECL, ack: 'client', receipt: 'x' });
    expect(a.last()).toMatchObject({ command: 'ERROR', headers: { message: 'precondition_failed', 'receipt-id': 'x' } });
    expect(dec.decode(a.last().body)).toMatch(/consumer prefetch count is not set/);
    expect(a.closed).toBe(true);
    const b = new FakeClient(e);
    b.connect();
    b.frame('SUBSCRIBE', { id: 'r', destination: Q, ...DECL, 'prefetch-count': '1' });
    expect(b.last().command).toBe('ERROR');
    expect(dec.decode(b.last().body)).toMatch(/automatic acknowledgement not supported/);
    await e.close();
  });

  test('a bare SEND to a stream is refused: precondition_failed, then close', async () => {
    const { e, publish } = await setup();
    await publish('x');
    const c = new FakeClient(e);
    c.connect();
    c.frame('SEND', { destination: Q, receipt: 'r' }, 'bare');
    const err = c.last();
    expect(err.command).toBe('ERROR');
    expect(err.headers['message']).toBe('precondition_failed');
    expect(err.headers['receipt-id']).toBe('r');
    expect(dec.decode(err.body)).toBe(
      "PRECONDITION_FAILED - inequivalent arg 'x-queue-type' for queue 'chat.room.1' in vhost '/': received none but current is the value 'stream' of type 'longstr'",
    );
    expect(c.closed).toBe(true);
    expect(e.stats().destinations.find((d) => d.destination === Q)?.depth).toBe(1);
    await e.close();
  });

  test('a message reaches readers only once the store has it; a failed write is never seen', async () => {
    const clock = new ManualClock();
    const inner = createMemoryStore();
    const writes: { offset: number; release: (ok: boolean) => void }[] = [];
    // A store whose appends complete when the test says so.
    const store = {
      ...inner,
      append: (queue: string, message: Parameters<typeof inner.append>[1]) =>
        new Promise<void>((resolve, reject) => writes.push({ offset: message.offset, release: (ok) => (ok ? inner.append(queue, message).then(resolve) : reject(new Error('disk full'))) })),
    };
    const e = await engine({ clock, store });
    const pub = new FakeClient(e);
    pub.connect();
    const r = new FakeClient(e);
    r.connect();
    r.frame('SUBSCRIBE', { id: 'r', destination: Q, ...DECL, ack: 'client', 'prefetch-count': '9', 'x-stream-offset': 'first' });
    await flush();
    for (const body of ['a', 'b', 'c']) pub.frame('SEND', { destination: Q, ...DECL, receipt: body }, body);
    await flush();
    expect(r.take('MESSAGE')).toEqual([]);
    expect(pub.take('RECEIPT')).toEqual([]);
    writes[1]!.release(true); // b is stored, a is not yet: nothing may pass a
    await flush();
    expect(r.take('MESSAGE')).toEqual([]);
    writes[0]!.release(false); // a fails: never visible, its sender is told
    await flush();
    expect(r.bodies()).toEqual(['b']);
    writes[2]!.release(true);
    await flush();
    expect(r.bodies()).toEqual(['b', 'c']);
    expect(pub.take('ERROR').length + pub.take('RECEIPT').length).toBeGreaterThan(0);
    await e.close();
  });

  test('a stream survives a restart with offsets continuing', async () => {
    const { e, publish, store, clock } = await setup();
    await publish('a', { receipt: 'r1' });
    await publish('b', { receipt: 'r2' });
    await flush();
    await e.close();
    const e2 = await engine({ store, clock });
    const c = new FakeClient(e2);
    c.connect();
    c.frame('SEND', { destination: Q, ...DECL }, 'c');
    c.frame('SUBSCRIBE', { id: 'r', destination: Q, ...DECL, ack: 'client', 'prefetch-count': '9', 'x-stream-offset': 'first' });
    await flush();
    expect(c.take('MESSAGE').map((f) => `${f.headers['x-stream-offset']}:${dec.decode(f.body)}`)).toEqual(['0:a', '1:b', '2:c']);
    await e2.close();
  });
});

describe('a stream larger than its memory window', () => {
  async function windowed(memory: number, extra: Record<string, string> = {}) {
    const clock = new ManualClock();
    const store = createMemoryStore();
    const e = await engine({ clock, store, limits: { streamMemoryBytes: memory } });
    const pub = new FakeClient(e);
    pub.connect();
    const publish = async (body: string) => {
      pub.frame('SEND', { destination: Q, ...DECL, ...extra }, body);
      await flush();
    };
    const stat = () => e.stats().destinations.find((d) => d.destination === Q)!;
    return { e, clock, store, publish, stat };
  }

  /** Reads from `offset` with credit `prefetch`, acking each batch, until `count` messages arrived. */
  async function readAll(e: Awaited<ReturnType<typeof engine>>, offset: string, prefetch: number, count: number): Promise<string[]> {
    const c = new FakeClient(e);
    c.connect();
    c.frame('SUBSCRIBE', { id: 'r', destination: Q, ...DECL, ack: 'client', 'prefetch-count': String(prefetch), 'x-stream-offset': offset });
    const got: string[] = [];
    for (let rounds = 0; got.length < count && rounds < 1000; rounds++) {
      await flush();
      const batch = c.take('MESSAGE');
      got.push(...batch.map((f) => `${f.headers['x-stream-offset']}:${dec.decode(f.body)}`));
      if (batch.length > 0) c.frame('ACK', { id: batch[batch.length - 1].headers['ack'] });
    }
    return got;
  }

  test('only the newest bytes stay in memory; a reader from first gets every message, in order, as credit allows', async () => {
    const { e, publish, stat } = await windowed(100);
    for (let i = 0; i < 50; i++) await publish(`m${String(i).padStart(9, '0')}`); // 10 bytes each
    expect(stat()).toMatchObject({ depth: 50, storedBytes: 500 });
    expect(stat().memoryBytes).toBeLessThanOrEqual(100);
    const got = await readAll(e, 'first', 7, 50);
    expect(got).toEqual(Array.from({ length: 50 }, (_, i) => `${i}:m${String(i).padStart(9, '0')}`));
    expect(await readAll(e, 'offset=13', 4, 37)).toHaveLength(37);
    await e.close();
  });

  test('a reader in stored history keeps going while new messages arrive and leave memory', async () => {
    const { e, publish } = await windowed(30);
    for (let i = 0; i < 20; i++) await publish(`a${String(i).padStart(9, '0')}`);
    const c = new FakeClient(e);
    c.connect();
    c.frame('SUBSCRIBE', { id: 'r', destination: Q, ...DECL, ack: 'client', 'prefetch-count': '3', 'x-stream-offset': 'first' });
    const got: number[] = [];
    for (let i = 0; got.length < 60 && i < 1000; i++) {
      if (i < 40) await publish(`b${String(i).padStart(9, '0')}`);
      await flush();
      const batch = c.take('MESSAGE');
      got.push(...batch.map((f) => Number(f.headers['x-stream-offset'])));
      if (batch.length > 0) c.frame('ACK', { id: batch[batch.length - 1].headers['ack'] });
    }
    expect(got).toEqual(Array.from({ length: 60 }, (_, i) => i));
    await e.close();
  });

  test('timestamp= finds a start in stored history; retention drops stored history by age', async () => {
    const { e, clock, publish, stat } = await windowed(10, { 'x-max-age': '1h' });
    await publish('old-000000');
    await publish('old-000001');
    clock.advance(60_000);
    const t = Math.floor(clock.now() / 1000);
    for (let i = 0; i < 5; i++) await publish(`new-00000${i}`);
    expect((await readAll(e, `timestamp=${t}`, 10, 5)).map((m) => m.split(':')[1])).toEqual(
      Array.from({ length: 5 }, (_, i) => `new-00000${i}`),
    );
    // The sweep at 1h10s: the old ones are past the limit, the new ones not; a run goes only as a whole,
    // so nothing younger than the limit may be gone.
    clock.advance(3_600_000 + 10_000 - 60_000);
    const kept = await readAll(e, 'first', 10, 5);
    expect(kept.filter((m) => m.includes('new'))).toHaveLength(5);
    clock.advance(3_600_000);
    await publish('last-00000');
    expect(stat().depth).toBe(1);
    const left = await readAll(e, 'first', 10, 1);
    expect(left).toEqual(['7:last-00000']);
    await e.close();
  });
});
