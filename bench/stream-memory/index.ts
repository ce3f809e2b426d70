/**
 * Resident memory of the broker with a long stream on disk: 1 GiB of
 * history (4,096 messages of 256 KiB, each confirmed by a RECEIPT) written
 * to one stream, the broker restarted, then the whole history read back
 * from `first` with credit. Measured from /proc for the broker's own
 * process, for
 *   (a) ours: the default `--stream-memory 4` (the newest 4 MiB in memory,
 *       older history read from disk a page at a time), and
 *   (b) the baseline: the same broker told to hold the whole stream in
 *       memory (`--stream-memory 4096`), which is how it behaved before
 *       history stayed on disk,
 * side by side from one run. Every message must come back once, in order.
 *
 *   npm run bench:stream-memory   [MIB=1024]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { child } from '../support/processes.js';
import { connectClient, STREAM_HEADERS, type TestClient } from '../../test/support/stomp-client.js';

const MIB = Number(process.env.MIB ?? 1024);
const BODY = 256 * 1024;
const COUNT = (MIB * 1024 * 1024) / BODY;
const DEST = '/queue/bench.history';

/** Resident and peak resident MiB of a process, from /proc. */
function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

async function broker(dataDir: string, streamMemory: number): Promise<{ proc: ChildProcess; url: string }> {
  const args = ['bin/stompkit-broker.js', '--port', '0', '--data-dir', dataDir, '--max-memory', '0', '--stream-memory', String(streamMemory)];
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

async function write(tc: TestClient): Promise<void> {
  const WINDOW = 32;
  let next = 0;
  const one = (): Promise<void> => {
    if (next >= COUNT) return Promise.resolve();
    const i = next++;
    const receipt = `w${i}`;
    const done = new Promise<void>((r) => tc.client.watchForReceipt(receipt, () => r()));
    tc.client.publish({ destination: DEST, binaryBody: body(i), headers: { ...STREAM_HEADERS, receipt, 'content-type': 'application/octet-stream' } });
    return done.then(one);
  };
  await Promise.all(Array.from({ length: WINDOW }, one));
}

/** Reads the whole stream from `first`; fails unless every message comes once, in order. */
function readAll(tc: TestClient, pid: number): Promise<number> {
  let expected = 0;
  let peak = 0;
  return new Promise((resolve, reject) => {
    const sub = tc.client.subscribe(
      DEST,
      (m) => {
        const i = new DataView(m.binaryBody.buffer, m.binaryBody.byteOffset).getUint32(0);
        if (i !== expected || m.binaryBody.length !== BODY) {
          reject(new Error(`expected message ${expected}, got ${i} (${m.binaryBody.length} bytes)`));
          return;
        }
        expected++;
        m.ack();
        if (expected % 256 === 0) peak = Math.max(peak, memory(pid).rss);
        if (expected === COUNT) {
          sub.unsubscribe();
          resolve(peak);
        }
      },
      { ...STREAM_HEADERS, ack: 'client', 'prefetch-count': '16', 'x-stream-offset': 'first' },
    );
  });
}

interface Figures {
  afterWrite: number;
  afterRestart: number;
  whileReading: number;
  peak: number;
}

async function run(streamMemory: number): Promise<Figures> {
  const dataDir = await mkdtemp(join(tmpdir(), 'stompkit-bench-history-'));
  try {
    let b = await broker(dataDir, streamMemory);
    let tc = await connectClient(b.url);
    await write(tc);
    await tc.close();
    const afterWrite = memory(b.proc.pid!).rss;
    await stop(b.proc);
    b = await broker(dataDir, streamMemory);
    const afterRestart = memory(b.proc.pid!).rss;
    tc = await connectClient(b.url);
    const whileReading = await readAll(tc, b.proc.pid!);
    await tc.close();
    const { peak } = memory(b.proc.pid!);
    await stop(b.proc);
    return { afterWrite, afterRestart, whileReading, peak };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

const ours = await run(4);
const baseline = await run(4096);
const row = (label: string, a: number, b: number) =>
  console.log(`${label.padEnd(34)} ${a.toFixed(0).padStart(8)} ${b.toFixed(0).padStart(16)} ${(a / b).toFixed(2).padStart(8)}×`);
console.log(`\nbroker resident memory (MiB) with ${MIB} MiB of stream history, ${COUNT} × ${BODY / 1024} KiB messages`);
console.log(`${''.padEnd(34)} ${'ours'.padStart(8)} ${'whole in memory'.padStart(16)} ${'ratio'.padStart(9)}`);
row('after writing it', ours.afterWrite, baseline.afterWrite);
row('after a restart (loaded)', ours.afterRestart, baseline.afterRestart);
row('while reading it all from first', ours.whileReading, baseline.whileReading);
row('peak of the restarted process', ours.peak, baseline.peak);
process.exit(0);
