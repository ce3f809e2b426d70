/**
 * Thread summaries and unread per thread. A thread's replies are unread when
 * they come from someone else after where the user last viewed the thread;
 * the thread a view shows right now is read as its replies arrive, so its
 * badge never flashes. The read positions are plain offsets, kept across
 * reloads by the client (`ReadPositions.setThreads`).
 */
import type { MessageRecord, ThreadReads, ThreadSummary } from './state';

export interface ThreadFold {
  summaries: Map<string, ThreadSummary>;
  /** `reads` itself when nothing moved. */
  reads: ThreadReads;
}

/**
 * Each thread's summary by the id of its first message (deleted replies not
 * counted), and the read positions after the viewed thread caught up.
 * `sorted` is in stream order.
 */
export function foldThreads(
  sorted: readonly MessageRecord[],
  reads: ThreadReads,
  me: string | null,
  viewing: string | undefined,
  isDeleted: (record: MessageRecord) => boolean,
): ThreadFold {
  if (viewing !== undefined) {
    let newest = -1;
    for (const record of sorted) if (record.extras?.parentId === viewing) newest = record.offset;
    if (newest > (reads.read[viewing] ?? -1)) reads = { ...reads, read: { ...reads.read, [viewing]: newest } };
  }
  const summaries = new Map<string, ThreadSummary>();
  for (const record of sorted) {
    const parent = record.extras?.parentId;
    if (!parent || isDeleted(record)) continue;
    const s = summaries.get(parent) ?? { replies: 0, lastRepliers: [], lastReplyAt: 0 };
    const after = reads.read[parent] ?? reads.since ?? -1;
    const unread = (s.unread ?? 0) + (record.authorId !== me && record.offset > after ? 1 : 0);
    const next: ThreadSummary = {
      replies: s.replies + 1,
      lastRepliers: [record.authorId, ...s.lastRepliers.filter((u) => u !== record.authorId)].slice(0, 3),
      lastReplyAt: record.createdAt,
    };
    if (unread > 0) next.unread = unread;
    summaries.set(parent, next);
  }
  return { summaries, reads };
}

/** Two summaries show the same (a view built from `a` can stay). */
export function sameSummary(a: ThreadSummary | undefined, b: ThreadSummary | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return (
    a.replies === b.replies &&
    a.lastReplyAt === b.lastReplyAt &&
    a.unread === b.unread &&
    a.lastRepliers.length === b.lastRepliers.length &&
    a.lastRepliers.every((u, i) => u === b.lastRepliers[i])
  );
}

/** Saved positions merged into the current ones: the earlier `since`, the later read of each thread. */
export function mergeThreadReads(current: ThreadReads, saved: ThreadReads): ThreadReads {
  let read: Record<string, number> | null = null;
  for (const [parent, offset] of Object.entries(saved.read)) {
    if (offset > (current.read[parent] ?? -1)) (read ??= { ...current.read })[parent] = offset;
  }
  const since = current.since === null ? saved.since : saved.since === null ? current.since : Math.min(current.since, saved.since);
  if (read === null && since === current.since) return current;
  return { since, read: read ?? current.read };
}
