import { describe, expect, test } from 'vitest';
import type { MessageStore, StoredMessage } from '../../../src/broker/engine/types.js';
import { createMemoryStore } from '../../../src/broker/engine/index.js';
import { FakeClient, ManualClock, dec, enc, engine, flush } from './harness.js';

describe('CONNECT negotiation', () => {
  test('CONNECTED carries version, heart-beat, session, server, user-name', async () => {
    const e = await engine({ serverName: 'test/1', heartbeat: [5000, 6000] });
    const c = new FakeClient(e);
    const f = c.connect({ login: 'alice', 'heart-beat': '7000,3000' });
    expect(f.command).toBe('CONNECTED');
    expect(f.headers).toMatchObject({ version: '1.2', 'heart-beat': '5000,7000', server: 'test/1', 'user-name': 'alice' });
    expect(f.headers['session']).toMatch(/^session-/);
    await e.close();
  });

  test('STOMP works like CONNECT; highest common version wins; none given = 1.0', async () => {
    const e = await engine();
    const a = new FakeClient(e);
    a.frame('STOMP', { 'accept-version': '1.0,1.1' });
    expect(a.last().headers['version']).toBe('1.1');
    const b = new FakeClient(e);
    b.frame('CONNECT', {});
    expect(b.last().headers['version']).toBe('1.0');
    expect(b.last().headers['user-name']).toBeUndefined();
    await e.close();
  });

  test('no common version: ERROR with the versions we speak', async () => {
    const e = await engine();
    const c = new FakeClient(e);
    c.frame('CONNECT', { 'accept-version': '2.0' });
    expect(c.last()).toMatchObject({ command: 'ERROR', headers: { version: '1.0,1.1,1.2' } });
    expect(c.closed).toBe(true);
    await e.close();
  });

  test('refused credentials: ERROR Bad CONNECT, then close; async hooks work', async () => {
    const e = await engine({
      authenticate: async (login, passcode) =>
        passcode === 'secret' ? { ok: true, user: login ?? '' } : { ok: false, message: `Access refused for user '${login}'` },
    });
    const bad = new FakeClient(e);
    bad.frame('CONNECT', { 'accept-version': '1.2', login: 'guest', passcode: 'nope', receipt: 'c' });
    await flush();
    expect(bad.last()).toMatchObject({ command: 'ERROR', headers: { message: 'Bad CONNECT', 'receipt-id': 'c' } });
    expect(dec.decode(bad.last().body)).toBe("Access refused for user 'guest'");
    expect(bad.closed).toBe(true);
    const good = new FakeClient(e);
    // Frames pipelined behind CONNECT wait for the hook, then run in order.
    good.send(
      'CONNECT\naccept-version:1.2\nlogin:bob\npasscode:secret\n\n\0SUBSCRIBE\nid:1\ndestination:/topic/x\nreceipt:s\n\n\0',
    );
    expect(good.frames).toEqual([]);
    await flush();
    expect(good.frames.map((f) => f.command)).toEqual(['CONNECTED', 'RECEIPT']);
    expect(good.frames[0].headers['user-name']).toBe('bob');
    await e.close();
  });

  test('frames before CONNECT and a second CONNECT are errors', async () => {
    const e = await engine();
    const a = new FakeClient(e);
    a.frame('SEND', { destination: '/topic/x' });
    expect(a.last()).toMatchObject({ command: 'ERROR', headers: { message: 'Not connected' } });
    const b = new FakeClient(e);
    b.connect();
    b.connect();
    expect(b.last()).toMatchObject({ command: 'ERROR', headers: { message: 'Bad command' } });
    await e.close();
  });
});

