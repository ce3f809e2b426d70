/**
 * The part of a stream that lives only in the store: runs of messages kept
 * as summaries (first and next offset, bytes, time span), so retention and
 * `x-stream-offset` lookups work without the messages in memory. A run
 * grows to about {@link CHUNK_BYTES}, which is also the granularity at which
 * retention drops history (RabbitMQ drops whole segments the same way).
 */
import type { StreamChunk } from './types.js';

/** Body bytes summarised by one run. */
export const CHUNK_BYTES = 256 * 1024;

export class StreamHistory {
  private chunks: StreamChunk[] = [];
  private head = 0;
  /** Body bytes of every run. */
  bytes = 0;

  get empty(): boolean {
    return this.head === this.chunks.length;
  }

  /** First offset held, or undefined when empty. */
  get first(): number | undefined {
    return this.empty ? undefined : this.chunks[this.head]!.first;
  }

  /** Offsets summarised (gaps left by failed writes included). */
  get count(): number {
    return this.empty ? 0 : this.chunks[this.chunks.length - 1]!.next - this.chunks[this.head]!.first;
  }

  /** Runs restored from the store at start-up. */
  restore(chunks: readonly StreamChunk[]): void {
    for (const c of chunks) {
      this.chunks.push({ ...c });
      this.bytes += c.bytes;
    }
  }

  /** A message leaves memory: it joins the newest run, or starts one. */
  add(offset: number, bytes: number, timestamp: number): void {
    const last = this.empty ? undefined : this.chunks[this.chunks.length - 1]!;
    if (last && last.bytes < CHUNK_BYTES && offset >= last.next) {
      last.next = offset + 1;
      last.bytes += bytes;
      last.lastTimestamp = Math.max(last.lastTimestamp, timestamp);
    } else {
      this.chunks.push({ first: offset, next: offset + 1, bytes, firstTimestamp: timestamp, lastTimestamp: timestamp });
    }
    this.bytes += bytes;
  }

  /** The oldest run, if any. */
  oldest(): StreamChunk | undefined {
    return this.empty ? undefined : this.chunks[this.head];
  }

  /** Forget the oldest run (retention). */
  dropOldest(): void {
    const c = this.chunks[this.head];
    if (!c) return;
    this.bytes -= c.bytes;
    this.chunks[this.head++] = undefined as unknown as StreamChunk;
    if (this.head > 1024 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }

  /**
   * Where a reader starting at time `ms` begins: the first run that holds a
   * message stored at or after `ms`; undefined when every run is older.
   */
  offsetAt(ms: number): number | undefined {
    let lo = this.head;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.chunks[mid]!.lastTimestamp < ms) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.chunks.length ? this.chunks[lo]!.first : undefined;
  }
}
