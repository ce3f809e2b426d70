/**
 * A stream queue: a `/queue/<name>` declared with `x-queue-type:stream`. An
 * append-only log every reader walks on its own from `x-stream-offset`.
 *
 * RabbitMQ 3.10 findings mirrored here (probed over raw STOMP on 61613):
 * - MESSAGE frames carry `x-stream-offset:<n>` after the sender's headers;
 *   offsets start at 0.
 * - `first` = oldest retained, `last` = the last message (RabbitMQ: the last
 *   chunk; with one message per chunk that is the last message), `next` =
 *   only new messages, `offset=N` = from N, `timestamp=T` (unix seconds) =
 *   from the first message stored at or after T. Absent = `next`.
 * - A reader needs `prefetch-count` (ERROR `precondition_failed`, "consumer
 *   prefetch count is not set ...") and may not use `ack:auto`.
 * - Credit: a reader gets at most `prefetch-count` unacked messages; ACK
 *   (cumulative with `ack:client`) gives credit back. NACK also just gives
 *   credit back: a stream never redelivers. (RabbitMQ grants credit per
 *   chunk, so it may hand out a few more than `prefetch-count` — 3 for 2 in
 *   our probe; we are exact. Clients must not depend on either.)
 * - A declaration with a different `x-max-age` than the existing stream's is
 *   accepted (the first declaration's retention stays).
 *
 * Durable before visible: with a store, a message reaches readers only once
 * the store has it (as a RabbitMQ stream delivers only committed chunks), in
 * offset order. A reader can then never have seen an offset that a crash
 * takes back and a restart hands to another message.
 *
 * Bounded memory: with a store that can `read`, only the newest
 * `memoryBytes` of messages stay in memory; older ones are summarised in a
 * {@link StreamHistory} and a reader behind the window is fed from the store
 * one page at a time, as its credit allows.
 */
import type { DestinationStats, QueueDeclaration, StreamChunk } from './types.js';
import type { QueueStore } from './persistence.js';
import { type AckSource, Entry, type Subscriber } from './message.js';
import { StompError } from './frame.js';
import { StreamHistory } from './stream-history.js';
import { parseMaxAge, type StreamOffsetSpec } from './stream-args.js';

interface Reader {
  sub: Subscriber;
  cursor: number;
  inflight: number;
  pumping: boolean;
  /** Messages read from the store for a reader behind the memory window, and how far it got. */
  page: Entry[] | null;
  pageAt: number;
  loading: boolean;
  /** A `timestamp=` start skips the older messages of the first run it lands in. */
  notBefore: number;
}

export interface StreamQueueOptions {
  /** Bytes held in memory (with a store that can read); default all. */
  memoryBytes?: number;
  /** Timer for retrying a failed history read. */
  retryLater?: (fn: () => void, ms: number) => void;
  /** Retention arguments in force (the declaration's, completed by a policy); default the declaration's. */
  args?: Readonly<Record<string, string>>;
}

/** Body bytes asked of the store per page. */
const PAGE_BYTES = 256 * 1024;
/** Wait before asking the store again after a failed read. */
const READ_RETRY_MS = 1000;

export class StreamQueue implements AckSource {
  readonly kind = 'stream' as const;
  private entries: Entry[] = [];
  private head = 0;
  private bytes = 0;
  private readonly readers = new Map<Subscriber, Reader>();
  private readonly maxBytes: number;
  private readonly maxAgeMs: number;
  /** Appended, waiting for the store, in offset order (`ok` once stored; `failed` never becomes visible). */
  private unstored: { entry: Entry; state: 'pending' | 'ok' | 'failed' }[] = [];
  /** Index of the first entry of `unstored` still to settle (a head index, not shift(): batches can be long). */
  private unstoredHead = 0;
  /** One past the last offset readers may see. */
  private visibleEnd: number;
  /** Stored messages no longer held in memory. */
  private readonly history = new StreamHistory();
  private readonly destination: string;
  /** Bytes held in memory before the oldest move to `history`; Infinity when the store cannot read them back. */
  private readonly memoryBytes: number;

  private readonly retryLater: (fn: () => void, ms: number) => void;

  constructor(
    readonly declaration: QueueDeclaration,
    private readonly store: QueueStore | null,
    private readonly log: (message: string) => void,
    private nextOffset = 0,
    options: StreamQueueOptions = {},
  ) {
    this.destination = `/queue/${declaration.name}`;
    this.memoryBytes = store?.canRead ? (options.memoryBytes ?? Infinity) : Infinity;
    this.retryLater = options.retryLater ?? ((fn, ms) => void setTimeout(fn, ms));
    const args = options.args ?? declaration.args;
    const lb = args['x-max-length-bytes'];
    if (lb !== undefined && !/^\d+$/.test(lb)) {
      throw new StompError('precondition_failed', `PRECONDITION_FAILED - invalid arg 'x-max-length-bytes': "${lb}"`);
    }
    this.maxBytes = lb === undefined ? Infinity : Number(lb);
    const age = args['x-max-age'];
    this.maxAgeMs = age === undefined ? Infinity : parseMaxAge(age);
    this.visibleEnd = nextOffset;
  }

