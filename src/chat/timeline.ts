/**
 * One room's timeline as the fold builds it: stream events are
 * last-writer-wins registers keyed by stream offset (edits, deletes,
 * reactions, read markers), so the result does not depend on arrival order —
 * a page of older history folded after newer events gives the same state as
 * reading the stream from the start. A batch copies the room's bookkeeping
 * once (`RoomDraft`), and unchanged messages keep their view objects.
 */
import type { MessageExtras, RoomEnvelope } from './protocol';
import { extrasOf } from './message-extras';
import { foldThreads, sameSummary } from './thread-reads';
import {
  EMPTY_HISTORY,
  NO_THREAD_READS,
  type ChatMessage,
  type EditRecord,
  type HistoryState,
  type MessageRecord,
  type PendingRecord,
  type ReactionSummary,
  type ReadMarker,
  type RoomData,
  type RoomTimeline,
  type ThreadReads,
  type ThreadSummary,
} from './state';

const EMPTY_DATA: RoomData = {
  records: new Map(),
  seen: new Map(),
  edits: new Map(),
  deletes: new Map(),
  reactions: new Map(),
  pending: new Map(),
};

const NO_THREADS: ReadonlyMap<string, readonly ChatMessage[]> = new Map();

/** Shown in the room: not a thread reply, or one also sent to the room. */
const inRoom = (extras: MessageExtras | undefined): boolean => !extras?.parentId || extras.alsoInRoom === true;

/** A fresh timeline for a room never seen. */
export function emptyTimeline(roomId: string): RoomTimeline {
  return {
    roomId,
    messages: [],
    threads: NO_THREADS,
    readMarkers: {},
    threadReads: NO_THREAD_READS,
    history: EMPTY_HISTORY,
    open: false,
    data: EMPTY_DATA,
  };
}

/** A room's bookkeeping, copied once so a whole batch can mutate it. */
export class RoomDraft {
  readonly records: Map<string, MessageRecord>;
  readonly seen: Map<string, number>;
  readonly edits: Map<string, readonly EditRecord[]>;
  readonly deletes: Map<string, readonly { by: string; offset: number }[]>;
  readonly reactions: Map<string, ReadonlyMap<string, { present: boolean; offset: number }>>;
  readonly pending: Map<string, PendingRecord>;
  readMarkers: Record<string, ReadMarker>;
  threadReads: ThreadReads;
  viewingThread: string | undefined;
  history: HistoryState;
  open: boolean;
  reading: boolean;
  /** Message ids whose view must be rebuilt. */
  readonly touched = new Set<string>();

  constructor(readonly base: RoomTimeline) {
    const d = base.data;
    this.records = new Map(d.records);
    this.seen = new Map(d.seen);
    this.edits = new Map(d.edits);
    this.deletes = new Map(d.deletes);
    this.reactions = new Map(d.reactions);
    this.pending = new Map(d.pending);
    this.readMarkers = { ...base.readMarkers };
    this.threadReads = base.threadReads;
    this.viewingThread = base.viewingThread;
    this.history = { ...base.history };
    this.open = base.open;
    this.reading = base.reading ?? false;
  }

  /** Fold one stream event; returns a reason if it is not allowed. */
  apply({ event, author, offset, brokerTs }: RoomEnvelope): string | null {
    const seenAt = this.seen.get(event.id);
    if (seenAt !== undefined) {
      // A resend or a replay shows once, at its first copy in the stream:
      // copies can arrive late-first (a follower resumed from `last`, then an
      // older page), and the place must not depend on that.
      const record = this.records.get(event.id);
      if (offset < seenAt && record) {
        this.seen.set(event.id, offset);
        this.records.set(event.id, { ...record, offset });
        this.history.oldestOffset = Math.min(this.history.oldestOffset ?? offset, offset);
        this.touched.add(event.id);
      }
      return null;
    }
    this.seen.set(event.id, offset);
    const h = this.history;
    h.oldestOffset = h.oldestOffset === null ? offset : Math.min(h.oldestOffset, offset);
    h.newestOffset = h.newestOffset === null ? offset : Math.max(h.newestOffset, offset);
    switch (event.type) {
      case 'message.created': {
        const record: MessageRecord = { id: event.id, authorId: author, text: event.text, createdAt: brokerTs ?? event.ts, offset };
        const extras = extrasOf(event);
        if (extras) record.extras = extras;
        this.records.set(event.id, record);
        this.pending.delete(event.id); // our own send came back
        this.touched.add(event.id);
        return null;
      }
      case 'message.edited':
      case 'message.deleted': {
        const record = this.records.get(event.messageId);
        if (record && record.authorId !== author) return `${event.type} by ${author} of a message by ${record.authorId}`;
        if (event.type === 'message.edited') {
          const list = this.edits.get(event.messageId) ?? [];
          this.edits.set(event.messageId, [...list, { by: author, text: event.text, at: brokerTs ?? event.ts, offset }]);
        } else {
          const list = this.deletes.get(event.messageId) ?? [];
          this.deletes.set(event.messageId, [...list, { by: author, offset }]);
        }
        this.touched.add(event.messageId);
        return null;
      }
      case 'reaction.added':
      case 'reaction.removed': {
        const key = `${event.emoji}\n${author}`;
        const current = this.reactions.get(event.messageId);
        const previous = current?.get(key);
        if (previous && previous.offset > offset) return null; // an older toggle, already superseded
        const next = new Map(current);
        next.set(key, { present: event.type === 'reaction.added', offset });
        this.reactions.set(event.messageId, next);
        this.touched.add(event.messageId);
        return null;
      }
      case 'read': {
        const previous = this.readMarkers[author];
        if (!previous || previous.offset < event.offset) {
          this.readMarkers[author] = { userId: author, messageId: event.messageId, offset: event.offset };
        }
        return null;
      }
    }
  }

