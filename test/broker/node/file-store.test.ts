import { mkdtemp, readdir, readFile, rm, stat, appendFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileStore } from '../../../src/broker/node/file-store.js';
import { encodeAppend, encodeDeclare, encodeNextOffset } from '../../../src/broker/node/log-records.js';
import { FakeClient, ManualClock, engine, flush } from '../engine/harness.js';
import type { QueueDeclaration, StoredMessage } from '../../../src/broker/engine/types.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stompkit-fs-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const stream = (name: string): QueueDeclaration => ({
  name,
  type: 'stream',
  durable: true,
  autoDelete: false,
  args: { 'x-max-age': '7D' },
});
const classic = (name: string): QueueDeclaration => ({ name, type: 'classic', durable: true, autoDelete: false, args: {} });

function msg(offset: number, body = `m${offset}`): StoredMessage {
  return {
    offset,
    timestamp: 1_700_000_000_000 + offset,
    headers: { 'content-type': 'text/plain', 'x-n': String(offset), 'user-id': 'ana' },
    body: new TextEncoder().encode(body),
  };
}

const text = (b: Uint8Array) => new TextDecoder().decode(b);

async function logFile(): Promise<string> {
  const files = (await readdir(join(dir, 'queues'))).filter((f) => f.endsWith('.log'));
  expect(files).toHaveLength(1);
  return join(dir, 'queues', files[0]!);
}

