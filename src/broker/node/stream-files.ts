/**
 * The file store's work on stream logs, with bounded memory however long a
 * log grows: load (scan, cut a torn tail, load only the newest bytes),
 * history pages read against the file the index describes, and compaction
 * by copying the live tail.
 */
import { open } from 'node:fs/promises';
import type { QueueDeclaration, StoredMessage, StoredQueue } from '../engine/types.js';
import { DECLARE, decodeDeclare, encodeDeclare, encodeTruncate } from './log-records.js';
import { scanRecords } from './log-scan.js';
import { type StreamIndex, copyLiveTail, firstLivePosition, readMessages, scanStream } from './stream-log.js';

/** History pages read at once (each holds a descriptor while it reads). */
const READ_CONCURRENCY = 16;

/** The state of one stream's log that these operations read and update. */
export interface StreamFile {
  name: string;
  path: string;
  declarationJson: string;
  nextOffset: number;
  /** Durable bytes in the file. */
  fileBytes: number;
  /** End of the file once everything pending is written. */
  tailPos: number;
  /** Non-message bytes a compaction keeps. */
  overhead: number;
  /** Bumped when a compaction replaces the file: positions read before belong to the old one. */
  generation: number;
  /** Set while a compaction renames the file and moves the index: readers wait. */
  replacing: Promise<void> | null;
}

export interface StreamFileDeps {
  /** Close the append handle of `path` (before its file is replaced). */
  release(path: string): Promise<void>;
  syncDir(): Promise<void>;
  log(message: string): void;
}

/** The declaration a log starts with (its first record), or null. */
export async function declarationOf(path: string): Promise<QueueDeclaration | null> {
  const fd = await open(path, 'r');
  try {
    const { size } = await fd.stat();
    let declaration: QueueDeclaration | null = null;
    await scanRecords(
      fd,
      0,
      size,
      (p) => {
        if (p[0] === DECLARE) declaration = decodeDeclare(p);
        return false;
      },
      4096,
    );
    return declaration;
  } finally {
    await fd.close();
  }
}

/** A stream log scanned at load, a torn tail cut. */
export interface LoadedStream {
  declaration: QueueDeclaration;
  index: StreamIndex;
  nextOffset: number;
  /** Bytes of the declaration and bookkeeping records a compaction writes. */
  overhead: number;
}

/**
 * Replace a log's file under its readers: its append handle released,
 * readers held until `copy` (which writes and renames the new file), the
 * directory fsync and `apply` (which moves the in-memory state over) are done,
 * and positions read before marked stale (`generation`). Stream and queue
 * compaction both go through here.
 */
export async function replaceFile<T>(q: StreamFile, deps: StreamFileDeps, copy: () => Promise<T>, apply: (copied: T) => void): Promise<void> {
  await deps.release(q.path);
  let done = (): void => undefined;
  q.replacing = new Promise((resolve) => (done = resolve));
  try {
    const copied = await copy();
    await deps.syncDir();
    apply(copied);
    q.generation++;
  } finally {
    q.replacing = null;
    done();
  }
  deps.log(`file-store: compacted ${q.name}`);
}

export function createStreamFiles(deps: StreamFileDeps) {
  let reading = 0;
  const readWaiters: (() => void)[] = [];

  return {
    /** Scan a stream's log; null when it has no declaration. */
    async scan(path: string, file: string): Promise<LoadedStream | null> {
      const fd = await open(path, 'r+');
      try {
        const { size } = await fd.stat();
        const { declaration, index, nextOffset, validLength } = await scanStream(fd, size);
        if (!declaration) {
          deps.log(`file-store: ${file} has no declaration; ignored`);
          return null;
        }
        if (validLength < size) {
          deps.log(`file-store: ${declaration.name}: ignored a torn tail of ${size - validLength} bytes`);
          await fd.truncate(validLength);
          await fd.datasync();
        }
        const overhead = encodeDeclare(declaration).length + encodeTruncate(0).length;
        return { declaration, index, nextOffset, overhead };
      } finally {
        await fd.close();
      }
    },

    /** What `load` returns for a stream: the newest `memoryBytes` in full (all without it), older runs summarised. */
    async loaded(q: StreamFile, loaded: LoadedStream, memoryBytes: number | undefined): Promise<StoredQueue> {
      const { declaration, index, nextOffset } = loaded;
      const { history, loadFrom } =
        memoryBytes === undefined ? { history: [], loadFrom: index.livePosition(q.fileBytes) } : index.split(memoryBytes, q.fileBytes);
      const fd = await open(q.path, 'r');
      try {
        const messages = await readMessages(fd, loadFrom, q.fileBytes, index.truncatedBefore, Infinity);
        return { declaration, messages, nextOffset, history };
      } finally {
        await fd.close();
      }
    },

    /** Compaction worth its copy: the dead head outweighs the live tail (and the minimum). */
    needsCompaction(q: StreamFile, index: StreamIndex, minBytes: number): boolean {
      const live = index.liveStart(q.fileBytes);
      const dead = live - q.overhead;
      return dead > minBytes && dead > q.fileBytes - live;
    },

    /**
     * Keep only the live tail: a byte copy from the first live message on.
     * Runs between batches, like every compaction; readers wait for the file
     * and index to be swapped.
     */
    async compact(q: StreamFile, index: StreamIndex): Promise<void> {
      const start = index.livePosition(q.fileBytes);
      const fd = await open(q.path, 'r');
      let cut: number;
      try {
        cut = await firstLivePosition(fd, start, q.fileBytes, index.truncatedBefore);
      } finally {
        await fd.close();
      }
      const declaration = JSON.parse(q.declarationJson) as QueueDeclaration;
      await replaceFile(
        q,
        deps,
        () => copyLiveTail(q.path, declaration, q.nextOffset, index.truncatedBefore, cut, q.fileBytes),
        (header) => {
          index.shift(cut, header);
          q.fileBytes += header - cut;
          q.tailPos += header - cut;
          q.overhead = header;
        },
      );
    },

    /**
     * A page of durable messages from `from` on, read against the file the
     * index describes (with `live`, only the offsets it accepts: classic
     * queues use this too).
     */
    async read(
      q: StreamFile,
      index: StreamIndex,
      from: number,
      maxBytes: number,
      live?: (offset: number) => boolean,
    ): Promise<StoredMessage[]> {
      while (reading >= READ_CONCURRENCY) await new Promise<void>((resolve) => readWaiters.push(resolve));
      reading++;
      try {
        for (;;) {
          while (q.replacing) await q.replacing;
          const generation = q.generation;
          const fd = await open(q.path, 'r');
          try {
            // A compaction swapped the file while it opened: the index may not describe this one.
            if (q.replacing || q.generation !== generation) continue;
            const start = Math.max(from, index.truncatedBefore);
            const pos = index.positionOf(start);
            if (pos === undefined) return [];
            return await readMessages(fd, pos, q.fileBytes, start, maxBytes, live);
          } finally {
            await fd.close();
          }
        }
      } finally {
        reading--;
        readWaiters.shift()?.();
      }
    },
  };
}
