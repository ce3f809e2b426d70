// @stomp/stompjs over a real WebSocket (`ws`) against the broker on port 0:
// destinations in RabbitMQ's dialect, acks, streams, transactions, identity,
// framing on the WebSocket, and the handshake's checks.
import WebSocket from 'ws';
import { createBroker, type Broker, type BrokerOptions } from '../../../src/broker/index.js';
import { connectClient, mailbox, publishConfirmed, STREAM_HEADERS, type TestClient } from '../../support/stomp-client.js';
import { uniqueName } from '../../support/broker.js';

let broker: Broker;
let url: string;
const clients: TestClient[] = [];
const extra: Broker[] = [];

beforeAll(async () => {
  broker = createBroker({ memory: true });
  const { port } = await broker.listen(0, '127.0.0.1');
  url = `ws://127.0.0.1:${port}/ws`;
});
afterAll(() => broker.close());
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(extra.splice(0).map((b) => b.close()));
});

async function client(options: Parameters<typeof connectClient>[1] = {}, at = url): Promise<TestClient> {
  const c = await connectClient(at, options);
  clients.push(c);
  return c;
}

async function another(options: BrokerOptions): Promise<string> {
  const b = createBroker({ memory: true, ...options });
  extra.push(b);
  const { port } = await b.listen(0, '127.0.0.1');
  return `ws://127.0.0.1:${port}/ws`;
}

const bodies = (ms: { body: string }[]) => ms.map((m) => m.body);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Open a bare `ws` socket and report how the handshake ended. */
function handshake(at: string, protocols: string[], headers: Record<string, string> = {}) {
  return new Promise<{ status: number; protocol?: string }>((resolve) => {
    const ws = new WebSocket(at, protocols, { headers });
    ws.on('open', () => {
      resolve({ status: 101, protocol: ws.protocol });
      ws.close();
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      res.resume();
    });
    ws.on('error', () => {});
  });
}

