/**
 * Resident memory of the broker with a long stream, then a long durable
 * queue backlog, on disk: 1 GiB (4,096 messages of 256 KiB, each confirmed
 * by a RECEIPT) written to one stream (or one classic queue), the broker
 * restarted, then all of it read back with credit (the stream from
 * `first`; the queue drained by a `client-individual` consumer acking each
 * message). Measured from /proc for the broker's own process, for
 *   (a) ours: the default `--stream-memory 4` / `--queue-memory 4` (4 MiB in
 *       memory, the rest read from disk a page at a time), and
 *   (b) the baseline: the same broker told to hold everything in memory
 *       (`--stream-memory 1048576` / `--queue-memory 1048576`), which is how
 *       it behaved before streams and queues paged from disk,
 * side by side from one run. Every message must come back once, in order.
 *
 *   npm run bench:stream-memory   [MIB=1024] [QUEUE_MIB=$MIB] [ONLY=stream|queue]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { child } from '../support/processes.js';
import { connectClient, STREAM_HEADERS, type TestClient } from '../../test/support/stomp-client.js';

const MIB = Number(process.env.MIB ?? 1024);
const QUEUE_MIB = Number(process.env.QUEUE_MIB ?? MIB);
const ONLY = process.env.ONLY;
const BODY = 256 * 1024;
const WHOLE = 1024 * 1024; // MiB: more than any run holds

type Kind = 'stream' | 'queue';
const KINDS = {
  stream: {
    flag: '--stream-memory',
    dest: '/queue/bench.history',
    headers: STREAM_HEADERS,
    subscribe: { ...STREAM_HEADERS, ack: 'client', 'prefetch-count': '16', 'x-stream-offset': 'first' },
  },
  queue: {
    flag: '--queue-memory',
    dest: '/queue/bench.backlog',
    headers: { durable: 'true', 'auto-delete': 'false' },
    subscribe: { durable: 'true', 'auto-delete': 'false', ack: 'client-individual', 'prefetch-count': '16' },
  },
} as const;

/** Resident and peak resident MiB of a process, from /proc. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

async function broker(dataDir: string, kind: Kind, memory: number): Promise<{ proc: ChildProcess; url: string }> {
  const args = ['bin/stompkit-broker.js', '--port', '0', '--data-dir', dataDir, '--max-memory', '0', KINDS[kind].flag, String(memory)];
  const { proc, port } = await child(args, undefined, { STOMPKIT_BROKER_SOURCE: '1' });
  return { proc, url: `ws://127.0.0.1:${port}/ws` };
}

async function stop(proc: ChildProcess): Promise<void> {
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await exited;
}

function body(i: number): Uint8Array {
  const b = new Uint8Array(BODY).fill(97 + (i % 26));
  new DataView(b.buffer).setUint32(0, i);
  return b;
}

async function write(tc: TestClient, kind: Kind, count: number): Promise<void> {
  const WINDOW = 32;
  let next = 0;
  const one = (): Promise<void> => {
    if (next >= count) return Promise.resolve();
    const i = next++;
    const receipt = `w${i}`;
    const done = new Promise<void>((r) => tc.client.watchForReceipt(receipt, () => r()));
    const { dest, headers } = KINDS[kind];
    tc.client.publish({ destination: dest, binaryBody: body(i), headers: { ...headers, receipt, 'content-type': 'application/octet-stream' } });
    return done.then(one);
  };
  await Promise.all(Array.from({ length: WINDOW }, one));
}

/** Reads everything back; fails unless every message comes once, in order. */
function readAll(tc: TestClient, pid: number, kind: Kind, count: number): Promise<number> {
  let expected = 0;
  let peak = 0;
  return new Promise((resolve, reject) => {
    const sub = tc.client.subscribe(
      KINDS[kind].dest,
      (m) => {
        const i = new DataView(m.binaryBody.buffer, m.binaryBody.byteOffset).getUint32(0);
        if (i !== expected || m.binaryBody.length !== BODY) {
          reject(new Error(`expected message ${expected}, got ${i} (${m.binaryBody.length} bytes)`));
          return;
        }
        expected++;
        m.ack();
        if (expected % 256 === 0) peak = Math.max(peak, memoryOf(pid).rss);
        if (expected === count) {
          sub.unsubscribe();
          resolve(peak);
        }
      },
      KINDS[kind].subscribe,
    );
  });
}

interface Figures {
  afterWrite: number;
  afterRestart: number;
  whileReading: number;
  peak: number;
}

async function run(kind: Kind, memory: number, count: number): Promise<Figures> {
  const dataDir = await mkdtemp(join(tmpdir(), 'stompkit-bench-history-'));
  try {
    let b = await broker(dataDir, kind, memory);
    let tc = await connectClient(b.url);
    await write(tc, kind, count);
    await tc.close();
    const afterWrite = memoryOf(b.proc.pid!).rss;
    await stop(b.proc);
    b = await broker(dataDir, kind, memory);
    const afterRestart = memoryOf(b.proc.pid!).rss;
    tc = await connectClient(b.url);
    const whileReading = await readAll(tc, b.proc.pid!, kind, count);
    await tc.close();
    const { peak } = memoryOf(b.proc.pid!);
    await stop(b.proc);
    return { afterWrite, afterRestart, whileReading, peak };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

const row = (label: string, a: number, b: number) =>
  console.log(`${label.padEnd(34)} ${a.toFixed(0).padStart(8)} ${b.toFixed(0).padStart(16)} ${(a / b).toFixed(2).padStart(8)}×`);

async function table(kind: Kind, mib: number): Promise<void> {
  const count = (mib * 1024 * 1024) / BODY;
  const ours = await run(kind, 4, count);
  const baseline = await run(kind, WHOLE, count);
  const what = kind === 'stream' ? 'stream history' : 'durable queue backlog';
  console.log(`\nbroker resident memory (MiB) with ${mib} MiB of ${what}, ${count} × ${BODY / 1024} KiB messages`);
  console.log(`${''.padEnd(34)} ${'ours'.padStart(8)} ${'whole in memory'.padStart(16)} ${'ratio'.padStart(9)}`);
  row('after writing it', ours.afterWrite, baseline.afterWrite);
  row('after a restart (loaded)', ours.afterRestart, baseline.afterRestart);
  row(kind === 'stream' ? 'while reading it all from first' : 'while draining it all', ours.whileReading, baseline.whileReading);
  row('peak of the restarted process', ours.peak, baseline.peak);
}

if (ONLY !== 'queue') await table('stream', MIB);
if (ONLY !== 'stream') await table('queue', QUEUE_MIB);
process.exit(0);
