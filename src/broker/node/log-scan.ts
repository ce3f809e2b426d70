/**
 * Walks the records of a log file (format in log-records.ts) a buffer at a
 * time, so a log of any size is read with bounded memory. Stops at the
 * first torn record (short, zero length, or a checksum that does not
 * match) and says where the valid records end.
 */
import { crc32 } from 'node:zlib';
import type { FileHandle } from 'node:fs/promises';
import { HEADER } from './log-records.js';

const READ_BYTES = 1024 * 1024;

/**
 * Calls `onRecord` with each valid record's payload (a view into a reused
 * buffer: copy what you keep), its position and its size on disk, from
 * `start` up to `end`. `onRecord` returning false stops the walk after that
 * record. Resolves to the position just past the last record walked.
 */
export async function scanRecords(
  fd: FileHandle,
  start: number,
  end: number,
  onRecord: (payload: Buffer, pos: number, size: number) => boolean | void,
  /** First read size; grows as records need. */
  readBytes = READ_BYTES,
): Promise<number> {
  let buf = Buffer.allocUnsafe(Math.min(readBytes, Math.max(HEADER, end - start)));
  let have = 0;
  /** File position of buf[0]. */
  let base = start;
  let filePos = start;
  for (;;) {
    let i = 0;
    while (i + HEADER <= have) {
      const length = buf.readUInt32LE(i);
      if (length === 0) return base + i;
      if (i + HEADER + length > have) break;
      const payload = buf.subarray(i + HEADER, i + HEADER + length);
      if (crc32(payload) !== buf.readUInt32LE(i + 4)) return base + i;
      const pos = base + i;
      i += HEADER + length;
      if (onRecord(payload, pos, HEADER + length) === false) return base + i;
    }
    buf.copy(buf, 0, i, have);
    have -= i;
    base += i;
    if (filePos >= end) return base;
    if (have >= HEADER) {
      const need = HEADER + buf.readUInt32LE(0);
      // A length past the end of the file is a torn record, not a reason to allocate.
      if (need > end - base) return base;
      if (need > buf.length) {
        const bigger = Buffer.allocUnsafe(need);
        buf.copy(bigger, 0, 0, have);
        buf = bigger;
      }
    }
    const { bytesRead } = await fd.read(buf, have, Math.min(buf.length - have, end - filePos), filePos);
    if (bytesRead === 0) return base;
    have += bytesRead;
    filePos += bytesRead;
  }
}