describe('STOMP over WebSocket', () => {
  it('negotiates the v10/v11/v12.stomp subprotocols, preferring 1.2', async () => {
    expect((await handshake(url, ['v10.stomp'])).protocol).toBe('v10.stomp');
    expect((await handshake(url, ['v11.stomp', 'v10.stomp'])).protocol).toBe('v11.stomp');
    expect((await handshake(url, ['v10.stomp', 'v11.stomp', 'v12.stomp'])).protocol).toBe('v12.stomp');
    const c = await client({ protocols: ['v10.stomp', 'v11.stomp', 'v12.stomp'] });
    expect(c.connected.headers.version).toBe('1.2');
  });

  it('fans topics out with RabbitMQ wildcards: * is one word, # zero or more', async () => {
    const c = await client();
    const key = uniqueName('wild');
    const star = await mailbox(c, `/topic/${key}.*.created`);
    const hash = await mailbox(c, `/topic/${key}.#`);
    const exact = await mailbox(c, `/topic/${key}.user.created`);
    for (const k of ['user.created', 'user.profile.created', 'order.deleted', '']) {
      await publishConfirmed(c, `/topic/${key}${k ? `.${k}` : ''}`, k || 'bare');
    }
    expect(bodies(await star.waitFor(1))).toEqual(['user.created']);
    expect(bodies(await hash.waitFor(4))).toEqual(['user.created', 'user.profile.created', 'order.deleted', 'bare']);
    expect(bodies(await exact.waitFor(1))).toEqual(['user.created']);
    await sleep(50);
    expect(star.messages).toHaveLength(1);
  });

  it('shares a queue between competing consumers round-robin', async () => {
    const q = `/queue/${uniqueName('rr')}`;
    const a = await client();
    const b = await client();
    const ma = await mailbox(a, q);
    const mb = await mailbox(b, q);
    for (let i = 0; i < 6; i++) await publishConfirmed(a, q, `m${i}`);
    await ma.waitFor(3);
    await mb.waitFor(3);
    expect(bodies(ma.messages).concat(bodies(mb.messages)).sort()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);
    expect(ma.messages).toHaveLength(3);
  });

  it('redelivers unacked messages of a closed session with redelivered:true, and NACKed ones', async () => {
    const q = `/queue/${uniqueName('acks')}`;
    const producer = await client();
    for (let i = 0; i < 3; i++) await publishConfirmed(producer, q, `m${i}`);
    const first = await connectClient(url);
    const got = await mailbox(first, q, { ack: 'client-individual' });
    await got.waitFor(3);
    got.messages[0]!.ack();
    got.messages[1]!.nack();
    // The NACKed message is requeued and, as the only consumer, comes back here.
    const [, , , back] = await got.waitFor(4);
    expect(back!.body).toBe('m1');
    expect(back!.headers.redelivered).toBe('true');
    // Closing with m1 and m2 unacked gives both to the next consumer.
    await first.close();
    const second = await client();
    const again = await mailbox(second, q, { ack: 'client-individual' });
    expect(bodies(await again.waitFor(2)).sort()).toEqual(['m1', 'm2']);
    expect(again.messages.map((m) => m.headers.redelivered)).toEqual(['true', 'true']);
    await sleep(50);
    expect(again.messages).toHaveLength(2); // m0 was acked for good
  });

  it('acks cumulatively in client mode and honours prefetch-count', async () => {
    const q = `/queue/${uniqueName('prefetch')}`;
    const producer = await client();
    for (let i = 0; i < 5; i++) await publishConfirmed(producer, q, `m${i}`);
    const consumer = await client();
    const box = await mailbox(consumer, q, { ack: 'client', 'prefetch-count': '2' });
    await box.waitFor(2);
    await sleep(100);
    expect(box.messages).toHaveLength(2);
    box.messages[1]!.ack(); // cumulative: acks m0 and m1
    expect(bodies(await box.waitFor(4))).toEqual(['m0', 'm1', 'm2', 'm3']);
    box.messages[3]!.ack();
    expect(bodies(await box.waitFor(5))).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    box.messages[4]!.ack();
    // Nothing is left to redeliver to a newcomer.
    const late = await client();
    const none = await mailbox(late, q);
    await sleep(100);
    expect(none.messages).toHaveLength(0);
  });

  it('reads streams from every x-stream-offset and stamps each MESSAGE with its offset', async () => {
    const s = `/queue/${uniqueName('stream')}`;
    const w = await client();
    for (let i = 0; i < 5; i++) await publishConfirmed(w, s, `e${i}`, STREAM_HEADERS);
    const read = async (offset: string, n: number) => {
      const c = await client();
      const box = await mailbox(c, s, { ...STREAM_HEADERS, ack: 'client', 'prefetch-count': '100', 'x-stream-offset': offset });
      await box.waitFor(n);
      return box;
    };
    const first = await read('first', 5);
    expect(bodies(first.messages)).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);
    const offsets = first.messages.map((m) => Number(m.headers['x-stream-offset']));
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    expect(bodies((await read(`offset=${offsets[3]}`, 2)).messages)).toEqual(['e3', 'e4']);
    expect(bodies((await read('last', 1)).messages)).toEqual(['e4']);
    expect(bodies((await read(`timestamp=${Math.floor(Date.now() / 1000) - 60}`, 5)).messages)).toHaveLength(5);
    const next = await read('next', 0);
    await publishConfirmed(w, s, 'e5', STREAM_HEADERS);
    expect(bodies(await next.waitFor(1))).toEqual(['e5']);
    // Every reader sees the new entry too: streams are not competing consumers.
    expect(bodies(await first.waitFor(6)).at(-1)).toBe('e5');
  });

  it('holds transactional SENDs until COMMIT and drops them on ABORT and on disconnect', async () => {
    const q = `/topic/${uniqueName('tx')}`;
    const reader = await client();
    const box = await mailbox(reader, q);
    const w = await client();
    const tx = w.client.begin();
    w.client.publish({ destination: q, body: 'in-tx', headers: { transaction: tx.id } });
    await sleep(100);
    expect(box.messages).toHaveLength(0);
    tx.commit();
    expect(bodies(await box.waitFor(1))).toEqual(['in-tx']);
    const aborted = w.client.begin();
    w.client.publish({ destination: q, body: 'aborted', headers: { transaction: aborted.id } });
    aborted.abort();
    const dropped = await connectClient(url);
    const t3 = dropped.client.begin();
    dropped.client.publish({ destination: q, body: 'dropped', headers: { transaction: t3.id } });
    await dropped.close();
    await publishConfirmed(w, q, 'after');
    expect(bodies(await box.waitFor(2))).toEqual(['in-tx', 'after']);
  });

  it('sends text frames as text WebSocket messages and binary bodies as binary messages, byte for byte', async () => {
    const q = `/queue/${uniqueName('bin')}`;
    const c = await client();
    const raw = new WebSocket(url, ['v12.stomp']);
    const kinds: boolean[] = [];
    const payloads: Buffer[] = [];
    raw.on('message', (data: Buffer, isBinary) => {
      kinds.push(isBinary);
      payloads.push(data);
    });
    await new Promise((r) => raw.once('open', r));
    raw.send('CONNECT\naccept-version:1.2\nhost:/\n\n\0');
    raw.send(`SUBSCRIBE\ndestination:${q}\nid:1\n\n\0`);
    const body = new Uint8Array([0, 159, 146, 150, 0, 1]); // NULs and invalid UTF-8
    await publishConfirmed(c, q, body);
    await publishConfirmed(c, q, 'plain text ünïcødé');
    while (payloads.length < 3) await sleep(10);
    raw.close();
    expect(kinds).toEqual([false, true, false]); // CONNECTED, binary MESSAGE, text MESSAGE
    const binaryFrame = payloads[1]!;
    const start = binaryFrame.indexOf('\n\n') + 2;
    expect([...binaryFrame.subarray(start, start + body.length)]).toEqual([...body]);
    expect(payloads[2]!.toString('utf8')).toContain('plain text ünïcødé');
  });

  it('delivers binary bodies to @stomp/stompjs intact', async () => {
    const q = `/queue/${uniqueName('bin2')}`;
    const c = await client();
    const box = await mailbox(c, q);
    const body = new Uint8Array(256).map((_, i) => i);
    await publishConfirmed(c, q, body);
    const [m] = await box.waitFor(1);
    expect([...m!.binaryBody]).toEqual([...body]);
  });

  it('refuses an oversize frame with ERROR and closes', async () => {
    const small = await another({ limits: { maxFrameSize: 2048 } });
    const c = await client({}, small);
    c.client.publish({ destination: '/queue/x', body: 'y'.repeat(10_000) });
    await c.closed;
    expect(c.errors[0]?.headers.message).toMatch(/large|size|limit/i);
  });

  it('cuts a WebSocket message far over the frame limit before buffering it (close 1009)', async () => {
    const small = await another({ limits: { maxFrameSize: 2048 } });
    const raw = new WebSocket(small, ['v12.stomp']);
    await new Promise((r) => raw.once('open', r));
    raw.send('CONNECT\naccept-version:1.2\nhost:/\n\n\0');
    raw.send(`SEND\ndestination:/queue/x\n\n${'y'.repeat(1024 * 1024)}\0`);
    const code = await new Promise<number>((r) => raw.once('close', (c) => r(c)));
    expect(code).toBe(1009);
  });

  it('cuts off a slow WebSocket consumer with ERROR instead of buffering without bound', async () => {
    const limited = await another({ limits: { maxPendingBytes: 256 * 1024 } });
    const t = `/topic/${uniqueName('flood')}`;
    const slow = new WebSocket(limited, ['v12.stomp']);
    const frames: string[] = [];
    slow.on('message', (d: Buffer) => frames.push(d.toString('latin1')));
    await new Promise((r) => slow.once('open', r));
    slow.send('CONNECT\naccept-version:1.2\nhost:/\n\n\0');
    slow.send(`SUBSCRIBE\ndestination:${t}\nid:1\nreceipt:r\n\n\0`);
    while (!frames.some((f) => f.startsWith('RECEIPT'))) await sleep(5);
    slow.pause(); // stop reading: the socket buffers fill, then the broker's
    const slowClosed = new Promise<number>((r) => slow.once('close', (code) => r(code)));
    let closed = false;
    void slowClosed.then(() => (closed = true));
    const fast = await client({}, limited);
    const chunk = 'z'.repeat(16 * 1024);
    for (let i = 0; i < 4096 && !closed; i++) {
      if (i % 64 === 63) await publishConfirmed(fast, t, chunk);
      else fast.client.publish({ destination: t, body: chunk });
      if (i % 256 === 255) await sleep(1);
    }
    slow.resume();
    await slowClosed;
    expect(frames.at(-1)).toMatch(/^ERROR\n/);
    expect(frames.at(-1)).toMatch(/message:Slow consumer/i);
    // The publisher carries on.
    await publishConfirmed(fast, `/topic/${uniqueName('after')}`, 'still here');
  });

  it('stamps user-id of the authenticated sender and refuses a forged one', async () => {
    const t = `/topic/${uniqueName('who')}`;
    const reader = await client({ login: 'bo' });
    const box = await mailbox(reader, t);
    const ana = await client({ login: 'ana' });
    await publishConfirmed(ana, t, 'hi');
    expect((await box.waitFor(1))[0]!.headers['user-id']).toBe('ana');
    ana.client.publish({ destination: t, body: 'forged', headers: { 'user-id': 'bo' } });
    await ana.closed;
    expect(ana.errors[0]?.headers.message).toBeTruthy();
  });

  it('refuses bad credentials when users are configured', async () => {
    const checked = await another({ users: { ana: 'pw' } });
    await expect(connectClient(checked, { login: 'ana', passcode: 'nope' })).rejects.toThrow(/ERROR/);
    const ok = await client({ login: 'ana', passcode: 'pw' }, checked);
    expect(ok.connected.headers['user-name']).toBe('ana');
  });

  describe('handshake checks', () => {
    it('answers 403 to a foreign Origin and accepts local ones and none', async () => {
      expect((await handshake(url, ['v12.stomp'], { Origin: 'https://evil.example' })).status).toBe(403);
      expect((await handshake(url, ['v12.stomp'], { Origin: 'null' })).status).toBe(403);
      expect((await handshake(url, ['v12.stomp'], { Origin: 'http://localhost:5173' })).status).toBe(101);
      expect((await handshake(url, ['v12.stomp'], { Origin: 'http://127.0.0.1:6006' })).status).toBe(101);
      expect((await handshake(url, ['v12.stomp'], { Origin: 'http://[::1]:3000' })).status).toBe(101);
      expect((await handshake(url, ['v12.stomp'])).status).toBe(101);
    });

    it('uses the configured allow list', async () => {
      const listed = await another({ allowOrigins: ['https://app.example.com'] });
      expect((await handshake(listed, ['v12.stomp'], { Origin: 'https://app.example.com' })).status).toBe(101);
      expect((await handshake(listed, ['v12.stomp'], { Origin: 'http://localhost:5173' })).status).toBe(403);
    });

    it('refuses /ws when the WebSocket endpoint is switched off', async () => {
      const off = await another({ endpoints: { websocket: false } });
      expect((await handshake(off, ['v12.stomp'])).status).toBe(404);
      await expect(connectClient(off)).rejects.toThrow();
    });
  });
});