describe('file store', () => {
  it('groups concurrent appends into few fsyncs, each promise resolving after its sync', async () => {
    const syncs: number[] = [];
    const store = createFileStore({ dataDir: dir, onSync: ({ records }) => syncs.push(records) });
    expect(await store.load()).toEqual([]);
    await store.declare(stream('room.a'));
    syncs.length = 0;
    await Promise.all(Array.from({ length: 500 }, (_, i) => store.append('room.a', msg(i))));
    expect(syncs.reduce((a, b) => a + b, 0)).toBe(500);
    // Grouped: far fewer syncs than records.
    expect(syncs.length).toBeLessThan(10);
    await store.close();
  });

  it('reloads declarations, messages, removals, truncations and the next offset', async () => {
    const store = createFileStore({ dataDir: dir });
    await store.load();
    await store.declare(stream('s.1'));
    await store.declare(classic('q.1'));
    const binary = new Uint8Array([0, 1, 2, 0, 255]);
    await Promise.all([
      ...[0, 1, 2, 3, 4].map((i) => store.append('s.1', msg(i))),
      store.append('q.1', msg(0)),
      store.append('q.1', { ...msg(1), body: binary }),
      store.append('q.1', msg(2)),
    ]);
    await store.truncate('s.1', 2);
    await store.remove('q.1', [0, 2]);
    await store.close();

    const again = createFileStore({ dataDir: dir });
    const queues = await again.load();
    const byName = new Map(queues.map((q) => [q.declaration.name, q]));
    const s = byName.get('s.1')!;
    expect(s.declaration).toEqual(stream('s.1'));
    expect(s.messages.map((m) => m.offset)).toEqual([2, 3, 4]);
    expect(s.messages.map((m) => text(m.body))).toEqual(['m2', 'm3', 'm4']);
    expect(s.messages[0]!.headers).toEqual(msg(2).headers);
    expect(s.messages[0]!.timestamp).toBe(msg(2).timestamp);
    expect(s.nextOffset).toBe(5);
    const q = byName.get('q.1')!;
    expect(q.messages.map((m) => m.offset)).toEqual([1]);
    expect([...q.messages[0]!.body]).toEqual([...binary]);
    expect(q.nextOffset).toBe(3);
    await again.close();
  });

  it('keeps the next offset when every message was removed', async () => {
    const store = createFileStore({ dataDir: dir, compactMinBytes: 0 });
    await store.load();
    await store.declare(classic('q.empty'));
    await Promise.all([0, 1, 2].map((i) => store.append('q.empty', msg(i))));
    await store.remove('q.empty', [0, 1, 2]);
    await store.close();
    const again = createFileStore({ dataDir: dir, compactMinBytes: 0 });
    const [q] = await again.load();
    expect(q!.messages).toEqual([]);
    expect(q!.nextOffset).toBe(3);
    await again.close();
    // And once more after the compaction the load did.
    const third = createFileStore({ dataDir: dir, compactMinBytes: 0 });
    const [q3] = await third.load();
    expect(q3!.nextOffset).toBe(3);
    await third.close();
  });

  it('ignores a torn last record, cuts it off and keeps working', async () => {
    const store = createFileStore({ dataDir: dir });
    await store.load();
    await store.declare(stream('torn'));
    await Promise.all([0, 1, 2].map((i) => store.append('torn', msg(i))));
    await store.close();
    const file = await logFile();
    const goodSize = (await stat(file)).size;
    const record = encodeAppend(msg(3, 'this one was never confirmed'));
    await appendFile(file, record.subarray(0, record.length - 5));

    const again = createFileStore({ dataDir: dir });
    const [q] = await again.load();
    expect(q!.messages.map((m) => text(m.body))).toEqual(['m0', 'm1', 'm2']);
    expect((await stat(file)).size).toBe(goodSize);
    await again.append('torn', msg(3));
    await again.close();

    const third = createFileStore({ dataDir: dir });
    const [q3] = await third.load();
    expect(q3!.messages.map((m) => text(m.body))).toEqual(['m0', 'm1', 'm2', 'm3']);
    await third.close();
  });

  it('stops at a record whose checksum does not match', async () => {
    const store = createFileStore({ dataDir: dir });
    await store.load();
    await store.declare(stream('crc'));
    await Promise.all([0, 1].map((i) => store.append('crc', msg(i))));
    await store.close();
    const file = await logFile();
    const data = await readFile(file);
    // Flip a byte inside the last record's body.
    data[data.length - 2] ^= 0xff;
    await writeFile(file, data);
    const again = createFileStore({ dataDir: dir });
    const [q] = await again.load();
    expect(q!.messages.map((m) => m.offset)).toEqual([0]);
    await again.close();
  });

  it('compacts at load when most of the log is dead', async () => {
    const store = createFileStore({ dataDir: dir, compactMinBytes: 1024 });
    await store.load();
    await store.declare(classic('work'));
    const big = 'x'.repeat(200);
    await Promise.all(Array.from({ length: 100 }, (_, i) => store.append('work', msg(i, big))));
    await store.close();
    const file = await logFile();
    const before = (await stat(file)).size;
    // Remove 90 while "offline" from compaction's point of view: a fresh store
    // with a huge threshold will not compact online.
    const mid = createFileStore({ dataDir: dir, compactMinBytes: 1e12 });
    await mid.load();
    await mid.remove('work', Array.from({ length: 90 }, (_, i) => i));
    await mid.close();
    expect((await stat(file)).size).toBeGreaterThan(before);

    const again = createFileStore({ dataDir: dir, compactMinBytes: 1024 });
    const [q] = await again.load();
    expect(q!.messages.map((m) => m.offset)).toEqual([90, 91, 92, 93, 94, 95, 96, 97, 98, 99]);
    expect(q!.nextOffset).toBe(100);
    const after = (await stat(file)).size;
    expect(after).toBeLessThan(before / 5);
    await again.append('work', msg(100));
    await again.close();
    const third = createFileStore({ dataDir: dir });
    const [q3] = await third.load();
    expect(q3!.messages.map((m) => m.offset)).toEqual([90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100]);
    await third.close();
  });

  it('compacts online once dead bytes outweigh live ones', async () => {
    const store = createFileStore({ dataDir: dir, compactMinBytes: 4096 });
    await store.load();
    await store.declare(stream('online'));
    const big = 'y'.repeat(500);
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.append('online', msg(i, big))));
    const file = await logFile();
    const full = (await stat(file)).size;
    await store.truncate('online', 45);
    // Compaction runs right after the batch that made it worthwhile, before the next batch.
    await store.append('online', msg(50));
    expect((await stat(file)).size).toBeLessThan(full / 4);
    await store.close();
    const again = createFileStore({ dataDir: dir });
    const [q] = await again.load();
    expect(q!.messages.map((m) => m.offset)).toEqual([45, 46, 47, 48, 49, 50]);
    expect(q!.nextOffset).toBe(51);
    await again.close();
  });

  it('keeps queues with awkward names apart', async () => {
    const store = createFileStore({ dataDir: dir });
    await store.load();
    const names = ['a/b', 'a_b', '../escape', 'ünï.cødé', 'x'.repeat(300)];
    for (const n of names) await store.declare(classic(n));
    await Promise.all(names.map((n, i) => store.append(n, msg(i, n))));
    await store.close();
    const again = createFileStore({ dataDir: dir });
    const queues = await again.load();
    expect(queues.map((q) => q.declaration.name).sort()).toEqual([...names].sort());
    for (const q of queues) expect(text(q.messages[0]!.body)).toBe(q.declaration.name);
    await again.close();
  });

  it('rejects an append to an undeclared queue', async () => {
    const store = createFileStore({ dataDir: dir });
    await store.load();
    expect(() => store.append('nope', msg(0))).toThrow(/not declared/);
    await store.close();
  });

  it('refuses a data directory locked by another live process', async () => {
    await writeFile(join(dir, 'LOCK'), String(process.ppid));
    const store = createFileStore({ dataDir: dir });
    await expect(store.load()).rejects.toThrow(/in use by process/);
  });

  it('takes over the lock of a dead process (after kill -9)', async () => {
    await writeFile(join(dir, 'LOCK'), '999999999');
    const store = createFileStore({ dataDir: dir });
    await expect(store.load()).resolves.toEqual([]);
    await store.close();
  });
});

