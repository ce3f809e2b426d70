// STOMP over plain TCP against the real broker on port 0: the bytes on the
// wire are written by hand, so framing, negotiation and every error path are
// exercised exactly as the STOMP 1.2 spec describes them.
import { createBroker, type Broker, type BrokerOptions } from '../../../src/broker/index.js';
import { rawConnect, rawStomp, type RawStomp } from '../../support/raw-stomp.js';

const brokers: Broker[] = [];
const peers: RawStomp[] = [];

async function broker(options: BrokerOptions = {}): Promise<number> {
  const b = createBroker({ memory: true, ...options });
  brokers.push(b);
  return (await b.listen(0, '127.0.0.1')).port;
}

async function connect(port: number, headers: Record<string, string> = {}) {
  const r = await rawConnect(port, headers);
  peers.push(r.peer);
  return r;
}

afterEach(async () => {
  for (const p of peers.splice(0)) p.socket.destroy();
  await Promise.all(brokers.splice(0).map((b) => b.close()));
});

/** An ERROR with a message header, then the connection closes (STOMP 1.2 "ERROR"). */
async function expectErrorThenClose(peer: RawStomp, receipt?: string) {
  const error = await peer.expect('ERROR');
  expect(error.headers.message).toBeTruthy();
  if (receipt) expect(error.headers['receipt-id']).toBe(receipt);
  await peer.closed;
  return error;
}

