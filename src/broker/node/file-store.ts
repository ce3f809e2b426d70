/**
 * The file-backed {@link MessageStore}: one append-only log per queue in a
 * data directory (`<dataDir>/queues/*.log`, format in `log-records.ts`).
 *
 * Writes are grouped: every change made while a batch is being written joins
 * the next batch, and each batch costs one `write` + one `fdatasync` per
 * touched file. A promise resolves only after the fsync covering its record,
 * so whatever the engine confirmed with a RECEIPT survives `kill -9`.
 * Logs are replayed at load; a torn last record is cut off; a log with more
 * dead bytes (acked, truncated) than live ones is compacted, at load and
 * while running. A deleted queue's log is removed from the directory.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { LoadOptions, MessageStore, QueueDeclaration, StoredMessage, StoredQueue } from '../engine/types.js';
import { createDirSync } from './dir-sync.js';
import { lockDataDir, type DataLock } from './data-lock.js';
import { createHandlePool } from './file-handles.js';
import { encodeAppend, encodeDeclare, encodeRemove, encodeTruncate } from './log-records.js';
import { StreamIndex } from './stream-log.js';
import { createStreamFiles, declarationOf } from './stream-files.js';
import { type QueueFile, createQueueFiles } from './queue-files.js';

export interface FileStoreOptions {
  /** Directory holding the logs; created if missing. */
  dataDir: string;
  /** Compact a log once its dead bytes exceed its live bytes and this many bytes. Default 1 MiB. */
  compactMinBytes?: number;
  log?: (message: string) => void;
  /** Called after each grouped write + fsync of one log (diagnostics, tests). */
  onSync?: (info: { queue: string; records: number }) => void;
  /** Most log files open at once, however many queues there are. Default 128. */
  maxOpenFiles?: number;
}

/** Logs written at once in one batch (each needs a descriptor while it is written). */
const WRITE_CONCURRENCY = 32;

interface Waiter {
  resolve: () => void;
  reject: (err: Error) => void;
}

/** One queue's log file and what is waiting to be written to it. */
interface QueueLog extends QueueFile {
  waiters: Waiter[];
  liveBytes: number;
  fileBytes: number;
  /** The batch (and compaction) being written, which a deletion waits for. */
  busy: Promise<void> | null;
  /** Streams: where each run of messages is in the file (streams keep no per-message sizes). */
  stream: StreamIndex | null;
}

/** A file name that is safe on every file system and unique per queue name. */
function fileNameFor(queue: string): string {
  const readable = queue.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 60);
  const hash = createHash('sha256').update(queue).digest('hex').slice(0, 16);
  return `${readable}-${hash}.log`;
}

