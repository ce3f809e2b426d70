// Durable queues and streams in a data directory: they survive a clean
// restart, and — the kill test — a SIGKILL of the CLI process in the middle
// of publishing loses nothing that a RECEIPT had confirmed.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestBroker, uniqueName, type TestBroker } from '../../support/broker.js';
import { rawConnect, rawStomp, type RawFrame, type RawStomp } from '../../support/raw-stomp.js';
import { connectClient, mailbox, publishConfirmed, STREAM_HEADERS } from '../../support/stomp-client.js';
import { startCli } from '../../support/broker-cli.js';

const DURABLE = { durable: 'true', 'auto-delete': 'false' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Hands each frame to `onFrame` (which may throw) until the peer is closed or quiet for `quietMs`. */
async function eachFrame(peer: RawStomp, quietMs: number, onFrame: (f: RawFrame) => void): Promise<void> {
  for (;;) {
    let f: RawFrame;
    try {
      f = await peer.next(quietMs);
    } catch {
      return;
    }
    onFrame(f);
  }
}

/** Everything a subscription delivers until it has been quiet for `quietMs`. */
async function drain(peer: RawStomp, quietMs = 500): Promise<RawFrame[]> {
  const frames: RawFrame[] = [];
  for (;;) {
    try {
      const f = await peer.next(quietMs);
      if (f.command === 'ERROR') throw new Error(`ERROR ${f.headers.message}`);
      if (f.command === 'MESSAGE') frames.push(f);
    } catch (err) {
      if (/no frame within/.test((err as Error).message)) return frames;
      throw err;
    }
  }
}

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'stompkit-persist-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('persistence', () => {
  let broker: TestBroker | null = null;
  afterEach(async () => {
    await broker?.close();
    broker = null;
  });

  it('keeps streams and durable queues across a restart, and forgets acked messages', async () => {
    broker = await startTestBroker();
    const s = `/queue/${uniqueName('persist-stream')}`;
    const q = `/queue/${uniqueName('persist-queue')}`;
    const w = await connectClient(broker.wsUrl);
    for (let i = 0; i < 5; i++) await publishConfirmed(w, s, `s${i}`, STREAM_HEADERS);
    for (let i = 0; i < 4; i++) await publishConfirmed(w, q, `q${i}`, DURABLE);
    const consumer = await mailbox(w, q, { ...DURABLE, ack: 'client-individual', 'prefetch-count': '1' });
    const [first] = await consumer.waitFor(1);
    // ACK with a receipt so the removal is stored before the restart.
    await new Promise<void>((r) => {
      w.client.watchForReceipt('acked', () => r());
      first!.ack({ receipt: 'acked' });
    });
    await w.close();

    await broker.stop();
    await broker.start();

    const r = await connectClient(broker.wsUrl);
    const stream = await mailbox(r, s, { ...STREAM_HEADERS, ack: 'client', 'prefetch-count': '10', 'x-stream-offset': 'first' });
    expect((await stream.waitFor(5)).map((m) => m.body)).toEqual(['s0', 's1', 's2', 's3', 's4']);
    const offsets = stream.messages.map((m) => Number(m.headers['x-stream-offset']));
    const queue = await mailbox(r, q, DURABLE);
    expect((await queue.waitFor(3)).map((m) => m.body)).toEqual(['q1', 'q2', 'q3']);
    // New entries continue the offsets, never reuse them.
    await publishConfirmed(r, s, 's5', STREAM_HEADERS);
    const [, , , , , next] = await stream.waitFor(6);
    expect(Number(next!.headers['x-stream-offset'])).toBeGreaterThan(Math.max(...offsets));
    await sleep(100);
    expect(queue.messages).toHaveLength(3);
    await r.close();
  });

  it('the kill test: SIGKILL mid-publish loses no receipted message of a durable queue or a stream', async () => {
    const first = await startCli(['--data-dir', dataDir]);
    const q = `/queue/${uniqueName('kill-queue')}`;
    const s = `/queue/${uniqueName('kill-stream')}`;
    const { peer } = await rawConnect(first.port);
    const receipted = new Set<string>();
    let sent = 0;
    // Collect receipts as they come; publish continuously until killed.
    const collecting = eachFrame(peer, 30_000, (f) => {
      if (f.command === 'RECEIPT') receipted.add(f.headers['receipt-id']!);
      else throw new Error(`unexpected ${f.command} ${f.headers.message ?? ''}`);
    });
    let killed = false;
    const publishing = (async () => {
      while (!killed) {
        for (let i = 0; i < 20 && !killed; i++, sent++) {
          const id = `m${sent}`;
          if (sent % 2 === 0) peer.send('SEND', { destination: q, ...DURABLE, receipt: id, 'x-id': id }, `body of ${id}`);
          else peer.send('SEND', { destination: s, ...STREAM_HEADERS, receipt: id, 'x-id': id }, `body of ${id}`);
        }
        await sleep(1);
      }
    })();
    while (receipted.size < 400) await sleep(5);
    first.proc.kill('SIGKILL');
    killed = true;
    const exit = await first.exited;
    expect(exit.signal).toBe('SIGKILL');
    await publishing;
    await collecting;
    // The kill really happened mid-publish: some sends were never confirmed.
    expect(sent).toBeGreaterThan(receipted.size);

    const second = await startCli(['--data-dir', dataDir]);
    try {
      const { peer: reader } = await rawConnect(second.port);
      reader.send('SUBSCRIBE', { destination: s, id: 'st', ...STREAM_HEADERS, ack: 'client', 'prefetch-count': '100000', 'x-stream-offset': 'first' });
      reader.send('SUBSCRIBE', { destination: q, id: 'qu', ...DURABLE });
      const found = new Set((await drain(reader)).map((m) => m.headers['x-id']!));
      const lost = [...receipted].filter((id) => !found.has(id));
      expect(lost).toEqual([]);
      reader.end();
    } finally {
      second.proc.kill('SIGTERM');
      await second.exited;
    }
  });

  it('a live stream reader never sees an offset that a SIGKILL takes back (timed kills, resume from the last offset seen)', async () => {
    // A small memory window: restarts load part of the stream, and readers behind it are fed from disk.
    const window = ['--stream-memory', '0.0625'];
    const s = `/queue/${uniqueName('kill-follow')}`;
    /** offset → x-id as a reader saw it; a later reader must see the same. */
    const seen = new Map<number, string>();
    const receipted = new Set<string>();
    let sent = 0;
    let resumeAt = 0;
    const kills = Number(process.env.STOMPKIT_KILLS ?? 4);
    for (let kill = 0; kill < kills; kill++) {
      const cli = await startCli(['--data-dir', dataDir, ...window]);
      const { peer: publisher } = await rawConnect(cli.port);
      const { peer: reader } = await rawConnect(cli.port);
      reader.send('SUBSCRIBE', { destination: s, id: 'f', ...STREAM_HEADERS, ack: 'client', 'prefetch-count': '1000000', 'x-stream-offset': `offset=${resumeAt}` });
      const following = eachFrame(reader, 30_000, (f) => {
        if (f.command !== 'MESSAGE') return;
        const offset = Number(f.headers['x-stream-offset']);
        const id = f.headers['x-id']!;
        const before = seen.get(offset);
        if (before !== undefined && before !== id) throw new Error(`offset ${offset} was ${before}, now ${id}`);
        seen.set(offset, id);
      });
      const receipts = eachFrame(publisher, 30_000, (f) => {
        if (f.command === 'RECEIPT') receipted.add(f.headers['receipt-id']!);
      });
      let killed = false;
      const publishing = (async () => {
        while (!killed) {
          for (let i = 0; i < 50 && !killed; i++, sent++) {
            const id = `m${sent}`;
            publisher.send('SEND', { destination: s, ...STREAM_HEADERS, receipt: id, 'x-id': id }, `body of ${id}`);
          }
          await sleep(1);
        }
      })();
      // A timed kill: somewhere in the middle of the flow (once it flows), not at a quiet moment.
      const before = receipted.size;
      while (receipted.size === before) await sleep(5);
      await sleep(100 + Math.random() * 300);
      cli.proc.kill('SIGKILL');
      killed = true;
      await cli.exited;
      await Promise.all([publishing, receipts, following]);
      resumeAt = Math.max(-1, ...seen.keys()) + 1;
    }
    // After the last kill: the whole stream, once, as the followers saw it.
    const cli = await startCli(['--data-dir', dataDir, ...window]);
    try {
      const { peer } = await rawConnect(cli.port);
      peer.send('SUBSCRIBE', { destination: s, id: 'all', ...STREAM_HEADERS, ack: 'client', 'prefetch-count': '2000', 'x-stream-offset': 'first' });
      // Read at a pace the broker allows: a cumulative ACK every 1,000 messages.
      const all: (readonly [number, string])[] = [];
      await eachFrame(peer, 1000, (f) => {
        if (f.command !== 'MESSAGE') throw new Error(`${f.command} ${f.headers.message ?? ''}`);
        all.push([Number(f.headers['x-stream-offset']), f.headers['x-id']!]);
        if (all.length % 1000 === 0) peer.send('ACK', { id: f.headers.ack! });
      });
      const byOffset = new Map(all);
      const reused = [...seen].filter(([offset, id]) => byOffset.get(offset) !== id);
      expect(reused).toEqual([]);
      const ids = all.map(([, id]) => id);
      expect(new Set(ids).size).toBe(ids.length); // nothing twice
      expect([...receipted].filter((id) => !ids.includes(id))).toEqual([]); // nothing receipted lost
      expect(receipted.size).toBeGreaterThan(0);
      peer.end();
    } finally {
      cli.proc.kill('SIGTERM');
      await cli.exited;
    }
  }, 120_000);

  it('holds a bounded number of files: 3,000 durable queues under ulimit -n 256, then a restart', async () => {
    const count = Number(process.env.STOMPKIT_QUEUES ?? 3000);
    // Loading grows with the number of logs (STOMPKIT_QUEUES=100000 is the figure run).
    const startTimeout = Math.max(20_000, count);
    const began = performance.now();
    const first = await startCli(['--data-dir', dataDir], { fileLimit: 256, startTimeout });
    const prefix = uniqueName('many');
    try {
      const { peer } = await rawConnect(first.port);
      for (let i = 0; i < count; i++) peer.send('SEND', { destination: `/queue/${prefix}.${i}`, ...DURABLE, receipt: `r${i}` }, `m${i}`);
      for (let i = 0; i < count; i++) {
        const f = await peer.next(60_000);
        if (f.command !== 'RECEIPT') throw new Error(`${f.command} ${f.headers.message ?? ''} ${new TextDecoder().decode(f.body)}`);
      }
      console.log(`${count} durable queues receipted in ${((performance.now() - began) / 1000).toFixed(1)} s under ulimit -n 256`);
      // New connections and /health still work (no descriptor left for them before).
      await rawConnect(first.port);
      expect((await fetch(`http://127.0.0.1:${first.port}/health`)).status).toBe(200);
    } finally {
      first.proc.kill('SIGTERM');
      await first.exited;
    }
    const restarted = performance.now();
    const second = await startCli(['--data-dir', dataDir], { fileLimit: 256, startTimeout });
    console.log(`restart with ${count} queue logs: ${((performance.now() - restarted) / 1000).toFixed(1)} s`);
    try {
      const { peer } = await rawConnect(second.port);
      for (const i of [0, Math.floor(count / 2), count - 1]) {
        peer.send('SUBSCRIBE', { destination: `/queue/${prefix}.${i}`, id: `s${i}`, ...DURABLE });
        expect(new TextDecoder().decode((await peer.expect('MESSAGE', 10_000)).body)).toBe(`m${i}`);
      }
    } finally {
      second.proc.kill('SIGTERM');
      await second.exited;
    }
  }, Math.max(120_000, 4 * Number(process.env.STOMPKIT_QUEUES ?? 0)));

  it('closes cleanly on SIGTERM with storage flushed, and prints what it serves', async () => {
    const cli = await startCli(['--data-dir', dataDir]);
    expect(cli.output()).toMatch(/WebSocket\s+ws:\/\/127\.0\.0\.1:\d+\/ws/);
    expect(cli.output()).toMatch(/SockJS\s+http:\/\/127\.0\.0\.1:\d+\/sockjs/);
    const { peer } = await rawConnect(cli.port);
    const s = `/queue/${uniqueName('term')}`;
    // No receipts: whatever reached the broker before SIGTERM must be flushed by the shutdown.
    for (let i = 0; i < 50; i++) peer.send('SEND', { destination: s, ...STREAM_HEADERS }, `t${i}`);
    peer.send('SEND', { destination: s, ...STREAM_HEADERS, receipt: 'last' }, 't50');
    await peer.expect('RECEIPT');
    cli.proc.kill('SIGTERM');
    expect((await cli.exited).code).toBe(0);
    await peer.closed;

    const again = await startCli(['--data-dir', dataDir]);
    try {
      const { peer: reader } = await rawConnect(again.port);
      reader.send('SUBSCRIBE', { destination: s, id: '1', ...STREAM_HEADERS, ack: 'client', 'prefetch-count': '1000', 'x-stream-offset': 'first' });
      expect((await drain(reader)).map((m) => m.body.toString())).toEqual(Array.from({ length: 51 }, (_, i) => `t${i}`));
    } finally {
      again.proc.kill('SIGTERM');
      await again.exited;
    }
  });

  it('checks logins with --users and keeps nothing with --memory', async () => {
    const users = join(dataDir, 'users.json');
    await writeFile(users, JSON.stringify({ ana: 'pw' }));
    const cli = await startCli(['--memory', '--users', users]);
    try {
      expect(cli.output()).toMatch(/memory/);
      const bad = await rawStomp(cli.port);
      bad.send('CONNECT', { 'accept-version': '1.2', host: '/', login: 'ana', passcode: 'wrong' });
      expect((await bad.expect('ERROR')).headers.message).toBeTruthy();
      await bad.closed;
      const { connected } = await rawConnect(cli.port, { login: 'ana', passcode: 'pw' });
      expect(connected.headers['user-name']).toBe('ana');
    } finally {
      cli.proc.kill('SIGTERM');
      await cli.exited;
    }
  });

  it('refuses bad command lines with a clear message', async () => {
    await expect(startCli(['--port', 'many'])).rejects.toThrow(/--port/);
    await expect(startCli(['--users', join(dataDir, 'missing.json')])).rejects.toThrow(/--users/);
    await expect(startCli(['--frobnicate'])).rejects.toThrow(/frobnicate/);
  });
});
