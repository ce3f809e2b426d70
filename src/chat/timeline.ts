/**
 * One room's timeline as the fold builds it: stream events are
 * last-writer-wins registers keyed by stream offset (edits, deletes,
 * reactions, read markers), so the result does not depend on arrival order —
 * a page of older history folded after newer events gives the same state as
 * reading the stream from the start. A batch copies the room's bookkeeping
 * once (`RoomDraft`), and unchanged messages keep their view objects.
 */
import type { RoomEnvelope } from './protocol';
import {
  EMPTY_HISTORY,
  type ChatMessage,
  type EditRecord,
  type HistoryState,
  type MessageRecord,
  type PendingRecord,
  type ReactionSummary,
  type ReadMarker,
  type RoomData,
  type RoomTimeline,
} from './state';

const EMPTY_DATA: RoomData = {
  records: new Map(),
  seen: new Map(),
  edits: new Map(),
  deletes: new Map(),
  reactions: new Map(),
  pending: new Map(),
};

/** A fresh timeline for a room never seen. */
export function emptyTimeline(roomId: string): RoomTimeline {
  return { roomId, messages: [], readMarkers: {}, history: EMPTY_HISTORY, open: false, data: EMPTY_DATA };
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
    this.history = { ...base.history };
    this.open = base.open;
    this.reading = base.reading ?? false;
  }

  /** Fold one stream event; returns a reason if it is not allowed. */
  apply({ event, author, offset }: RoomEnvelope): string | null {
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
      case 'message.created':
        this.records.set(event.id, { id: event.id, authorId: author, text: event.text, createdAt: event.ts, offset });
        this.pending.delete(event.id); // our own send came back
        this.touched.add(event.id);
        return null;
      case 'message.edited':
      case 'message.deleted': {
        const record = this.records.get(event.messageId);
        if (record && record.authorId !== author) return `${event.type} by ${author} of a message by ${record.authorId}`;
        if (event.type === 'message.edited') {
          const list = this.edits.get(event.messageId) ?? [];
          this.edits.set(event.messageId, [...list, { by: author, text: event.text, at: event.ts, offset }]);
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
    const messages: ChatMessage[] = [];
    const sorted = [...this.records.values()].sort((a, b) => a.offset - b.offset);
    for (const record of sorted) {
      const old = previous.get(record.id);
      messages.push(old && !rebuildAll && !this.touched.has(record.id) && old.offset !== null ? old : this.view(record, me));
    }
    for (const p of this.pending.values()) {
      const old = previous.get(p.id);
      const same = old && !rebuildAll && old.offset === null && old.status === p.status && old.error === p.error;
      messages.push(same ? old : pendingView(this.base.roomId, p, me ?? ''));
    }
    const unchanged =
      messages.length === this.base.messages.length && messages.every((m, i) => m === this.base.messages[i]);
    return {
      roomId: this.base.roomId,
      messages: unchanged ? this.base.messages : messages,
      readMarkers: this.readMarkers,
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

  private view(record: MessageRecord, me: string | null): ChatMessage {
    const deleted = (this.deletes.get(record.id) ?? []).some((d) => d.by === record.authorId);
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
    return message;
  }

  /**
   * Unread: messages from others after my read marker (or, while it is not
   * known, after where we started following), not deleted.
   */
  unread(me: string | null): number {
    if (this.reading) return 0;
    const marker = me === null ? undefined : this.readMarkers[me]?.offset;
    const after = marker ?? this.history.followedFrom ?? -1;
    let count = 0;
    for (const record of this.records.values()) {
      if (record.offset <= after || record.authorId === me) continue;
      if ((this.deletes.get(record.id) ?? []).some((d) => d.by === record.authorId)) continue;
      count += 1;
    }
    return count;
  }
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

