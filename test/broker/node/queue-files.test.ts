import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileStore } from '../../../src/broker/node/file-store.js';
import type { QueueDeclaration, StoredMessage } from '../../../src/broker/engine/types.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stompkit-queue-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const Q: QueueDeclaration = { name: 'jobs', type: 'classic', durable: true, autoDelete: false, args: {} };

function msg(offset: number, bytes = 1000): StoredMessage {
  const body = new Uint8Array(bytes).fill(97 + (offset % 26));
  return { offset, timestamp: 1_700_000_000_000 + offset, headers: { 'x-n': String(offset) }, body };
}

async function filled(count: number, options: { compactMinBytes?: number } = {}) {
  const store = createFileStore({ dataDir: dir, ...options });
  await store.load();
  await store.declare(Q);
  for (let i = 0; i < count; i += 100) {
    await Promise.all(Array.from({ length: Math.min(100, count - i) }, (_, k) => store.append('jobs', msg(i + k))));
  }
  return store;
}

const offsets = (ms: StoredMessage[]) => ms.map((m) => m.offset);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('classic queue logs in the file store', () => {
  it('reads pages of live messages from any offset, skipping removed ones', async () => {
    const store = await filled(1000);
    await store.remove('jobs', [501, 502, 700]);
    const page = await store.read!('jobs', 500, 5000);
    expect(offsets(page)).toEqual([500, 503, 504, 505, 506]);
    expect(page[1]!.headers).toEqual({ 'x-n': '503' });
    expect(page[1]!.body).toEqual(msg(503).body);
    expect(offsets(await store.read!('jobs', 698, 3000))).toEqual([698, 699, 701]);
    expect(await store.read!('jobs', 1000, 1 << 20)).toEqual([]);
    await store.close();
  });

  it('loads the oldest live messages up to the window and summarises the rest as a backlog', async () => {
    const store = await filled(2000);
    await store.remove('jobs', range(0, 10));
    await store.remove('jobs', [15, 1500]);
    await store.close();

    const again = createFileStore({ dataDir: dir });
    const [q] = await again.load({ queueMemoryBytes: 20_000 });
    expect(offsets(q!.messages)).toEqual([...range(10, 15), ...range(16, 31)]);
    expect(q!.backlog).toEqual({ from: 31, count: 2000 - 12 - 20, bytes: (2000 - 12 - 20) * 1000 });
    expect(q!.nextOffset).toBe(2000);
    // The backlog reads back from its first offset on, without the removed one.
    const page = await again.read!('jobs', q!.backlog!.from, 1 << 30);
    expect(offsets(page)).toEqual([...range(31, 1500), ...range(1501, 2000)]);
    await again.close();

    const whole = createFileStore({ dataDir: dir });
    const [all] = await whole.load();
    expect(all!.messages).toHaveLength(2000 - 12);
    expect(all!.backlog).toBeUndefined();
    await whole.close();
  });

  it('compacts online by copying live records; pages read during and after see the same messages', async () => {
    const store = await filled(3000, { compactMinBytes: 64 * 1024 });
    const before = (await stat(join(dir, 'queues', (await readdir(join(dir, 'queues')))[0]!))).size;
    // Most of the log dies; the next batch triggers the compaction, with appends still arriving.
    const removing = store.remove('jobs', range(0, 2500));
    const reading = store.read!('jobs', 2400, 20_000);
    const appended = Promise.all(range(3000, 3100).map((i) => store.append('jobs', msg(i))));
    await Promise.all([removing, appended]);
    expect(offsets(await reading)[0]).toBeGreaterThanOrEqual(2400);
    await Promise.all(range(3100, 3200).map((i) => store.append('jobs', msg(i))));
    const after = (await stat(join(dir, 'queues', (await readdir(join(dir, 'queues')))[0]!))).size;
    expect(after).toBeLessThan(before / 3);
    expect(offsets(await store.read!('jobs', 0, 1 << 30))).toEqual(range(2500, 3200));
    expect(offsets(await store.read!('jobs', 3050, 3000))).toEqual([3050, 3051, 3052]);
    await store.close();

    const again = createFileStore({ dataDir: dir });
    const [q] = await again.load({ queueMemoryBytes: 100_000 });
    expect(offsets(q!.messages)).toEqual(range(2500, 2600));
    expect(q!.backlog).toMatchObject({ from: 2600, count: 600 });
    expect(offsets(await again.read!('jobs', 3150, 1 << 30))).toEqual(range(3150, 3200));
    await again.close();
  });
});