  /** Keep only the newest `max` messages (a room no view has open). */
  cap(max: number): void {
    if (this.records.size <= max) return;
    const sorted = [...this.records.values()].sort((a, b) => a.offset - b.offset);
    const cutoff = sorted[sorted.length - max]?.offset ?? Infinity;
    for (const record of sorted) {
      if (record.offset >= cutoff) break;
      this.records.delete(record.id);
      this.edits.delete(record.id);
      this.deletes.delete(record.id);
      this.reactions.delete(record.id);
    }
    // Forget the ids below the cut too, so paging back reads them again.
    for (const [id, offset] of this.seen) if (offset < cutoff) this.seen.delete(id);
    this.history.oldestOffset = max === 0 ? this.history.newestOffset : cutoff;
    this.touched.add('\n'); // order changed
  }

  /** The new timeline, reusing every view that did not change. */
  finish(me: string | null, rebuildAll = false): RoomTimeline {
    const h = this.history;
    h.hasOlder = h.oldestOffset !== null && h.oldestOffset > h.floor;
    const previous = new Map<string, ChatMessage>();
    for (const m of this.base.messages) previous.set(m.id, m);
    for (const replies of this.base.threads.values()) for (const m of replies) previous.set(m.id, m);
    const messages: ChatMessage[] = [];
    const threads = new Map<string, ChatMessage[]>();
    const place = (m: ChatMessage, extras: MessageExtras | undefined) => {
      if (inRoom(extras)) messages.push(m);
      if (extras?.parentId) {
        const replies = threads.get(extras.parentId);
        if (replies) replies.push(m);
        else threads.set(extras.parentId, [m]);
      }
    };
    const sorted = [...this.records.values()].sort((a, b) => a.offset - b.offset);
    // Threads never viewed count from where the user first followed the room.
    if (this.threadReads.since === null && h.followedFrom !== null) this.threadReads = { ...this.threadReads, since: h.followedFrom };
    const threadFold = foldThreads(sorted, this.threadReads, me, this.viewingThread, (r) => this.isDeleted(r));
    this.threadReads = threadFold.reads;
    for (const record of sorted) {
      const old = previous.get(record.id);
      const summary = threadFold.summaries.get(record.id);
      const reuse = old && !rebuildAll && !this.touched.has(record.id) && old.offset !== null && sameSummary(old.thread, summary);
      place(reuse ? old : this.view(record, me, summary), record.extras);
    }
    for (const p of this.pending.values()) {
      const old = previous.get(p.id);
      const same = old && !rebuildAll && old.offset === null && old.status === p.status && old.error === p.error;
      place(same ? old : pendingView(this.base.roomId, p, me ?? ''), p.extras);
    }
    const unchanged =
      messages.length === this.base.messages.length && messages.every((m, i) => m === this.base.messages[i]);
    return {
      roomId: this.base.roomId,
      messages: unchanged ? this.base.messages : messages,
      threads: reuseThreads(this.base.threads, threads),
      readMarkers: this.readMarkers,
      threadReads: this.threadReads,
      ...(this.viewingThread !== undefined && { viewingThread: this.viewingThread }),
      history: sameHistory(this.base.history, h) ? this.base.history : h,
      open: this.open,
      ...(this.reading && { reading: true }),
      data: {
        records: this.records,
        seen: this.seen,
        edits: this.edits,
        deletes: this.deletes,
        reactions: this.reactions,
        pending: this.pending,
      },
    };
  }

  private isDeleted(record: MessageRecord): boolean {
    return (this.deletes.get(record.id) ?? []).some((d) => d.by === record.authorId);
  }