describe('STOMP over TCP', () => {
  it('speaks STOMP typed by hand, nc style (LF line ends, ^@ as NUL, one line per write)', async () => {
    const port = await broker();
    const peer = await rawStomp(port);
    peers.push(peer);
    const type = async (text: string) => {
      for (const line of text.split(/(?<=\n)/)) {
        peer.write(line);
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    await type('CONNECT\naccept-version:1.2\nhost:/\n\n\0');
    const connected = await peer.expect('CONNECTED');
    expect(connected.headers.version).toBe('1.2');
    await type('SUBSCRIBE\ndestination:/topic/hand\nid:0\nreceipt:r1\n\n\0');
    expect((await peer.expect('RECEIPT')).headers['receipt-id']).toBe('r1');
    // The body typed before ^@ ends with the newline of its last line.
    await type('SEND\ndestination:/topic/hand\n\nhello by hand\n\0\n');
    const message = await peer.expect('MESSAGE');
    expect(message.body.toString()).toBe('hello by hand\n');
    expect(message.headers.destination).toBe('/topic/hand');
    expect(message.headers.subscription).toBe('0');
    await type('DISCONNECT\nreceipt:bye\n\n\0');
    expect((await peer.expect('RECEIPT')).headers['receipt-id']).toBe('bye');
    await peer.closed;
  });

  it('refuses STOMP over TCP when the TCP endpoint is switched off, still serving HTTP', async () => {
    const port = await broker({ endpoints: { tcp: false } });
    const peer = await rawStomp(port);
    peers.push(peer);
    peer.send('CONNECT', { 'accept-version': '1.2', host: '/' });
    await peer.closed;
    expect(peer.buffered()).toEqual([]);
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
  });

  it('sends CONNECTED with version, heart-beat, session, server and user-name', async () => {
    const port = await broker();
    const { connected } = await connect(port, { login: 'ana' });
    expect(connected.headers).toMatchObject({ version: '1.2', 'user-name': 'ana' });
    expect(connected.headers['heart-beat']).toMatch(/^\d+,\d+$/);
    expect(connected.headers.session).toBeTruthy();
    expect(connected.headers.server).toMatch(/^stompkit/);
  });

  it('negotiates 1.0 when accept-version is absent and 1.1 when asked, and accepts STOMP for CONNECT', async () => {
    const port = await broker();
    const p10 = await rawStomp(port);
    peers.push(p10);
    p10.send('CONNECT', { login: 'guest', passcode: 'guest' });
    expect((await p10.expect('CONNECTED')).headers.version).toBe('1.0');
    const p11 = await rawStomp(port);
    peers.push(p11);
    p11.send('STOMP', { 'accept-version': '1.0,1.1', host: '/' });
    expect((await p11.expect('CONNECTED')).headers.version).toBe('1.1');
  });

  it('reads a frame split byte by byte, several frames in one chunk, EOLs between frames and CRLF line ends', async () => {
    const port = await broker();
    const { peer } = await connect(port);
    const frames =
      'SUBSCRIBE\r\ndestination:/topic/split\r\nid:s\r\n\r\n\0\n\n\r\n' +
      'SEND\ndestination:/topic/split\nreceipt:a\n\none\0' +
      'SEND\r\ndestination:/topic/split\r\n\r\ntwo\0\n';
    const bytes = Buffer.from(frames);
    // Whole subscribe + first send in one chunk, the rest one byte at a time.
    const cut = frames.indexOf('SEND\r\n');
    peer.write(bytes.subarray(0, cut));
    for (const b of bytes.subarray(cut)) {
      peer.write(Buffer.from([b]));
      await new Promise((r) => setImmediate(r));
    }
    const seen: string[] = [];
    while (seen.length < 2) {
      const f = await peer.next();
      if (f.command === 'MESSAGE') seen.push(f.body.toString());
      else expect(f.command).toBe('RECEIPT');
    }
    expect(seen).toEqual(['one', 'two']);
  });

  it('carries binary bodies with NULs intact using content-length', async () => {
    const port = await broker();
    const { peer } = await connect(port);
    peer.send('SUBSCRIBE', { destination: '/queue/bin', id: '1' });
    const body = Buffer.from([0, 1, 2, 0, 0, 255, 254, 0, 10, 13]);
    peer.send('SEND', { destination: '/queue/bin', 'content-length': String(body.length), 'content-type': 'application/octet-stream' }, body);
    const m = await peer.expect('MESSAGE');
    expect([...m.body]).toEqual([...body]);
    expect(m.headers['content-length']).toBe(String(body.length));
  });

  it('escapes header values per 1.2 and round-trips them', async () => {
    const port = await broker();
    const { peer } = await connect(port);
    peer.send('SUBSCRIBE', { destination: '/topic/esc', id: '1', receipt: 'r' });
    await peer.expect('RECEIPT');
    peer.send('SEND', { destination: '/topic/esc', 'x-tricky': 'a\\cb\\nc\\\\d\\re' }, 'x');
    const m = await peer.expect('MESSAGE');
    expect(m.headers['x-tricky']).toBe('a:b\nc\\d\re');
  });

  it('keeps the first of repeated headers', async () => {
    const port = await broker();
    const { peer } = await connect(port);
    peer.send('SUBSCRIBE', { destination: '/topic/rep', id: '1', receipt: 'r' });
    await peer.expect('RECEIPT');
    peer.write('SEND\ndestination:/topic/rep\nx-k:first\nx-k:second\n\nv\0');
    expect((await peer.expect('MESSAGE')).headers['x-k']).toBe('first');
  });

  describe('ERROR then close', () => {
    it('for a malformed frame (header line without a colon), with receipt-id', async () => {
      const port = await broker();
      const { peer } = await connect(port);
      peer.write('SEND\nreceipt:m1\ndestination:/topic/x\nno colon here\n\nbody\0');
      await expectErrorThenClose(peer, 'm1');
    });

    it('for an unknown command', async () => {
      const port = await broker();
      const { peer } = await connect(port);
      peer.send('FROB', { receipt: 'u1' });
      const e = await expectErrorThenClose(peer, 'u1');
      expect(e.headers.message).toMatch(/command/i);
    });

    it('for a missing required header (SEND without destination, SUBSCRIBE without id)', async () => {
      const port = await broker();
      const a = (await connect(port)).peer;
      a.send('SEND', { receipt: 'd1' }, 'x');
      expect((await expectErrorThenClose(a, 'd1')).headers.message).toMatch(/destination/i);
      const b = (await connect(port)).peer;
      b.send('SUBSCRIBE', { destination: '/topic/x', receipt: 'd2' });
      await expectErrorThenClose(b, 'd2');
    });

    it('for an unknown destination prefix', async () => {
      const port = await broker();
      const { peer } = await connect(port);
      peer.send('SEND', { destination: '/nowhere/x', receipt: 'p1' }, 'x');
      await expectErrorThenClose(peer, 'p1');
    });

    it('for an unknown transaction', async () => {
      const port = await broker();
      const { peer } = await connect(port);
      peer.send('COMMIT', { transaction: 'never-begun', receipt: 't1' });
      expect((await expectErrorThenClose(peer, 't1')).headers.message).toMatch(/transaction/i);
    });

    it('for refused credentials when users are configured', async () => {
      const port = await broker({ users: { ana: 's3cret' } });
      const bad = await rawStomp(port);
      peers.push(bad);
      bad.send('CONNECT', { 'accept-version': '1.2', host: '/', login: 'ana', passcode: 'wrong' });
      await expectErrorThenClose(bad);
      const unknown = await rawStomp(port);
      peers.push(unknown);
      unknown.send('CONNECT', { 'accept-version': '1.2', host: '/', login: 'mallory', passcode: 's3cret' });
      await expectErrorThenClose(unknown);
      const good = await connect(port, { login: 'ana', passcode: 's3cret' });
      expect(good.connected.headers['user-name']).toBe('ana');
    });

    it('for an authorization refusal', async () => {
      const port = await broker({ authorize: (user, action, destination) => !(destination.startsWith('/topic/secret') && user !== 'boss') });
      const { peer } = await connect(port, { login: 'ana' });
      peer.send('SEND', { destination: '/topic/open', receipt: 'ok' }, 'x');
      await peer.expect('RECEIPT');
      peer.send('SUBSCRIBE', { destination: '/topic/secret.plans', id: '1', receipt: 'a1' });
      await expectErrorThenClose(peer, 'a1');
      const boss = (await connect(port, { login: 'boss' })).peer;
      boss.send('SUBSCRIBE', { destination: '/topic/secret.plans', id: '1', receipt: 'a2' });
      await boss.expect('RECEIPT');
    });

    it('for a user-id that is not the authenticated user, and stamps the right one', async () => {
      const port = await broker();
      const { peer: reader } = await connect(port, { login: 'bo' });
      reader.send('SUBSCRIBE', { destination: '/topic/who', id: '1', receipt: 'r' });
      await reader.expect('RECEIPT');
      const { peer } = await connect(port, { login: 'ana' });
      peer.send('SEND', { destination: '/topic/who', 'user-id': 'ana' }, 'honest');
      expect((await reader.expect('MESSAGE')).headers['user-id']).toBe('ana');
      peer.send('SEND', { destination: '/topic/who' }, 'unsigned');
      expect((await reader.expect('MESSAGE')).headers['user-id']).toBe('ana');
      peer.send('SEND', { destination: '/topic/who', 'user-id': 'bo', receipt: 'forged' }, 'forged');
      await expectErrorThenClose(peer, 'forged');
      // The forged message never reached anyone.
      await new Promise((r) => setTimeout(r, 100));
      expect(reader.buffered()).toEqual([]);
    });

    it('for a frame over the size limit, before the frame has even ended', async () => {
      const port = await broker({ limits: { maxFrameSize: 1024 } });
      const { peer } = await connect(port);
      // Headers and 4 KiB of body, no NUL: the broker must not wait for the end.
      peer.write(`SEND\ndestination:/queue/big\n\n${'x'.repeat(4096)}`);
      const e = await expectErrorThenClose(peer);
      expect(e.headers.message).toMatch(/large|size|limit/i);
    });

    it('for a content-length over the size limit', async () => {
      const port = await broker({ limits: { maxFrameSize: 1024 } });
      const { peer } = await connect(port);
      peer.write(`SEND\ndestination:/queue/big\ncontent-length:100000\n\n`);
      await expectErrorThenClose(peer);
    });
  });

  it('beats with single EOLs and disconnects a client that goes silent past its promise', async () => {
    const port = await broker({ heartbeat: [50, 50] });
    const peer = await rawStomp(port);
    peers.push(peer);
    let raw = '';
    peer.socket.on('data', (d: Buffer) => (raw += d.toString('latin1')));
    // We promise a beat every 100 ms and want one every 100 ms.
    peer.send('CONNECT', { 'accept-version': '1.2', host: '/', 'heart-beat': '100,100' });
    const connected = await peer.expect('CONNECTED');
    // The periods in effect: the broker's floors (50) lose to what we asked (100).
    expect(connected.headers['heart-beat']).toBe('100,100');
    // Keep our promise for a while: the connection stays.
    for (let i = 0; i < 6; i++) {
      await new Promise((r) => setTimeout(r, 60));
      peer.write('\n');
    }
    expect(peer.heartbeats()).toBeGreaterThan(0);
    // Everything after CONNECTED is heart-beats: bare LFs, no CRLF.
    const afterConnected = raw.slice(raw.indexOf('\0') + 1);
    expect(afterConnected).toMatch(/^\n+$/);
    // Then go silent: cut off with an ERROR.
    const e = await peer.expect('ERROR', 5_000);
    expect(e.headers.message).toMatch(/heart-?beat/i);
    await peer.closed;
  });

  it('slows password guessing per login and address; a correct login from elsewhere is not held', async () => {
    const port = await broker({ users: { alice: 'right', bob: 'right' } });
    const order: string[] = [];
    const attempt = async (login: string, passcode: string, from = '127.0.0.1') => {
      const peer = await rawStomp(port, '127.0.0.1', from);
      peers.push(peer);
      peer.send('CONNECT', { 'accept-version': '1.2', host: '/', login, passcode });
      return peer.next(30_000).then((f) => void order.push(`${login}/${passcode}: ${f.command}`));
    };
    // Guesses one after another: each failure doubles the wait before the next check (100, 200, 400 ms…).
    for (let i = 0; i < 3; i++) await attempt('alice', `guess${i}`);
    const guess = attempt('alice', 'guess3'); // held for 400 ms
    await new Promise((r) => setTimeout(r, 20));
    await attempt('bob', 'right', '127.0.0.2'); // another user, another address: answered at once
    await guess;
    expect(order).toEqual([
      'alice/guess0: ERROR',
      'alice/guess1: ERROR',
      'alice/guess2: ERROR',
      'bob/right: CONNECTED',
      'alice/guess3: ERROR',
    ]);
  });

  it('a hostile wildcard SUBSCRIBE does not stall publishing or /health', async () => {
    const port = await broker();
    const { peer: mallory } = await connect(port);
    // 400 `#` words (807 bytes): a naive matcher does k^4 work per SEND.
    const hostile = `/topic/${Array.from({ length: 400 }, () => '#').join('.')}.x`;
    mallory.send('SUBSCRIBE', { destination: hostile, id: 'evil', receipt: 'sub' });
    await mallory.expect('RECEIPT');
    const { peer: alice } = await connect(port);
    alice.send('SUBSCRIBE', { destination: '/topic/room.*.x', id: 'room', receipt: 'sub' });
    await alice.expect('RECEIPT');
    const { peer: bob } = await connect(port);
    for (let i = 0; i < 20; i++) bob.send('SEND', { destination: `/topic/room.${i}.x`, receipt: `r${i}` }, `m${i}`);
    for (let i = 0; i < 20; i++) expect((await bob.expect('RECEIPT')).headers['receipt-id']).toBe(`r${i}`);
    for (let i = 0; i < 20; i++) expect((await alice.expect('MESSAGE')).headers.destination).toBe(`/topic/room.${i}.x`);
    for (let i = 0; i < 20; i++) await mallory.expect('MESSAGE'); // the pattern does match: delivered, not dropped
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
  });

  it('slows a publisher to its slowest reading consumer instead of cutting that consumer; cuts one that stopped reading', async () => {
    const port = await broker({ limits: { maxPendingBytes: 1024 * 1024, consumerStallMs: 1000 } });
    const { peer: slow } = await connect(port);
    slow.send('SUBSCRIBE', { destination: '/topic/flood', id: '1', receipt: 'r' });
    await slow.expect('RECEIPT');
    const { peer: stuck } = await connect(port);
    stuck.send('SUBSCRIBE', { destination: '/topic/flood', id: '1', receipt: 'r' });
    await stuck.expect('RECEIPT');
    stuck.socket.pause(); // never reads again
    // The slow one reads, a little at a time.
    const reading = setInterval(() => {
      slow.socket.resume();
      setTimeout(() => slow.socket.pause(), 3);
    }, 20);
    const { peer: publisher } = await connect(port);
    const count = 4000;
    const body = 'x'.repeat(1024); // 4 MiB in all: four times what a consumer may hold
    for (let i = 0; i < count; i++) publisher.send('SEND', { destination: '/topic/flood', ...(i === count - 1 && { receipt: 'last' }) }, body);
    try {
      let got = 0;
      while (got < count) {
        const f = await slow.next(30_000);
        if (f.command !== 'MESSAGE') throw new Error(`slow consumer got ${f.command} ${f.headers.message ?? ''}`);
        got++;
      }
      expect((await publisher.expect('RECEIPT', 30_000)).headers['receipt-id']).toBe('last');
      // Cut: it stopped reading while the publisher waited on it.
      stuck.socket.resume();
      await stuck.closed;
      expect(stuck.buffered().at(-1)?.headers.message).toBe('Slow consumer');
    } finally {
      clearInterval(reading);
      slow.socket.resume();
    }
  });

  it('holds publishers back while memory is over the high-water mark, and reads them again once it falls', async () => {
    let used = 0;
    const port = await broker({ maxMemory: 100, memoryUsage: () => used, memoryCheckMs: 10 });
    const { peer: publisher } = await connect(port);
    const events: string[] = [];
    const receipts = (async () => {
      for (;;) {
        const f = await publisher.next(30_000).catch(() => null);
        if (!f) return;
        events.push(`receipt ${f.headers['receipt-id']}`);
        if (f.headers['receipt-id'] === 'after') return;
      }
    })();
    publisher.send('SEND', { destination: '/queue/mem', receipt: 'before' }, 'x');
    await vi.waitFor(() => expect(events).toEqual(['receipt before']));
    used = 200; // over the mark
    await new Promise((r) => setTimeout(r, 100));
    publisher.send('SEND', { destination: '/queue/mem', receipt: 'during' }, 'x'); // taken, then the publisher is held
    await vi.waitFor(() => expect(events).toContain('receipt during'));
    publisher.send('SEND', { destination: '/queue/mem', receipt: 'after' }, 'x'); // not read while held
    await new Promise((r) => setTimeout(r, 300));
    events.push('memory falls');
    used = 50;
    await receipts;
    expect(events).toEqual(['receipt before', 'receipt during', 'memory falls', 'receipt after']);
  });

  it('cuts off a slow consumer instead of buffering without bound', async () => {
    const port = await broker({ limits: { maxPendingBytes: 256 * 1024, consumerStallMs: 1000 } });
    const { peer: slow } = await connect(port);
    slow.send('SUBSCRIBE', { destination: '/topic/flood', id: '1', receipt: 'r' });
    await slow.expect('RECEIPT');
    slow.socket.pause(); // stops reading; the kernel buffers fill, then the broker's
    const { peer: fast } = await connect(port);
    fast.send('SUBSCRIBE', { destination: '/topic/other', id: '1', receipt: 'sub' });
    await fast.expect('RECEIPT');
    const chunk = 'z'.repeat(16 * 1024);
    let slowClosed = false;
    void slow.closed.then(() => (slowClosed = true));
    // Up to ~64 MiB: far past the loopback socket buffers and the limit.
    for (let i = 0; i < 4096 && !slowClosed; i++) {
      fast.send('SEND', { destination: '/topic/flood' }, chunk);
      if (i % 64 === 63) {
        fast.send('SEND', { destination: '/topic/flood', receipt: `f${i}` }, chunk);
        await fast.expect('RECEIPT', 10_000);
      }
    }
    slow.socket.resume();
    await slow.closed;
    expect(slowClosed).toBe(true);
    const last = slow.buffered().at(-1);
    expect(last?.command).toBe('ERROR');
    expect(last?.headers.message).toMatch(/slow/i);
    // The publisher is unaffected.
    fast.send('SEND', { destination: '/topic/other', receipt: 'still-here' }, 'x');
    await fast.expect('MESSAGE');
    await fast.expect('RECEIPT');
  });
});
