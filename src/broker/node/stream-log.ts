/**
 * What the file store knows of a stream's log without holding its messages:
 * a sparse index of runs (first offset, file position, bytes, time span),
 * from which it reads history pages, summarises history for the engine and
 * compacts the log by copying its live tail, all with bounded memory.
 */
import { open, rename, type FileHandle } from 'node:fs/promises';
import type { StoredMessage, StreamChunk } from '../engine/types.js';
import { scanRecords } from './log-scan.js';
import {
  APPEND,
  DECLARE,
  NEXT_OFFSET,
  TRUNCATE,
  appendMeta,
  decodeAppend,
  decodeDeclare,
  encodeDeclare,
  encodeNextOffset,
  encodeTruncate,
} from './log-records.js';
import type { QueueDeclaration } from '../engine/types.js';

/** File bytes per index run: a read starts at most this far before the offset it wants. */
const RUN_FILE_BYTES = 64 * 1024;
const COPY_BYTES = 1024 * 1024;

interface Run extends StreamChunk {
  /** File position of the run's first record. */
  pos: number;
  /** File bytes from `pos` to the end of the run's last record. */
  fileBytes: number;
}

export class StreamIndex {
  private runs: Run[] = [];
  private head = 0;
  /** Retention cut everything below this offset. */
  truncatedBefore = 0;

  /** A message record at `pos` (`size` bytes on disk). */
  add(offset: number, timestamp: number, bodyBytes: number, pos: number, size: number): void {
    const last = this.head < this.runs.length ? this.runs[this.runs.length - 1]! : undefined;
    if (last && last.fileBytes < RUN_FILE_BYTES && offset >= last.next) {
      last.next = offset + 1;
      last.bytes += bodyBytes;
      last.lastTimestamp = Math.max(last.lastTimestamp, timestamp);
      last.fileBytes = pos + size - last.pos;
      return;
    }
    this.runs.push({ first: offset, next: offset + 1, bytes: bodyBytes, firstTimestamp: timestamp, lastTimestamp: timestamp, pos, fileBytes: size });
  }

  truncate(before: number): void {
    this.truncatedBefore = Math.max(this.truncatedBefore, before);
    while (this.head < this.runs.length && this.runs[this.head]!.next <= this.truncatedBefore) this.head++;
    if (this.head > 1024 && this.head * 2 > this.runs.length) {
      this.runs = this.runs.slice(this.head);
      this.head = 0;
    }
  }

  /** File position of the run holding `offset` (or the first run after it); undefined past the end. */
  positionOf(offset: number): number | undefined {
    let lo = this.head;
    let hi = this.runs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.runs[mid]!.next <= offset) lo = mid + 1;
      else hi = mid;
    }
    return this.runs[lo]?.pos;
  }

  /**
   * About where the live part of the file begins: the first live run's
   * position plus the share of that run retention already cut.
   */
  liveStart(end: number): number {
    const r = this.runs[this.head];
    if (!r) return end;
    const cut = Math.max(0, Math.min(1, (this.truncatedBefore - r.first) / (r.next - r.first)));
    return r.pos + Math.floor(r.fileBytes * cut);
  }

  /** Position of the first live run; `end` when there is none. */
  livePosition(end: number): number {
    return this.runs[this.head]?.pos ?? end;
  }

  /** Take over `other`'s runs (a compacted file's index). */
  replaceWith(other: StreamIndex): void {
    this.runs = other.runs.slice(other.head);
    this.head = 0;
    this.truncatedBefore = other.truncatedBefore;
  }

  /** After a compaction cut the file at `cut` and put `header` bytes before what followed. */
  shift(cut: number, header: number): void {
    this.runs = this.runs.slice(this.head).map((r) => ({ ...r, pos: Math.max(r.pos, cut) - cut + header }));
    this.head = 0;
  }

  /**
   * Splits the runs for loading: the newest runs holding about `memoryBytes`
   * are loaded in full (from the returned position on), the older ones are
   * summarised.
   */
  split(memoryBytes: number, end: number): { history: StreamChunk[]; loadFrom: number } {
    let i = this.runs.length;
    let bytes = 0;
    while (i > this.head && (i === this.runs.length || bytes + this.runs[i - 1]!.bytes <= memoryBytes)) {
      bytes += this.runs[i - 1]!.bytes;
      i--;
    }
    const history = this.runs.slice(this.head, i).map((r) => {
      // The oldest run may be partly cut: count its bytes in proportion.
      const first = Math.max(r.first, this.truncatedBefore);
      const bytes = first === r.first ? r.bytes : Math.round((r.bytes * (r.next - first)) / (r.next - r.first));
      return { first, next: r.next, bytes, firstTimestamp: r.firstTimestamp, lastTimestamp: r.lastTimestamp };
    });
    return { history, loadFrom: this.runs[i]?.pos ?? end };
  }
}