  /** First offset retained (in the store or in memory). */
  get firstOffset(): number {
    return this.history.first ?? this.memoryFirst;
  }

  /** First offset held in memory. */
  private get memoryFirst(): number {
    return this.head < this.entries.length ? this.entries[this.head].offset : this.visibleEnd;
  }

  get hasMaxAge(): boolean {
    return this.maxAgeMs !== Infinity;
  }

  /** Restore a retained message at start-up (no store write, no delivery). */
  restore(entry: Entry): void {
    this.entries.push(this.withOffsetHeader(entry));
    this.bytes += entry.size;
    this.nextOffset = Math.max(this.nextOffset, entry.offset + 1);
    this.visibleEnd = this.nextOffset;
    if (this.bytes > this.memoryBytes) this.evict();
  }

  /** Restore the summaries of what the store holds before the restored messages. */
  restoreHistory(chunks: readonly StreamChunk[]): void {
    this.history.restore(chunks);
    const last = chunks[chunks.length - 1];
    if (last) {
      this.nextOffset = Math.max(this.nextOffset, last.next);
      this.visibleEnd = this.nextOffset;
    }
  }

  /** The offset the next appended message gets. */
  allocateOffset(): number {
    return this.nextOffset++;
  }

  /** Append; once stored (at once without a store), deliver to readers with credit and apply retention. */
  append(entry: Entry, now: number): Promise<void> | undefined {
    const visible = this.withOffsetHeader(entry);
    if (!this.store) {
      this.reveal(visible, now);
      return undefined;
    }
    const waiting = { entry: visible, state: 'pending' as 'pending' | 'ok' | 'failed' };
    this.unstored.push(waiting);
    const stored = this.store.append(this.declaration.name, entry.stored);
    // Retention is judged by the engine's clock at append (stores answer within moments).
    const settle = (state: 'ok' | 'failed') => () => {
      waiting.state = state;
      // Stores answer in order; should one not, later messages still wait for earlier ones.
      while (this.unstoredHead < this.unstored.length && this.unstored[this.unstoredHead]!.state !== 'pending') {
        const head = this.unstored[this.unstoredHead++]!;
        if (head.state === 'ok') this.reveal(head.entry, now);
        else this.visibleEnd = Math.max(this.visibleEnd, head.entry.offset + 1);
      }
      if (this.unstoredHead === this.unstored.length) {
        this.unstored = [];
        this.unstoredHead = 0;
      }
    };
    stored.then(settle('ok'), settle('failed'));
    return stored;
  }

  private reveal(entry: Entry, now: number): void {
    this.entries.push(entry);
    this.bytes += entry.size;
    this.visibleEnd = entry.offset + 1;
    for (const r of this.readers.values()) this.pump(r);
    this.enforceRetention(now);
    if (this.bytes > this.memoryBytes) this.evict();
  }

  /** Move the oldest messages out of memory (they are stored) down to ¾ of the window, keeping the newest. */
  private evict(): void {
    const target = (this.memoryBytes * 3) / 4;
    while (this.bytes > target && this.entries.length - this.head > 1) {
      const e = this.entries[this.head]!;
      this.history.add(e.offset, e.size, e.stored.timestamp);
      this.entries[this.head++] = undefined as unknown as Entry;
      this.bytes -= e.size;
    }
    this.compact();
  }

  subscribe(sub: Subscriber, spec: StreamOffsetSpec): void {
    const r: Reader = { sub, cursor: 0, inflight: 0, pumping: false, page: null, pageAt: 0, loading: false, notBefore: 0 };
    r.cursor = this.resolve(spec, r);
    this.readers.set(sub, r);
    this.pump(r);
  }

  ack(sub: Subscriber, entries: readonly Entry[]): void {
    const r = this.readers.get(sub);
    if (!r) return;
    r.inflight -= entries.length;
    this.pump(r);
  }

  nack(sub: Subscriber, entries: readonly Entry[]): void {
    this.ack(sub, entries);
  }

  detach(sub: Subscriber): void {
    this.readers.delete(sub);
  }