describe('file store: deleted queues', () => {
  const logs = async () => (await readdir(join(dir, 'queues'))).sort();
  const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

  it('a deleted queue is gone after a reopen: no declaration, no messages, no file', async () => {
    const store = createFileStore({ dataDir: dir });
    await store.load();
    await store.declare(classic('gone'));
    await store.declare(classic('kept'));
    await Promise.all([...range(0, 5).map((i) => store.append('gone', msg(i))), store.append('kept', msg(0))]);
    await store.delete!('gone');
    expect(() => store.append('gone', msg(5))).toThrow(/not declared/);
    await store.close();
    expect(await logs()).toHaveLength(1);

    const again = createFileStore({ dataDir: dir });
    const queues = await again.load();
    expect(queues.map((q) => q.declaration.name)).toEqual(['kept']);
    expect(queues[0]!.messages.map((m) => text(m.body))).toEqual(['m0']);
    await again.close();
  });

  it('writes still waiting for their batch are settled by the delete and leave nothing', async () => {
    const store = createFileStore({ dataDir: dir });
    await store.load();
    await store.declare(classic('q'));
    const writes = [...range(0, 3).map((i) => store.append('q', msg(i))), store.remove('q', [0])];
    await store.delete!('q');
    await Promise.all(writes);
    expect(await logs()).toEqual([]);
    await store.close();
    const again = createFileStore({ dataDir: dir });
    expect(await again.load()).toEqual([]);
    await again.close();
  });

  it('a delete during a batch waits for the batch and the compaction it starts', async () => {
    let deleted: Promise<void> | undefined;
    let armed = false;
    const store = createFileStore({
      dataDir: dir,
      compactMinBytes: 1,
      onSync: ({ queue }) => {
        // Called after the batch's fsync, before the online compaction it makes worthwhile.
        if (armed) deleted = store.delete!(queue);
        armed = false;
      },
    });
    await store.load();
    await store.declare(classic('q'));
    await Promise.all(range(0, 20).map((i) => store.append('q', msg(i, 'z'.repeat(100)))));
    armed = true;
    await store.remove('q', range(0, 20));
    expect(deleted).toBeDefined();
    await deleted;
    expect(await logs()).toEqual([]); // neither the log nor a compaction's temporary file
    await store.close();
    const again = createFileStore({ dataDir: dir });
    expect(await again.load()).toEqual([]);
    await again.close();
  });

  it('declared again right after the delete, the queue starts a new log; compaction keeps only the new records', async () => {
    const store = createFileStore({ dataDir: dir, compactMinBytes: 1 });
    await store.load();
    await store.declare(classic('q'));
    await Promise.all(range(0, 10).map((i) => store.append('q', msg(i, `old-${i}`))));
    const deleted = store.delete!('q');
    const renewed = { ...classic('q'), args: { 'x-max-length': '5' } };
    await store.declare(renewed); // waits for the deletion, not after it
    await deleted;
    await Promise.all(range(10, 13).map((i) => store.append('q', msg(i, `new-${i}`))));
    // Two dead records outweigh the live one: compacted online after this batch.
    await store.remove('q', [10, 11]);
    await store.close();

    const data = await readFile(await logFile());
    expect(data.includes('old-')).toBe(false);
    expect(data.includes('new-10')).toBe(false);
    const compacted = Buffer.concat([encodeDeclare(renewed), encodeNextOffset(13), encodeAppend(msg(12, 'new-12'))]);
    expect(data.equals(compacted)).toBe(true);

    const again = createFileStore({ dataDir: dir });
    const [q, ...rest] = await again.load();
    expect(rest).toEqual([]);
    expect(q!.declaration).toEqual(renewed);
    expect(q!.messages.map((m) => text(m.body))).toEqual(['new-12']);
    expect(q!.nextOffset).toBe(13);
    await again.close();
  });

  it('deleting an unknown queue resolves; a closed store refuses', async () => {
    const store = createFileStore({ dataDir: dir });
    await store.load();
    await store.delete!('never');
    await store.close();
    await expect(store.delete!('never')).rejects.toThrow(/closed/);
  });

  it('the engine deletes x-expires and auto-delete queues from the data directory', async () => {
    const AD = { durable: 'true', 'auto-delete': 'true' };
    const clock = new ManualClock();
    const e = await engine({ clock, store: createFileStore({ dataDir: dir }) });
    const pub = new FakeClient(e);
    pub.connect();
    const a = new FakeClient(e);
    a.connect();
    a.frame('SUBSCRIBE', { id: 's', destination: '/queue/ad', ...AD, ack: 'client-individual', 'prefetch-count': '1' });
    pub.frame('SEND', { destination: '/queue/exp', 'x-expires': '5000', receipt: 'r0' }, 'e0');
    pub.frame('SEND', { destination: '/queue/ad', ...AD, receipt: 'r1' }, 'a0');
    pub.frame('SEND', { destination: '/queue/ad', ...AD, receipt: 'r2' }, 'a1');
    pub.frame('SEND', { destination: '/queue/kept', receipt: 'r3' }, 'k0');
    // Durable SENDs are receipted once stored.
    while (pub.frames.filter((f) => f.command === 'RECEIPT').length < 4) await flush();
    expect(await logs()).toHaveLength(3);

    clock.advance(5000); // the sweep deletes /queue/exp
    a.frame('UNSUBSCRIBE', { id: 's' }); // /queue/ad goes with its last consumer, a0 unacked, a1 ready
    await e.close(); // the store's close waits for the deletions

    const again = createFileStore({ dataDir: dir });
    const queues = await again.load();
    expect(queues.map((q) => [q.declaration.name, q.messages.map((m) => text(m.body))])).toEqual([['kept', ['k0']]]);
    expect(await logs()).toHaveLength(1);
    await again.close();
  });
});