/** A stream log scanned at load: its declaration, index and next offset, and where its valid bytes end. */
export interface ScannedStream {
  declaration: QueueDeclaration | null;
  index: StreamIndex;
  nextOffset: number;
  validLength: number;
}

export async function scanStream(fd: FileHandle, size: number): Promise<ScannedStream> {
  const index = new StreamIndex();
  let declaration: QueueDeclaration | null = null;
  let nextOffset = 0;
  const validLength = await scanRecords(fd, 0, size, (p, pos, bytes) => {
    switch (p[0]) {
      case DECLARE:
        declaration = decodeDeclare(p);
        return;
      case APPEND: {
        const m = appendMeta(p);
        index.add(m.offset, m.timestamp, m.bodyBytes, pos, bytes);
        nextOffset = Math.max(nextOffset, m.offset + 1);
        return;
      }
      case TRUNCATE: {
        const before = p.readDoubleLE(1);
        index.truncate(before);
        nextOffset = Math.max(nextOffset, before);
        return;
      }
      case NEXT_OFFSET:
        nextOffset = Math.max(nextOffset, p.readDoubleLE(1));
        return;
      default:
        // REMOVE is not written for streams; an unknown type is a newer format: stop rather than guess.
        return false;
    }
  });
  return { declaration, index, nextOffset, validLength };
}

/**
 * Messages at or after `from` (and not truncated) between `start` and `end`,
 * about `maxBytes` of bodies; with `live`, only the offsets it accepts.
 */
export async function readMessages(
  fd: FileHandle,
  start: number,
  end: number,
  from: number,
  maxBytes: number,
  live?: (offset: number) => boolean,
): Promise<StoredMessage[]> {
  const out: StoredMessage[] = [];
  let bytes = 0;
  await scanRecords(fd, start, end, (p) => {
    if (p[0] !== APPEND || p.readDoubleLE(1) < from) return;
    if (live && !live(p.readDoubleLE(1))) return;
    const m = decodeAppend(p);
    out.push(m);
    bytes += m.body.length;
    if (bytes >= maxBytes) return false;
  });
  return out;
}

/**
 * Rewrites a stream log as its header (declaration, next offset, truncation
 * point) followed by a byte copy of the live tail from `cut`: new file,
 * fsync, atomic rename. Returns the header size (positions shift by
 * `header - cut`).
 */
export async function copyLiveTail(
  path: string,
  declaration: QueueDeclaration,
  nextOffset: number,
  truncatedBefore: number,
  cut: number,
  end: number,
): Promise<number> {
  const header = Buffer.concat([encodeDeclare(declaration), encodeNextOffset(nextOffset), encodeTruncate(truncatedBefore)]);
  await copyRanges(path, header, [{ pos: cut, size: end - cut }]);
  return header.length;
}

/**
 * Writes `header` and then the given byte ranges of `path` to a new file,
 * fsyncs it and renames it over `path` (compaction of stream and queue logs).
 * A file shorter than a range says the log changed under us: the copy fails
 * and the old file stays.
 */
export async function copyRanges(path: string, header: Buffer, ranges: readonly { pos: number; size: number }[]): Promise<void> {
  const tmp = `${path}.compact`;
  const src = await open(path, 'r');
  const dst = await open(tmp, 'w');
  try {
    await dst.write(header);
    const buf = Buffer.allocUnsafe(COPY_BYTES);
    for (const r of ranges) {
      for (let pos = r.pos, end = r.pos + r.size; pos < end; ) {
        const { bytesRead } = await src.read(buf, 0, Math.min(COPY_BYTES, end - pos), pos);
        if (bytesRead === 0) throw new Error(`${path}: ended at ${pos} while compacting`);
        await dst.write(buf.subarray(0, bytesRead));
        pos += bytesRead;
      }
    }
    await dst.datasync();
  } finally {
    await dst.close();
    await src.close();
  }
  await rename(tmp, path);
}

/** The exact position of the first message at or after `before`, scanning from the run that holds it. */
export async function firstLivePosition(fd: FileHandle, start: number, end: number, before: number): Promise<number> {
  let found = end;
  await scanRecords(fd, start, end, (p, pos) => {
    if (p[0] === APPEND && p.readDoubleLE(1) >= before) {
      found = pos;
      return false;
    }
  });
  return found;
}
