/**
 * The file store's work on classic queue logs, with bounded memory however
 * long a backlog grows: load (scan, cut a torn tail, load the oldest live
 * messages up to a window and summarise the rest), backlog pages read
 * through a sparse index of file positions (the stream index, reused), and
 * compaction by copying the live records' bytes.
 *
 * What stays in memory per live message is its record size (to know when
 * compaction pays, and which offsets are live), never its body.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { QueueDeclaration, StoredQueue } from '../engine/types.js';
import { APPEND, DECLARE, HEADER, NEXT_OFFSET, REMOVE, TRUNCATE, appendMeta, decodeDeclare, encodeDeclare, encodeNextOffset } from './log-records.js';
import { scanRecords } from './log-scan.js';
import { StreamIndex, copyRanges, readMessages } from './stream-log.js';
import { replaceFile, type StreamFile, type StreamFileDeps } from './stream-files.js';


/** The state of one classic queue's log that these operations read and update. */
export interface QueueFile extends StreamFile {
  /** Size on disk of each live message record, by offset (ascending: appended in order). */
  sizes: Map<number, number>;
  /** Where runs of message records are in the file. */
  positions: StreamIndex;
  /** Records waiting for the next batch (they follow the file's durable bytes, in order). */
  pending: Buffer[];
}

/** A classic queue's log scanned at load, a torn tail cut. */
export interface LoadedQueue {
  declaration: QueueDeclaration;
  nextOffset: number;
  sizes: Map<number, number>;
  positions: StreamIndex;
  /** Body bytes of every live message (until `loaded` has summarised the backlog). */
  bodies: Map<number, number>;
  overhead: number;
}

/** Walks a classic log: declaration, live records and their positions, next offset; where valid bytes end. */
async function scanQueue(fd: FileHandle, size: number): Promise<{ queue: LoadedQueue | null; validLength: number }> {
  let declaration: QueueDeclaration | null = null;
  let nextOffset = 0;
  const sizes = new Map<number, number>();
  const bodies = new Map<number, number>();
  const positions = new StreamIndex();
  const forget = (o: number) => {
    sizes.delete(o);
    bodies.delete(o);
  };
  const validLength = await scanRecords(fd, 0, size, (p, pos, bytes) => {
    switch (p[0]) {
      case DECLARE:
        declaration = decodeDeclare(p);
        return;
      case APPEND: {
        const m = appendMeta(p);
        sizes.set(m.offset, bytes);
        bodies.set(m.offset, m.bodyBytes);
        positions.add(m.offset, m.timestamp, m.bodyBytes, pos, bytes);
        nextOffset = Math.max(nextOffset, m.offset + 1);
        return;
      }
      case REMOVE: {
        const n = p.readUInt32LE(1);
        for (let i = 0; i < n; i++) forget(p.readDoubleLE(5 + 8 * i));
        return;
      }
      case TRUNCATE: {
        const before = p.readDoubleLE(1);
        for (const o of sizes.keys()) {
          if (o >= before) break;
          forget(o);
        }
        nextOffset = Math.max(nextOffset, before);
        return;
      }
      case NEXT_OFFSET:
        nextOffset = Math.max(nextOffset, p.readDoubleLE(1));
        return;
      default:
        // An unknown type with a good checksum is a newer format: stop rather than guess.
        return false;
    }
  });
  if (!declaration) return { queue: null, validLength };
  const overhead = encodeDeclare(declaration).length + encodeNextOffset(nextOffset).length;
  return { queue: { declaration, nextOffset, sizes, bodies, positions, overhead }, validLength };
}

export function createQueueFiles(deps: StreamFileDeps) {
  return {
    /** Scan a classic queue's log; null when it has no declaration. */
    async scan(path: string, file: string): Promise<LoadedQueue | null> {
      const fd = await open(path, 'r+');
      try {
        const { size } = await fd.stat();
        const { queue, validLength } = await scanQueue(fd, size);
        if (!queue) {
          deps.log(`file-store: ${file} has no declaration; ignored`);
          return null;
        }
        if (validLength < size) {
          deps.log(`file-store: ${queue.declaration.name}: ignored a torn tail of ${size - validLength} bytes`);
          await fd.truncate(validLength);
          await fd.datasync();
        }
        return queue;
      } finally {
        await fd.close();
      }
    },

    /** What `load` returns: the oldest live messages up to `memoryBytes` (all without it), the rest as a backlog summary. */
    async loaded(q: QueueFile, loaded: LoadedQueue, memoryBytes: number | undefined): Promise<StoredQueue> {
      const { declaration, nextOffset, bodies } = loaded;
      const first = q.sizes.keys().next();
      if (first.done) return { declaration, messages: [], nextOffset };
      const fd = await open(q.path, 'r');
      let messages;
      try {
        const pos = q.positions.positionOf(first.value) ?? q.fileBytes;
        messages = await readMessages(fd, pos, q.fileBytes, first.value, memoryBytes ?? Infinity, (o) => q.sizes.has(o));
      } finally {
        await fd.close();
      }
      let loadedBytes = 0;
      for (const m of messages) loadedBytes += m.body.length;
      // A page may end one message past the window; that message waits in the backlog instead.
      if (memoryBytes !== undefined && messages.length > 1 && loadedBytes > memoryBytes) loadedBytes -= messages.pop()!.body.length;
      if (messages.length === q.sizes.size) return { declaration, messages, nextOffset };
      let bytes = 0;
      for (const b of bodies.values()) bytes += b;
      const from = messages.length > 0 ? messages[messages.length - 1]!.offset + 1 : first.value;
      return { declaration, messages, nextOffset, backlog: { from, count: q.sizes.size - messages.length, bytes: bytes - loadedBytes } };
    },

    /**
     * Keep only the live records: their bytes copied in order after a new
     * header, fsync, atomic rename. Runs between batches, like every
     * compaction; readers wait for the file and index to be swapped.
     * Records appended meanwhile (still pending) are placed after the copy.
     */
    async compact(q: QueueFile): Promise<void> {
      const end = q.fileBytes;
      const declaration = JSON.parse(q.declarationJson) as QueueDeclaration;
      const header = Buffer.concat([encodeDeclare(declaration), encodeNextOffset(q.nextOffset)]);
      const positions = new StreamIndex();
      /** Byte ranges of the old file to copy, adjacent ones merged. */
      const ranges: { pos: number; size: number }[] = [];
      let at = header.length;
      const src = await open(q.path, 'r');
      try {
        await scanRecords(src, 0, end, (p, pos, size) => {
          if (p[0] !== APPEND) return;
          const m = appendMeta(p);
          if (!q.sizes.has(m.offset)) return;
          positions.add(m.offset, m.timestamp, m.bodyBytes, at, size);
          at += size;
          const last = ranges[ranges.length - 1];
          if (last && last.pos + last.size === pos) last.size += size;
          else ranges.push({ pos, size });
        });
      } finally {
        await src.close();
      }
      await replaceFile(
        q,
        deps,
        () => copyRanges(q.path, header, ranges),
        () => {
          let tail = at;
          for (const r of q.pending) {
            if (r[HEADER] === APPEND) {
              const m = appendMeta(r.subarray(HEADER));
              positions.add(m.offset, m.timestamp, m.bodyBytes, tail, r.length);
            }
            tail += r.length;
          }
          q.positions.replaceWith(positions);
          q.fileBytes = at;
          q.tailPos = tail;
          q.overhead = header.length;
        },
      );
    },
  };
}