describe('heart-beating', () => {
  test('the broker sends single EOLs when idle and cuts off a silent client after the grace', async () => {
    const clock = new ManualClock();
    const e = await engine({ clock, heartbeat: [1000, 1000], heartbeatGrace: 1.5 });
    const c = new FakeClient(e);
    c.connect({ 'heart-beat': '2000,2000' });
    const before = c.chunks.length;
    clock.advance(2000);
    expect(c.heartbeats).toBeGreaterThanOrEqual(1);
    expect(c.chunks.slice(before).every((b) => b.length === 1 && b[0] === 10)).toBe(true);
    c.send('\n'); // the client's own beat keeps it alive
    clock.advance(2500);
    expect(c.closed).toBe(false);
    c.send('\r\n');
    clock.advance(2900);
    expect(c.closed).toBe(false);
    clock.advance(1100); // 4000 ms of silence > 2000 × 1.5 (checked every half interval)
    expect(c.closed).toBe(true);
    expect(c.last()).toMatchObject({ command: 'ERROR', headers: { message: 'Heart-beat timeout' } });
    await e.close();
  });

  test("grants the client's periods down to the broker's floor and clamps absurd ones", async () => {
    const clock = new ManualClock();
    const e = await engine({ clock, heartbeat: [1000, 1000] });
    const asked = new FakeClient(e);
    expect(asked.connect({ 'heart-beat': '3000,2000' }).headers['heart-beat']).toBe('2000,3000');
    const greedy = new FakeClient(e);
    expect(greedy.connect({ 'heart-beat': '10,1' }).headers['heart-beat']).toBe('1000,1000');
    const absurd = new FakeClient(e);
    // 4294967296 ms would wrap a timer to 1 ms.
    expect(absurd.connect({ 'heart-beat': '0,4294967296' }).headers['heart-beat']).toBe('86400000,0');
    for (let t = 0; t < 10_000; t += 500) {
      greedy.send('\n'); // it promised a beat a second
      clock.advance(500);
    }
    expect(absurd.heartbeats).toBe(0);
    expect(greedy.closed).toBe(false);
    expect(greedy.heartbeats).toBeGreaterThanOrEqual(9);
    await e.close();
  });

  test('no heart-beats when either side declines', async () => {
    const clock = new ManualClock();
    const e = await engine({ clock, heartbeat: [1000, 1000] });
    const c = new FakeClient(e);
    c.connect({ 'heart-beat': '0,0' });
    clock.advance(60_000);
    expect(c.heartbeats).toBe(0);
    expect(c.closed).toBe(false);
    await e.close();
  });

  test('a malformed heart-beat header is an error', async () => {
    const e = await engine();
    const c = new FakeClient(e);
    c.connect({ 'heart-beat': 'soon' });
    expect(c.last()).toMatchObject({ command: 'ERROR', headers: { message: 'Malformed frame' } });
    await e.close();
  });
});

/** A store whose appends resolve only when the test says so. */
function slowStore(): MessageStore & { release(): void; appended: StoredMessage[] } {
  const inner = createMemoryStore();
  const waiting: Array<() => void> = [];
  const appended: StoredMessage[] = [];
  return {
    ...inner,
    appended,
    append: (q, m) =>
      new Promise<void>((resolve) => {
        appended.push(m);
        waiting.push(() => void inner.append(q, m).then(resolve));
      }),
    release: () => waiting.splice(0).forEach((f) => f()),
  };
}

