/**
 * The on-disk record format of a queue log (walked by log-scan.ts).
 *
 * Each record is `[u32 length][u32 crc32(payload)][payload]`, little endian;
 * the payload starts with a type byte. A crash can leave the last record torn
 * (short, or with a checksum that does not match); a walk stops at the first
 * such record and reports where the good part ends, so the store can cut the
 * tail and carry on. Nothing after a torn record was ever confirmed, because
 * the store resolves a write only after the fsync that covers it.
 */
import { crc32 } from 'node:zlib';
import type { QueueDeclaration, StoredMessage } from '../engine/types.js';

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