  private view(record: MessageRecord, me: string | null, thread?: ThreadSummary): ChatMessage {
    const deleted = this.isDeleted(record);
    let edit: EditRecord | undefined;
    for (const e of this.edits.get(record.id) ?? []) {
      if (e.by === record.authorId && e.offset > record.offset && (!edit || e.offset > edit.offset)) edit = e;
    }
    const message: ChatMessage = {
      id: record.id,
      roomId: this.base.roomId,
      authorId: record.authorId,
      text: deleted ? '' : (edit?.text ?? record.text),
      createdAt: record.createdAt,
      status: 'sent',
      deleted,
      reactions: deleted ? [] : summarize(this.reactions.get(record.id), me),
      offset: record.offset,
      mine: me !== null && record.authorId === me,
    };
    if (edit && !deleted) message.editedAt = edit.at;
    if (thread) message.thread = thread;
    const extras = record.extras;
    if (extras) withExtras(message, deleted ? { parentId: extras.parentId, alsoInRoom: extras.alsoInRoom } : extras, me);
    return message;
  }

  /**
   * Unread: messages from others after my read marker (or, while it is not
   * known, after where we started following), not deleted.
   */
  unread(me: string | null): number {
    return this.countUnread(me, (record) => inRoom(record.extras));
  }

  /** Unread messages (thread replies included) that mention me. */
  mentions(me: string | null): number {
    return me === null ? 0 : this.countUnread(me, (record) => record.extras?.mentions?.includes(me) === true);
  }

  private countUnread(me: string | null, counts: (record: MessageRecord) => boolean): number {
    if (this.reading) return 0;
    const marker = me === null ? undefined : this.readMarkers[me]?.offset;
    const after = marker ?? this.history.followedFrom ?? -1;
    let count = 0;
    for (const record of this.records.values()) {
      if (record.offset <= after || record.authorId === me || !counts(record) || this.isDeleted(record)) continue;
      count += 1;
    }
    return count;
  }
}

function withExtras(message: ChatMessage, extras: MessageExtras, me: string | null): void {
  if (extras.parentId !== undefined) message.parentId = extras.parentId;
  if (extras.alsoInRoom) message.alsoInRoom = true;
  if (extras.mentions) {
    message.mentions = extras.mentions;
    if (me !== null && extras.mentions.includes(me)) message.mentionsMe = true;
  }
  if (extras.attachments) message.attachments = extras.attachments;
}

/** Threads whose replies did not change keep their arrays; the map too when none changed. */
function reuseThreads(
  base: ReadonlyMap<string, readonly ChatMessage[]>,
  next: Map<string, readonly ChatMessage[]>,
): ReadonlyMap<string, readonly ChatMessage[]> {
  let same = base.size === next.size;
  for (const [parent, replies] of next) {
    const old = base.get(parent);
    if (old && old.length === replies.length && replies.every((m, i) => m === old[i])) next.set(parent, old);
    else same = false;
  }
  return same ? base : next;
}

function pendingView(roomId: string, p: PendingRecord, me: string): ChatMessage {
  const message: ChatMessage = {
    id: p.id,
    roomId,
    authorId: me,
    text: p.text,
    createdAt: p.createdAt,
    status: p.status,
    deleted: false,
    reactions: [],
    offset: null,
    mine: true,
  };
  if (p.error !== undefined) message.error = p.error;
  if (p.extras) withExtras(message, p.extras, me);
  return message;
}

function summarize(reactions: ReadonlyMap<string, { present: boolean; offset: number }> | undefined, me: string | null): ReactionSummary[] {
  if (!reactions) return [];
  const byEmoji = new Map<string, { users: string[]; first: number }>();
  for (const [key, { present, offset }] of reactions) {
    if (!present) continue;
    const cut = key.lastIndexOf('\n');
    const emoji = key.slice(0, cut);
    const entry = byEmoji.get(emoji) ?? { users: [], first: offset };
    entry.users.push(key.slice(cut + 1));
    entry.first = Math.min(entry.first, offset);
    byEmoji.set(emoji, entry);
  }
  return [...byEmoji.entries()]
    .sort((a, b) => a[1].first - b[1].first)
    .map(([emoji, { users }]) => {
      users.sort();
      return { emoji, count: users.length, mine: me !== null && users.includes(me), users };
    });
}

function sameHistory(a: HistoryState, b: HistoryState): boolean {
  return (
    a.loading === b.loading &&
    a.oldestOffset === b.oldestOffset &&
    a.newestOffset === b.newestOffset &&
    a.floor === b.floor &&
    a.followedFrom === b.followedFrom &&
    a.hasOlder === b.hasOlder &&
    a.error === b.error
  );
}

