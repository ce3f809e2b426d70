/**
 * The tail of a durable classic queue kept only in the store: once the
 * ready messages in memory reach the queue's window, later ones are counted
 * here (offsets from {@link QueueBacklog.from} on, all after every message in
 * memory) and read back a page at a time, in order, as consumers drain the
 * queue. The store answers `read` with durable, live messages only, so a
 * message still being written is picked up by a later page, and one whose
 * write failed is never counted as waiting.
 */
import type { QueueBacklogSummary } from './types.js';
import type { QueueStore } from './persistence.js';
import { Entry } from './message.js';

/** Wait before asking the store again after a failed read. */
const READ_RETRY_MS = 1000;

export interface BacklogHost {
  readonly store: QueueStore;
  readonly name: string;
  log(message: string): void;
  retryLater(fn: () => void, ms: number): void;
  /** A page read back, ascending; the host puts it behind what it holds. */
  page(entries: Entry[]): void;
  /** A message of the backlog became durable: a page that came back short may now be read in full. */
  durable(): void;
}

export class QueueBacklog {
  /** Messages waiting in the store only. */
  count = 0;
  /** Their body bytes. */
  bytes = 0;
  /** Every message of the backlog has an offset at or after this. */
  private from = 0;
  private loading = false;
  /** A message became durable while a page was on its way: that page may have missed it. */
  private missed = false;
  private closed = false;
  private readonly destination: string;

  constructor(private readonly host: BacklogHost) {
    this.destination = `/queue/${host.name}`;
  }

  get empty(): boolean {
    return this.count === 0;
  }

  /** What the store did not load at start-up. */
  restore(summary: QueueBacklogSummary): void {
    this.from = summary.from;
    this.count = summary.count;
    this.bytes = summary.bytes;
  }

  /** A message goes to the store only; `stored` settles when its write does. */
  add(entry: Entry, stored: Promise<void>): void {
    if (this.count === 0) this.from = entry.offset;
    this.count++;
    this.bytes += entry.size;
    stored.then(
      () => {
        if (!this.closed) this.host.durable();
      },
      () => {
        // Never durable, so never read back. Writes settle in order, so no page has reached past it yet.
        if (this.closed || this.count === 0 || entry.offset < this.from) return;
        this.count--;
        this.bytes -= entry.size;
      },
    );
  }

  /** The queue is deleted: pages still on their way are dropped. */
  close(): void {
    this.closed = true;
    this.count = 0;
    this.bytes = 0;
  }

  /** Read the next page of about `maxBytes` (none while one is on its way). */
  load(maxBytes: number): void {
    if (this.closed || this.count === 0) return;
    if (this.loading) {
      this.missed = true;
      return;
    }
    this.loading = true;
    this.missed = false;
    const { store, name } = this.host;
    store.read(name, this.from, maxBytes).then(
      (messages) => {
        this.loading = false;
        if (this.closed) return;
        const entries: Entry[] = [];
        for (const m of messages) {
          // A page asked for before the backlog emptied and began again may hold offsets no longer in it.
          if (m.offset < this.from || this.count === 0) continue;
          entries.push(new Entry(m, this.destination));
          this.from = m.offset + 1;
          this.count--;
          this.bytes -= m.body.length;
        }
        if (entries.length > 0) this.host.page(entries);
        else if (this.missed) this.host.durable();
      },
      (err: unknown) => {
        this.loading = false;
        if (this.closed) return;
        this.host.log(`queue ${name}: reading its backlog from ${this.from} failed: ${String(err)}`);
        this.host.retryLater(() => this.host.durable(), READ_RETRY_MS);
      },
    );
  }
}