/** Create a file-backed store. Call `load()` first (the engine's `start()` does). */
export function createFileStore(options: FileStoreOptions): MessageStore {
  const dir = join(options.dataDir, 'queues');
  const compactMinBytes = options.compactMinBytes ?? 1024 * 1024;
  const log = options.log ?? (() => {});
  const logs = new Map<string, QueueLog>();
  const handles = createHandlePool(Math.max(options.maxOpenFiles ?? 128, WRITE_CONCURRENCY));
  /** Logs being removed, by queue name: a declaration of the name waits, and so does `close()`. */
  const deletions = new Map<string, Promise<void>>();
  let flushing: Promise<void> | null = null;
  let scheduled = false;
  let closed = false;
  let lock: DataLock | null = null;

  const syncDir = createDirSync(dir);
  const fileDeps = { release: (path: string) => handles.release(path), syncDir, log };
  const streams = createStreamFiles(fileDeps);
  const queues = createQueueFiles(fileDeps);

  /** Registers a log; its file is opened only while written (file-handles.ts). */
  async function openLog(
    name: string,
    path: string,
    queue: Pick<StoredQueue, 'declaration' | 'nextOffset'>,
    sizes: Map<number, number>,
    overhead: number,
    stream: StreamIndex | null = null,
    positions = new StreamIndex(),
  ): Promise<QueueLog> {
    const { size } = await stat(path);
    let liveBytes = 0;
    for (const s of sizes.values()) liveBytes += s;
    const entry: QueueLog = {
      name,
      path,
      declarationJson: JSON.stringify(queue.declaration),
      pending: [],
      waiters: [],
      sizes,
      liveBytes,
      fileBytes: size,
      overhead,
      nextOffset: queue.nextOffset,
      busy: null,
      stream,
      positions,
      tailPos: size,
      generation: 0,
      replacing: null,
    };
    logs.set(name, entry);
    return entry;
  }

  function needsCompaction(q: QueueLog): boolean {
    if (q.stream) return streams.needsCompaction(q, q.stream, compactMinBytes);
    const dead = q.fileBytes - q.liveBytes - q.overhead;
    return dead > compactMinBytes && dead > q.liveBytes;
  }

  /** Online compaction, run between batches so no write races it. */
  function compactOnline(q: QueueLog): Promise<void> {
    return q.stream ? streams.compact(q, q.stream) : queues.compact(q);
  }

  function enqueue(q: QueueLog, record: Buffer): Promise<void> {
    if (closed) return Promise.reject(new Error('store is closed'));
    q.tailPos += record.length;
    return new Promise<void>((resolve, reject) => {
      q.pending.push(record);
      q.waiters.push({ resolve, reject });
      schedule();
    });
  }

  function schedule(): void {
    if (scheduled || flushing) return;
    scheduled = true;
    // setImmediate lets every frame of the current I/O turn join this batch.
    setImmediate(() => {
      scheduled = false;
      flushing = flushLoop().finally(() => {
        flushing = null;
        if ([...logs.values()].some((q) => q.pending.length > 0)) schedule();
      });
    });
  }

  async function flushLoop(): Promise<void> {
    for (;;) {
      const batch = [...logs.values()].filter((q) => q.pending.length > 0);
      if (batch.length === 0) return;
      // A bounded number of logs at a time, so descriptors stay bounded too.
      for (let i = 0; i < batch.length; i += WRITE_CONCURRENCY) {
        await Promise.all(
          batch.slice(i, i + WRITE_CONCURRENCY).map((q) => {
            const busy = flushOne(q);
            q.busy = busy;
            return busy.finally(() => {
              if (q.busy === busy) q.busy = null;
            });
          }),
        );
      }
    }
  }

  /** Remove a deleted queue's log once a batch writing to it is done. */
  async function removeLog(q: QueueLog): Promise<void> {
    if (q.busy) await q.busy;
    // Records that missed their batch are moot: the queue they were about is gone.
    const waiters = q.waiters;
    q.pending = [];
    q.waiters = [];
    for (const w of waiters) w.resolve();
    await handles.release(q.path);
    await rm(q.path, { force: true });
    await rm(`${q.path}.compact`, { force: true });
    await syncDir();
  }

  async function flushOne(q: QueueLog): Promise<void> {
    const records = q.pending;
    const waiters = q.waiters;
    q.pending = [];
    q.waiters = [];
    try {
      let bytes = 0;
      for (const r of records) bytes += r.length;
      await handles.use(q.path, async (fd) => {
        await fd.writev(records);
        await fd.datasync();
      });
      q.fileBytes += bytes;
      options.onSync?.({ queue: q.name, records: records.length });
      for (const w of waiters) w.resolve();
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      log(`file-store: write to ${q.name} failed: ${error.message}`);
      q.tailPos = q.fileBytes + q.pending.reduce((n, r) => n + r.length, 0);
      for (const w of waiters) w.reject(error);
      return;
    }
    if (needsCompaction(q)) {
      await compactOnline(q).catch((err: unknown) => log(`file-store: compaction of ${q.name} failed: ${String(err)}`));
    }
  }

  function requireLog(queue: string): QueueLog {
    const q = logs.get(queue);
    if (!q) throw new Error(`queue ${queue} was not declared in the store`);
    return q;
  }

  return {
    async load(loadOptions?: LoadOptions) {
      await mkdir(dir, { recursive: true });
      lock = lockDataDir(options.dataDir);
      const result: StoredQueue[] = [];
      for (const file of await readdir(dir)) {
        const path = join(dir, file);
        if (file.endsWith('.compact')) {
          // A compaction that crashed before its rename: the original is intact.
          await rm(path, { force: true });
          continue;
        }
        if (!file.endsWith('.log')) continue;
        if ((await declarationOf(path))?.type === 'stream') {
          const loaded = await streams.scan(path, file);
          if (!loaded) continue;
          const q = await openLog(loaded.declaration.name, path, loaded, new Map(), loaded.overhead, loaded.index);
          if (needsCompaction(q)) await streams.compact(q, loaded.index);
          result.push(await streams.loaded(q, loaded, loadOptions?.streamMemoryBytes));
          continue;
        }
        const loaded = await queues.scan(path, file);
        if (!loaded) continue;
        const { name } = loaded.declaration;
        const q = await openLog(name, path, loaded, loaded.sizes, loaded.overhead, null, loaded.positions);
        if (needsCompaction(q)) await queues.compact(q);
        result.push(await queues.loaded(q, loaded, loadOptions?.queueMemoryBytes));
      }
      return result;
    },

    async read(queue: string, from: number, maxBytes: number) {
      const q = requireLog(queue);
      if (q.stream) return streams.read(q, q.stream, from, maxBytes);
      return streams.read(q, q.positions, from, maxBytes, (offset) => q.sizes.has(offset));
    },

    async declare(declaration: QueueDeclaration) {
      // A queue deleted and declared again gets a new log, never the old one's records.
      await deletions.get(declaration.name)?.catch(() => {});
      const json = JSON.stringify(declaration);
      const existing = logs.get(declaration.name);
      if (existing) {
        if (existing.declarationJson === json) return;
        existing.declarationJson = json;
        existing.overhead = encodeDeclare(declaration).length;
        return enqueue(existing, encodeDeclare(declaration));
      }
      const path = join(dir, fileNameFor(declaration.name));
      const queue: StoredQueue = { declaration, messages: [], nextOffset: 0 };
      await handles.use(path, async () => undefined); // creates the file
      const q = await openLog(declaration.name, path, queue, new Map(), 0, declaration.type === 'stream' ? new StreamIndex() : null);
      q.overhead = encodeDeclare(declaration).length;
      // The new file's directory entry must be durable too.
      await syncDir();
      return enqueue(q, encodeDeclare(declaration));
    },

    append(queue: string, message: StoredMessage) {
      const q = requireLog(queue);
      const record = encodeAppend(message);
      if (q.stream) {
        q.stream.add(message.offset, message.timestamp, message.body.length, q.tailPos, record.length);
      } else {
        q.positions.add(message.offset, message.timestamp, message.body.length, q.tailPos, record.length);
        q.sizes.set(message.offset, record.length);
        q.liveBytes += record.length;
      }
      q.nextOffset = Math.max(q.nextOffset, message.offset + 1);
      return enqueue(q, record);
    },

    remove(queue: string, offsets: readonly number[]) {
      const q = requireLog(queue);
      if (offsets.length === 0) return Promise.resolve();
      for (const o of offsets) {
        const s = q.sizes.get(o);
        if (s !== undefined) {
          q.liveBytes -= s;
          q.sizes.delete(o);
        }
      }
      return enqueue(q, encodeRemove(offsets));
    },

    truncate(queue: string, beforeOffset: number) {
      const q = requireLog(queue);
      q.stream?.truncate(beforeOffset);
      for (const [o, s] of q.sizes) {
        // Offsets were appended in ascending order, so the map is sorted.
        if (o >= beforeOffset) break;
        q.liveBytes -= s;
        q.sizes.delete(o);
      }
      return enqueue(q, encodeTruncate(beforeOffset));
    },

    delete(queue: string) {
      if (closed) return Promise.reject(new Error('store is closed'));
      const q = logs.get(queue);
      if (!q) return deletions.get(queue) ?? Promise.resolve();
      // Out of the map at once: no batch picks the log up again, and writes to the name fail as undeclared.
      logs.delete(queue);
      const done = removeLog(q);
      deletions.set(queue, done);
      const forget = () => {
        if (deletions.get(queue) === done) deletions.delete(queue);
      };
      done.then(forget, (err: unknown) => {
        log(`file-store: deleting ${queue} failed: ${String(err)}`);
        forget();
      });
      return done;
    },

    async close() {
      if (closed) return;
      while (scheduled || flushing || deletions.size > 0) {
        if (flushing) await flushing;
        else if (deletions.size > 0) await Promise.allSettled([...deletions.values()]);
        else await new Promise((r) => setImmediate(r));
      }
      closed = true;
      await handles.closeAll();
      logs.clear();
      lock?.release();
      lock = null;
    },
  };
}