describe('receipts', () => {
  test('a SEND to a durable queue is receipted only after the store resolved; receipts keep order', async () => {
    const store = slowStore();
    const e = await engine({ store });
    const c = new FakeClient(e);
    c.connect();
    c.frame('SEND', { destination: '/queue/d', receipt: 'r1' }, 'x');
    c.frame('SEND', { destination: '/topic/t', receipt: 'r2' }, 'y');
    await flush();
    expect(store.appended).toHaveLength(1);
    expect(c.take('RECEIPT')).toEqual([]);
    store.release();
    await flush();
    expect(c.take('RECEIPT').map((f) => f.headers['receipt-id'])).toEqual(['r1', 'r2']);
    await e.close();
  });

  test('writes wait for the queue declaration to be stored (a store that throws on undeclared queues)', async () => {
    const inner = createMemoryStore();
    let declared = new Set<string>();
    const store: MessageStore = {
      ...inner,
      declare: async (d) => {
        await flush();
        await inner.declare(d);
        declared = new Set([...declared, d.name]);
      },
      append: (q, m) => {
        if (!declared.has(q)) throw new Error(`queue ${q} was not declared in the store`);
        return inner.append(q, m);
      },
    };
    const e = await engine({ store });
    const c = new FakeClient(e);
    c.connect();
    c.frame('SEND', { destination: '/queue/d', receipt: 'r1' }, 'x');
    c.frame('SEND', { destination: '/queue/d', receipt: 'r2' }, 'y');
    await flush();
    await flush();
    expect(c.take('RECEIPT').map((f) => f.headers['receipt-id'])).toEqual(['r1', 'r2']);
    expect((await inner.load())[0].messages.map((m) => m.offset)).toEqual([0, 1]);
    await e.close();
  });

  test('a store failure turns into ERROR with the receipt-id', async () => {
    const store = { ...createMemoryStore(), append: () => Promise.reject(new Error('disk full')) };
    const e = await engine({ store });
    const c = new FakeClient(e);
    c.connect();
    c.frame('SEND', { destination: '/queue/d', receipt: 'r1' }, 'x');
    await flush();
    expect(c.last()).toMatchObject({ command: 'ERROR', headers: { message: 'Store failure', 'receipt-id': 'r1' } });
    await e.close();
  });

  test('DISCONNECT with receipt: RECEIPT after pending receipts, then close', async () => {
    const store = slowStore();
    const e = await engine({ store });
    const c = new FakeClient(e);
    c.connect();
    c.frame('SEND', { destination: '/queue/d', receipt: 'r1' }, 'x');
    c.frame('DISCONNECT', { receipt: 'bye' });
    await flush();
    expect(c.closed).toBe(false);
    store.release();
    await flush();
    expect(c.take('RECEIPT').map((f) => f.headers['receipt-id'])).toEqual(['r1', 'bye']);
    expect(c.closed).toBe(true);
    expect(e.stats().connections.memory).toBe(0);
    await e.close();
  });
});

describe('limits and slow consumers', () => {
  test('an oversize frame gets ERROR and close before its body arrives', async () => {
    const e = await engine({ limits: { maxFrameSize: 1000 } });
    const c = new FakeClient(e);
    c.connect();
    c.send('SEND\ndestination:/topic/x\ncontent-length:100000\n\n');
    expect(c.last()).toMatchObject({ command: 'ERROR', headers: { message: 'Frame too large' } });
    expect(c.closed).toBe(true);
    c.send(new Uint8Array(100_000)); // ignored after close
    await e.close();
  });

  test('too many subscriptions', async () => {
    const e = await engine({ limits: { maxSubscriptionsPerConnection: 2 } });
    const c = new FakeClient(e);
    c.connect();
    for (let i = 0; i < 3; i++) c.frame('SUBSCRIBE', { id: `${i}`, destination: '/topic/x' });
    expect(c.last()).toMatchObject({ command: 'ERROR', headers: { message: 'Too many subscriptions' } });
    await e.close();
  });

  test('a consumer whose pending bytes would pass the limit gets ERROR and is closed', async () => {
    const e = await engine({ limits: { maxPendingBytes: 10_000 } });
    const slow = new FakeClient(e);
    const fast = new FakeClient(e);
    const pub = new FakeClient(e);
    for (const c of [slow, fast, pub]) c.connect();
    slow.frame('SUBSCRIBE', { id: 's', destination: '/topic/x' });
    fast.frame('SUBSCRIBE', { id: 's', destination: '/topic/x' });
    const body = 'x'.repeat(1000);
    for (let i = 0; i < 20; i++) {
      pub.frame('SEND', { destination: '/topic/x' }, body);
      slow.pending += slow.chunks.at(-1)?.length ?? 0; // nothing ever drains
    }
    expect(slow.closed).toBe(true);
    expect(slow.last()).toMatchObject({ command: 'ERROR', headers: { message: 'Slow consumer' } });
    expect(slow.bodies().length).toBeLessThan(11);
    expect(fast.bodies()).toHaveLength(20);
    expect(pub.closed).toBe(false);
    await e.close();
  });

  test('text channels (SockJS) can feed strings', async () => {
    const e = await engine();
    const c = new FakeClient(e);
    c.conn.receive('CONNECT\naccept-version:1.2\n\n\0');
    c.conn.receive('SUBSCRIBE\nid:1\ndestination:/topic/é\n\n\0SEND\ndestination:/topic/é\n\nhé\0');
    expect(c.bodies()).toEqual(['hé']);
    expect(enc.encode('hé').length).toBe(3);
    await e.close();
  });
});

