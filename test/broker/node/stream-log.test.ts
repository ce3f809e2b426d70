import { appendFile, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileStore } from '../../../src/broker/node/file-store.js';
import { StreamIndex } from '../../../src/broker/node/stream-log.js';
import type { QueueDeclaration, StoredMessage } from '../../../src/broker/engine/types.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stompkit-stream-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const S: QueueDeclaration = { name: 'room', type: 'stream', durable: true, autoDelete: false, args: {} };
const KiB = 1024;

function msg(offset: number, bytes = 1000): StoredMessage {
  const body = new Uint8Array(bytes).fill(97 + (offset % 26));
  return { offset, timestamp: 1_700_000_000_000 + offset * 1000, headers: { 'x-n': String(offset) }, body };
}

async function filled(count: number, bytes = 1000, options: { compactMinBytes?: number } = {}) {
  const store = createFileStore({ dataDir: dir, ...options });
  await store.load();
  await store.declare(S);
  for (let i = 0; i < count; i += 100) {
    await Promise.all(Array.from({ length: Math.min(100, count - i) }, (_, k) => store.append('room', msg(i + k, bytes))));
  }
  return store;
}

const offsets = (ms: StoredMessage[]) => ms.map((m) => m.offset);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('stream logs in the file store', () => {
  it('reads pages of durable history from any offset, headers and bodies intact', async () => {
    const store = await filled(1000);
    const page = await store.read!('room', 500, 10_000);
    expect(offsets(page)).toEqual(range(500, 510));
    expect(page[3]!.headers).toEqual({ 'x-n': '503' });
    expect(page[3]!.body).toEqual(msg(503).body);
    expect(offsets(await store.read!('room', 0, 2000))).toEqual([0, 1]);
    expect(offsets(await store.read!('room', 998, 1 << 20))).toEqual([998, 999]);
    expect(await store.read!('room', 1000, 1 << 20)).toEqual([]);
    await store.close();
  });

  it('never returns what retention cut', async () => {
    const store = await filled(300);
    await store.truncate('room', 250);
    expect(offsets(await store.read!('room', 0, 5000))).toEqual(range(250, 255));
    await store.close();
  });

  it('loads only the newest bytes of a long stream and summarises the rest; the summaries cover every offset once', async () => {
    const store = await filled(2000); // ~2 MiB of bodies
    await store.truncate('room', 100);
    await store.close();
    const again = createFileStore({ dataDir: dir });
    const [q] = await again.load({ streamMemoryBytes: 128 * KiB });
    const loaded = offsets(q!.messages);
    expect(loaded.length).toBeGreaterThan(0);
    expect(loaded.length * 1000).toBeLessThanOrEqual(128 * KiB + 64 * KiB);
    expect(loaded[loaded.length - 1]).toBe(1999);
    const history = q!.history!;
    expect(history[0]!.first).toBe(100);
    for (let i = 1; i < history.length; i++) expect(history[i]!.first).toBe(history[i - 1]!.next);
    expect(history[history.length - 1]!.next).toBe(loaded[0]);
    expect(history.reduce((n, c) => n + c.bytes, 0)).toBe((loaded[0]! - 100) * 1000);
    expect(q!.nextOffset).toBe(2000);
    // The history is read back from disk on demand.
    expect(offsets(await again.read!('room', 100, 3000))).toEqual([100, 101, 102]);
    await again.close();
  });

  it('compacts a long stream by copying its live tail; reads racing the compaction see the right messages', async () => {
    const store = await filled(600, 1000, { compactMinBytes: 64 * KiB });
    const file = join(dir, 'queues', (await readdir(join(dir, 'queues'))).find((f) => f.endsWith('.log'))!);
    const before = (await stat(file)).size;
    await store.truncate('room', 500);
    // Reads in flight while the next batch triggers the compaction.
    const reads = Array.from({ length: 20 }, (_, i) => store.read!('room', 500 + i, 3000));
    await store.append('room', msg(600));
    const pages = await Promise.all(reads);
    pages.forEach((p, i) => expect(offsets(p)).toEqual([500 + i, 501 + i, 502 + i]));
    expect((await stat(file)).size).toBeLessThan(before / 4);
    expect(offsets(await store.read!('room', 0, 1 << 20))).toEqual(range(500, 601));
    // Appends after the compaction land where the index says.
    await Promise.all(range(601, 700).map((i) => store.append('room', msg(i))));
    expect(offsets(await store.read!('room', 650, 5000))).toEqual(range(650, 655));
    await store.close();
    const again = createFileStore({ dataDir: dir });
    const [q] = await again.load();
    expect(offsets(q!.messages)).toEqual(range(500, 700));
    await again.close();
  });

  it('a torn tail is cut at load; the stream carries on from the last whole message', async () => {
    const store = await filled(50);
    await store.close();
    const file = join(dir, 'queues', (await readdir(join(dir, 'queues'))).find((f) => f.endsWith('.log'))!);
    await appendFile(file, Buffer.from([200, 0, 0, 0, 1, 2, 3, 4, 5]));
    const again = createFileStore({ dataDir: dir });
    const [q] = await again.load({ streamMemoryBytes: 4 * KiB });
    expect(q!.nextOffset).toBe(50);
    await again.append('room', msg(50));
    expect(offsets(await again.read!('room', 48, 1 << 20))).toEqual([48, 49, 50]);
    await again.close();
  });
});

describe('StreamIndex', () => {
  it('finds the run holding an offset, and skips runs retention cut', () => {
    const index = new StreamIndex();
    let pos = 0;
    for (let o = 0; o < 1000; o++) {
      index.add(o, o, 100, pos, 200);
      pos += 200;
    }
    // Runs of 64 KiB of file: 328 records each (a run closes once it reaches 64 KiB).
    expect(index.positionOf(0)).toBe(0);
    expect(index.positionOf(400)).toBe(328 * 200);
    expect(index.positionOf(1000)).toBeUndefined();
    index.truncate(700);
    expect(index.positionOf(0)).toBe(656 * 200);
    expect(index.liveStart(pos)).toBeGreaterThan(656 * 200);
  });
});