  /**
   * Drop what `x-max-length-bytes` and `x-max-age` no longer allow: stored
   * history a run at a time, then messages in memory; always keeps the newest.
   */
  enforceRetention(now: number): void {
    let dropped = false;
    // A run goes only as a whole: once all of it is too old, or when the rest still exceeds the byte limit
    // (so a stream keeps up to a run more than `x-max-length-bytes`, never less).
    for (let c = this.history.oldest(); c; c = this.history.oldest()) {
      if (this.history.bytes + this.bytes - c.bytes < this.maxBytes && now - c.lastTimestamp <= this.maxAgeMs) break;
      this.history.dropOldest();
      dropped = true;
    }
    while (this.history.empty && this.entries.length - this.head > 1) {
      const e = this.entries[this.head];
      if (this.bytes <= this.maxBytes && now - e.stored.timestamp <= this.maxAgeMs) break;
      this.entries[this.head++] = undefined as unknown as Entry;
      this.bytes -= e.size;
      dropped = true;
    }
    if (!dropped) return;
    this.compact();
    const first = this.firstOffset;
    for (const r of this.readers.values()) if (r.cursor < first) r.cursor = first;
    this.store?.truncate(this.declaration.name, first).catch((err: unknown) => {
      this.log(`store.truncate(${this.declaration.name}) failed: ${String(err)}`);
    });
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  stats(): DestinationStats {
    return {
      destination: this.destination,
      kind: 'stream',
      subscribers: this.readers.size,
      depth: this.history.count + this.entries.length - this.head,
      storedBytes: this.history.bytes + this.bytes,
      memoryBytes: this.bytes,
    };
  }

  /**
   * What a reader sees: the offset, and the broker's own time of the message
   * as `timestamp` (epoch ms; a sender's `timestamp` header is replaced, so
   * readers can trust it, where RabbitMQ passes the sender's through).
   */
  private withOffsetHeader(entry: Entry): Entry {
    const headers = { ...entry.stored.headers, timestamp: String(entry.stored.timestamp), 'x-stream-offset': String(entry.offset) };
    return new Entry({ ...entry.stored, headers }, entry.destination);
  }

  private resolve(spec: StreamOffsetSpec, r: Reader): number {
    const first = this.firstOffset;
    switch (spec.kind) {
      case 'first':
        return first;
      case 'next':
        return this.nextOffset;
      case 'last':
        return this.head < this.entries.length ? this.entries[this.entries.length - 1]!.offset : this.visibleEnd;
      case 'offset':
        return Math.min(Math.max(spec.offset, first), this.nextOffset);
      case 'timestamp': {
        const ms = spec.seconds * 1000;
        const stored = this.history.offsetAt(ms);
        if (stored !== undefined) {
          r.notBefore = ms;
          return stored;
        }
        let lo = this.head;
        let hi = this.entries.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (this.entries[mid].stored.timestamp < ms) lo = mid + 1;
          else hi = mid;
        }
        return lo < this.entries.length ? this.entries[lo].offset : this.visibleEnd;
      }
    }
  }

  private at(offset: number): Entry | undefined {
    const base = this.memoryFirst;
    const guess = this.entries[this.head + offset - base];
    if (guess?.offset === offset) return guess;
    // Offsets restored from a store may have gaps: fall back to a search.
    let lo = this.head;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.entries[mid].offset < offset) lo = mid + 1;
      else hi = mid;
    }
    return this.entries[lo];
  }

  private pump(r: Reader): void {
    if (r.pumping) return;
    r.pumping = true;
    try {
      while (r.sub.open && r.cursor < this.visibleEnd && r.inflight < r.sub.prefetch) {
        let e: Entry | undefined;
        if (r.cursor < this.memoryFirst) {
          e = this.fromPage(r);
          if (!e) {
            this.load(r);
            break;
          }
        } else {
          r.page = null;
          e = this.at(r.cursor);
          if (!e) break;
        }
        r.cursor = e.offset + 1;
        if (e.stored.timestamp < r.notBefore) continue;
        r.notBefore = 0;
        r.inflight++;
        r.sub.deliver(e, this);
      }
    } finally {
      r.pumping = false;
    }
  }

  /** The reader's next message from its page of stored history, if the page has it. */
  private fromPage(r: Reader): Entry | undefined {
    const page = r.page;
    if (!page) return undefined;
    while (r.pageAt < page.length) {
      const e = page[r.pageAt++]!;
      if (e.offset >= r.cursor) return e;
    }
    r.page = null;
    return undefined;
  }

  /** Read the reader's next page of history from the store, then carry on. */
  private load(r: Reader): void {
    if (r.loading || !this.store) return;
    r.loading = true;
    const from = r.cursor;
    this.store.read(this.declaration.name, from, PAGE_BYTES).then(
      (messages) => {
        r.loading = false;
        if (this.readers.get(r.sub) !== r) return;
        r.page = messages.map((m) => this.withOffsetHeader(new Entry(m, this.destination)));
        r.pageAt = 0;
        // Nothing stored from `from` on below the window: what is missing was never durable.
        if (messages.length === 0 && r.cursor === from) r.cursor = Math.max(r.cursor, this.memoryFirst);
        this.pump(r);
      },
      (err: unknown) => {
        r.loading = false;
        this.log(`stream ${this.declaration.name}: reading history from ${from} failed: ${String(err)}`);
        this.retryLater(() => {
          if (this.readers.get(r.sub) === r) this.pump(r);
        }, READ_RETRY_MS);
      },
    );
  }
}
