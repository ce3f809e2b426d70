/**
 * The on-disk record format of a queue log, and its replay.
 *
 * Each record is `[u32 length][u32 crc32(payload)][payload]`, little endian;
 * the payload starts with a type byte. A crash can leave the last record torn
 * (short, or with a checksum that does not match); replay stops at the first
 * such record and reports where the good part ends, so the store can cut the
 * tail and carry on. Nothing after a torn record was ever confirmed, because
 * the store resolves a write only after the fsync that covers it.
 */
import { crc32 } from 'node:zlib';
import type { QueueDeclaration, StoredMessage, StoredQueue } from '../engine/types.js';

export const DECLARE = 1;
export const APPEND = 2;
export const REMOVE = 3;
export const TRUNCATE = 4;
export const NEXT_OFFSET = 5;

/** `[u32 length][u32 crc32]` before each payload. */
export const HEADER = 8;

function frame(payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(HEADER + payload.length);
  out.writeUInt32LE(payload.length, 0);
  out.writeUInt32LE(crc32(payload), 4);
  payload.copy(out, HEADER);
  return out;
}

export function encodeDeclare(declaration: QueueDeclaration): Buffer {
  const json = Buffer.from(JSON.stringify(declaration), 'utf8');
  const p = Buffer.allocUnsafe(1 + json.length);
  p[0] = DECLARE;
  json.copy(p, 1);
  return frame(p);
}

export function encodeAppend(message: StoredMessage): Buffer {
  const headers = Buffer.from(JSON.stringify(message.headers), 'utf8');
  const p = Buffer.allocUnsafe(1 + 8 + 8 + 4 + headers.length + message.body.length);
  p[0] = APPEND;
  p.writeDoubleLE(message.offset, 1);
  p.writeDoubleLE(message.timestamp, 9);
  p.writeUInt32LE(headers.length, 17);
  headers.copy(p, 21);
  p.set(message.body, 21 + headers.length);
  return frame(p);
}

export function encodeRemove(offsets: readonly number[]): Buffer {
  const p = Buffer.allocUnsafe(1 + 4 + 8 * offsets.length);
  p[0] = REMOVE;
  p.writeUInt32LE(offsets.length, 1);
  offsets.forEach((o, i) => p.writeDoubleLE(o, 5 + 8 * i));
  return frame(p);
}

export function encodeTruncate(beforeOffset: number): Buffer {
  const p = Buffer.allocUnsafe(9);
  p[0] = TRUNCATE;
  p.writeDoubleLE(beforeOffset, 1);
  return frame(p);
}

export function encodeNextOffset(next: number): Buffer {
  const p = Buffer.allocUnsafe(9);
  p[0] = NEXT_OFFSET;
  p.writeDoubleLE(next, 1);
  return frame(p);
}

/** An APPEND payload's offset, time and body size, without decoding its headers. */
export function appendMeta(p: Buffer): { offset: number; timestamp: number; bodyBytes: number } {
  const hlen = p.readUInt32LE(17);
  return { offset: p.readDoubleLE(1), timestamp: p.readDoubleLE(9), bodyBytes: p.length - 21 - hlen };
}

/** An APPEND payload as a message; copies, so `p` may be a reused read buffer. */
export function decodeAppend(p: Buffer): StoredMessage {
  const hlen = p.readUInt32LE(17);
  const headers = JSON.parse(p.subarray(21, 21 + hlen).toString('utf8')) as Record<string, string>;
  return { offset: p.readDoubleLE(1), timestamp: p.readDoubleLE(9), headers, body: new Uint8Array(p.subarray(21 + hlen)) };
}

export function decodeDeclare(p: Buffer): QueueDeclaration {
  return JSON.parse(p.subarray(1).toString('utf8')) as QueueDeclaration;
}

/** A replayed log: the queue's state, where the valid bytes end, and how many bytes are still live. */
export interface ReplayedLog {
  queue: StoredQueue | null;
  /** Bytes of the file that hold valid records; anything after is a torn tail. */
  validLength: number;
  /** Size on disk of each live message's record, by offset (to know when compaction pays). */
  recordSizes: Map<number, number>;
  /** Non-message bytes that a compaction would keep (declaration, next offset). */
  overheadBytes: number;
}

/** Replay a log file's bytes into the queue state it describes. */
export function replay(data: Buffer): ReplayedLog {
  let declaration: QueueDeclaration | null = null;
  const messages = new Map<number, StoredMessage>();
  const recordSizes = new Map<number, number>();
  let nextOffset = 0;
  let pos = 0;
  while (pos + HEADER <= data.length) {
    const length = data.readUInt32LE(pos);
    const sum = data.readUInt32LE(pos + 4);
    const end = pos + HEADER + length;
    if (length === 0 || end > data.length) break;
    const p = data.subarray(pos + HEADER, end);
    if (crc32(p) !== sum) break;
    switch (p[0]) {
      case DECLARE:
        declaration = decodeDeclare(p);
        break;
      case APPEND: {
        // Copied out of the file buffer, which is dropped after load.
        const m = decodeAppend(p);
        messages.set(m.offset, m);
        recordSizes.set(m.offset, end - pos);
        nextOffset = Math.max(nextOffset, m.offset + 1);
        break;
      }
      case REMOVE: {
        const n = p.readUInt32LE(1);
        for (let i = 0; i < n; i++) {
          const o = p.readDoubleLE(5 + 8 * i);
          messages.delete(o);
          recordSizes.delete(o);
        }
        break;
      }
      case TRUNCATE: {
        const before = p.readDoubleLE(1);
        for (const o of [...messages.keys()]) {
          if (o < before) {
            messages.delete(o);
            recordSizes.delete(o);
          }
        }
        nextOffset = Math.max(nextOffset, before);
        break;
      }
      case NEXT_OFFSET:
        nextOffset = Math.max(nextOffset, p.readDoubleLE(1));
        break;
      default:
        // An unknown type with a good checksum is a newer format: stop rather than guess.
        return finish();
    }
    pos = end;
  }
  return finish();

  function finish(): ReplayedLog {
    const sorted = [...messages.values()].sort((a, b) => a.offset - b.offset);
    const queue = declaration ? { declaration, messages: sorted, nextOffset } : null;
    const overheadBytes = declaration ? encodeDeclare(declaration).length + encodeNextOffset(nextOffset).length : 0;
    return { queue, validLength: pos, recordSizes, overheadBytes };
  }
}

/** The bytes of a compacted log holding exactly `queue`. */
export function encodeCompacted(queue: StoredQueue): Buffer[] {
  return [encodeDeclare(queue.declaration), encodeNextOffset(queue.nextOffset), ...queue.messages.map(encodeAppend)];
}
