// A durable classic queue with a backlog far larger than the broker keeps in
// memory, over real sockets on the CLI: only a window of it is in memory
// (/stats memoryBytes) while consumers get every message once, in order,
// acks holding across a clean restart and a kill -9 in the middle of draining.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uniqueName } from '../../support/broker.js';
import { rawConnect, type RawFrame, type RawStomp } from '../../support/raw-stomp.js';
import { startCli, type Cli } from '../../support/broker-cli.js';

const MiB = 1024 * 1024;
const WINDOW = 1 * MiB;
const SIZE = 8 * 1024;
const COUNT = (20 * MiB) / SIZE; // 2,560 messages, 20 MiB of bodies
const PREFETCH = 10;
/** What may be in memory at once: the window, plus what consumers hold unacked. */
const CEILING = WINDOW + PREFETCH * SIZE;
const DURABLE = { durable: 'true', 'auto-delete': 'false' };

const body = (i: number) => `${String(i).padStart(6, '0')}:${'x'.repeat(SIZE - 7)}`;
const indexOf = (f: RawFrame) => Number(f.body.subarray(0, 6).toString());

interface Row {
  depth: number;
  storedBytes: number;
  memoryBytes?: number;
}

async function row(cli: Cli, destination: string): Promise<Row> {
  const res = await fetch(`http://127.0.0.1:${cli.port}/stats`);
  const all = (await res.json()) as { destinations: (Row & { destination: string })[] };
  return all.destinations.find((d) => d.destination === destination)!;
}

/** Sends `from..to` with receipts, 100 in flight at a time. */
async function publish(peer: RawStomp, destination: string, from: number, to: number): Promise<void> {
  for (let i = from; i < to; i += 100) {
    const end = Math.min(to, i + 100);
    for (let k = i; k < end; k++) peer.send('SEND', { destination, ...DURABLE, receipt: `r${k}` }, body(k));
    for (let k = i; k < end; k++) expect((await peer.expect('RECEIPT', 20_000)).headers['receipt-id']).toBe(`r${k}`);
  }
}

let dataDir: string;
const clis: Cli[] = [];
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'stompkit-backlog-'));
});
afterEach(async () => {
  for (const cli of clis.splice(0)) {
    if (cli.proc.exitCode === null && cli.proc.signalCode === null) {
      cli.proc.kill('SIGTERM');
      await cli.exited;
    }
  }
  await rm(dataDir, { recursive: true, force: true });
});

async function broker(): Promise<Cli> {
  const cli = await startCli(['--data-dir', dataDir, '--queue-memory', String(WINDOW / MiB), '--max-memory', '0']);
  clis.push(cli);
  return cli;
}

/**
 * Consumes with `client-individual`, acking each message as it comes, until
 * `stop(received, receipts)` says so; checks memory every 64 messages.
 */
async function consume(
  cli: Cli,
  peer: RawStomp,
  destination: string,
  stop: (got: number[], receipts: ReadonlySet<string>) => boolean,
): Promise<{ got: number[]; peak: number }> {
  peer.send('SUBSCRIBE', { id: 'c', destination, ...DURABLE, ack: 'client-individual', 'prefetch-count': String(PREFETCH) });
  const got: number[] = [];
  const receipts = new Set<string>();
  let peak = 0;
  while (!stop(got, receipts)) {
    const f = await peer.next(20_000);
    if (f.command === 'RECEIPT') {
      receipts.add(f.headers['receipt-id']!);
      continue;
    }
    if (f.command !== 'MESSAGE') throw new Error(`unexpected ${f.command} ${f.headers.message ?? ''}`);
    got.push(f.body.toString().startsWith('fence') ? -1 : indexOf(f));
    peer.send('ACK', { id: f.headers['ack']! });
    if (got.length % 64 === 0) peak = Math.max(peak, (await row(cli, destination)).memoryBytes ?? Infinity);
  }
  return { got, peak };
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('classic queue backlog beyond the memory window', () => {
  it('holds only the window in memory and delivers 20 MiB once, in order, across a clean restart', async () => {
    let cli = await broker();
    const q = `/queue/${uniqueName('backlog')}`;
    const { peer: producer } = await rawConnect(cli.port);
    await publish(producer, q, 0, COUNT);
    expect(await row(cli, q)).toMatchObject({ depth: COUNT, storedBytes: COUNT * SIZE });
    expect((await row(cli, q)).memoryBytes).toBeLessThanOrEqual(WINDOW);

    const { peer: consumer } = await rawConnect(cli.port);
    const first = await consume(cli, consumer, q, (got) => got.length === 1000);
    expect(first.got).toEqual(range(0, 1000));
    expect(first.peak).toBeLessThanOrEqual(CEILING);
    // The last ACKs are on their way; DISCONNECT with a receipt waits for them to be processed
    // (prefetched messages still arriving are left unacked: they come back).
    consumer.send('DISCONNECT', { receipt: 'bye' });
    while ((await consumer.next(20_000)).command !== 'RECEIPT');
    producer.end();

    cli.proc.kill('SIGTERM');
    await cli.exited;
    cli = await broker();
    expect(await row(cli, q)).toMatchObject({ depth: COUNT - 1000, storedBytes: (COUNT - 1000) * SIZE });
    expect((await row(cli, q)).memoryBytes).toBeLessThanOrEqual(WINDOW);
    const { peer: again } = await rawConnect(cli.port);
    const rest = await consume(cli, again, q, (got) => got.length === COUNT - 1000);
    expect(rest.got).toEqual(range(1000, COUNT));
    expect(rest.peak).toBeLessThanOrEqual(CEILING);
    again.send('DISCONNECT', { receipt: 'bye' });
    await again.expect('RECEIPT');
    expect(await row(cli, q)).toMatchObject({ depth: 0, storedBytes: 0, memoryBytes: 0 });
  });

  it('after a kill -9 in the middle of draining, every unacked message comes back once, in order, and acks made durable stay', async () => {
    let cli = await broker();
    const q = `/queue/${uniqueName('backlog-kill')}`;
    const { peer: producer } = await rawConnect(cli.port);
    await publish(producer, q, 0, COUNT);

    producer.end();
    const { peer: consumer } = await rawConnect(cli.port);
    let acked = 0;
    // Mid-drain, a receipted SEND to the same queue on the consumer's own connection: frames are
    // handled in order and the queue's log writes in order, so every ACK before it is on disk once
    // its RECEIPT comes. Then the kill, with the consumer still receiving and acking.
    const FENCE = 600;
    await consume(cli, consumer, q, (got, receipts) => {
      acked = got.length;
      if (got.length === FENCE) consumer.send('SEND', { destination: q, ...DURABLE, receipt: 'fence' }, 'fence');
      if (got.length < 1400 || !receipts.has('fence')) return false;
      cli.proc.kill('SIGKILL');
      return true;
    });
    expect((await cli.exited).signal).toBe('SIGKILL');

    cli = await broker();
    const left = (await row(cli, q)).depth;
    expect((await row(cli, q)).memoryBytes).toBeLessThanOrEqual(WINDOW);
    const { peer: again } = await rawConnect(cli.port);
    const rest = await consume(cli, again, q, (got) => got.length === left);
    // A run to the end from where durable acks stopped: none acked before the fence, none unacked missing.
    const start = rest.got[0]!;
    expect(start).toBeGreaterThanOrEqual(FENCE);
    expect(start).toBeLessThanOrEqual(acked);
    expect(rest.got).toEqual([...range(start, COUNT), -1]);
    expect(rest.peak).toBeLessThanOrEqual(CEILING);
    again.end();
  });
});