describe('frames held behind an async hook', () => {
  test('are bounded: past maxPendingBytes the client gets ERROR', async () => {
    let release: (r: { ok: true; user: string }) => void = () => {};
    const e = await engine({
      limits: { maxPendingBytes: 5000 },
      authenticate: () => new Promise((r) => (release = r)),
    });
    const c = new FakeClient(e);
    c.connect({ login: 'x' });
    const body = 'y'.repeat(1000);
    for (let i = 0; i < 4; i++) c.frame('SEND', { destination: '/topic/t' }, body);
    expect(c.closed).toBe(false);
    for (let i = 0; i < 2; i++) c.frame('SEND', { destination: '/topic/t' }, body);
    expect(c.last()).toMatchObject({ command: 'ERROR', headers: { message: 'Too many frames in flight' } });
    expect(c.closed).toBe(true);
    release({ ok: true, user: 'x' });
    await flush();
    expect(c.take('CONNECTED')).toEqual([]);
    c.closed = false; // even if the host kept delivering bytes, the connection stays dead
    c.frame('SEND', { destination: '/topic/t' }, 'z');
    expect(c.frames.at(-1)?.command).toBe('ERROR');
    expect(e.stats().framesIn).toBe(6);
    await e.close();
  });
});

describe('connect timeout', () => {
  test('a connection that never sends CONNECT is closed; one that does is kept', async () => {
    const clock = new ManualClock();
    const e = await engine({ clock, connectTimeout: 5000, heartbeat: [0, 0] });
    const idle = new FakeClient(e);
    const ok = new FakeClient(e);
    ok.connect();
    idle.send('\n'); // heart-beat EOLs are not a CONNECT
    clock.advance(4999);
    expect(idle.closed).toBe(false);
    clock.advance(1);
    expect(idle.last()).toMatchObject({ command: 'ERROR', headers: { message: 'Connect timeout' } });
    expect(idle.closed).toBe(true);
    clock.advance(60_000);
    expect(ok.closed).toBe(false);
    await e.close();
  });
});

describe('a broken host channel', () => {
  test('a sink that throws on write ends only its own connection', async () => {
    const e = await engine();
    const broken = new FakeClient(e);
    const pub = new FakeClient(e);
    broken.connect();
    pub.connect();
    broken.frame('SUBSCRIBE', { id: '1', destination: '/queue/q', ack: 'client', 'prefetch-count': '5' });
    broken.closed = true; // the harness sink now throws on write, like a destroyed socket
    pub.frame('SEND', { destination: '/queue/q', receipt: 'r' }, 'x');
    await flush(); // durable queue: the receipt waits for the store
    expect(pub.last()).toMatchObject({ command: 'RECEIPT', headers: { 'receipt-id': 'r' } });
    expect(e.stats().connections.memory).toBe(1);
    // The message that could not be written is back in the queue for the next consumer.
    const next = new FakeClient(e);
    next.connect();
    next.frame('SUBSCRIBE', { id: '1', destination: '/queue/q' });
    expect(next.take('MESSAGE').map((m) => [dec.decode(m.body), m.headers['redelivered']])).toEqual([['x', 'true']]);
    await e.close();
  });
});
