/**
 * Where the current user stopped reading each room: published as `read`
 * events (the others' read markers) and kept across reloads, so a room's
 * unread count is right after a reload without opening it (its stream is
 * followed from just after that point, and what came since counts).
 */
import { ChatError, errorText, newEventId, type RoomEvent } from './protocol';
import type { ThreadReads } from './state';
import type { ChatStore } from './store';

/** Per-room read positions (stream offsets) of one user. */
export interface ReadPositions {
  get(roomId: string): number | undefined;
  set(roomId: string, offset: number): void;
  /** The room's thread read positions saved last. Without it, unread per thread lasts for the page only. */
  threads?(roomId: string): ThreadReads | undefined;
  /** Save the room's thread read positions (the whole set, replacing the last). */
  setThreads?(roomId: string, reads: ThreadReads): void;
}

/** Threads kept per room: the most recently read ones. */
const MAX_SAVED_THREADS = 200;

const isOffset = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/** `{ key: offset }` from stored JSON, dropping anything else. */
function offsets(value: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) if (isOffset(v)) out[k] = v;
  return out;
}

function threadReadsOf(value: unknown): ThreadReads | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { since, read } = value as { since?: unknown; read?: unknown };
  return { since: isOffset(since) ? since : null, read: offsets(read) };
}

/**
 * Read positions in `localStorage` under `<prefix>.<user>` (rooms) and
 * `<prefix>.<user>.threads` (threads, the newest 200 per room); in memory
 * where there is no storage.
 */
export function browserReadPositions(user: string, prefix = 'stompkit.chat.read'): ReadPositions {
  const key = `${prefix}.${user}`;
  const threadsKey = `${key}.threads`;
  let storage: Storage | null = null;
  try {
    storage = typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    // Access denied (privacy settings): memory only.
  }
  const load = (k: string): unknown => {
    try {
      return JSON.parse(storage?.getItem(k) ?? '{}');
    } catch {
      return {};
    }
  };
  const save = (k: string, value: unknown): void => {
    try {
      storage?.setItem(k, JSON.stringify(value));
    } catch {
      // Full or denied: the position still holds for this page.
    }
  };
  let positions = offsets(load(key));
  const stored = load(threadsKey);
  const threads: Record<string, ThreadReads> = {};
  if (typeof stored === 'object' && stored !== null) {
    for (const [room, value] of Object.entries(stored)) {
      const reads = threadReadsOf(value);
      if (reads) threads[room] = reads;
    }
  }
  return {
    get: (roomId) => positions[roomId],
    set(roomId, offset) {
      if ((positions[roomId] ?? -1) >= offset) return;
      positions = { ...positions, [roomId]: offset };
      save(key, positions);
    },
    threads: (roomId) => threads[roomId],
    setThreads(roomId, reads) {
      const newest = Object.entries(reads.read).sort((a, b) => b[1] - a[1]).slice(0, MAX_SAVED_THREADS);
      threads[roomId] = { since: reads.since, read: Object.fromEntries(newest) };
      save(threadsKey, threads);
    },
  };
}

export interface ReadSenderContext {
  store: ChatStore;
  me(): string | null;
  now(): number;
  report(error: ChatError): void;
  positions(): ReadPositions | null;
  send(event: RoomEvent): Promise<void>;
}

/** `sendRead(roomId)`: mark the room read at its newest message, here, in storage and for the others. */
export function createReadSender(ctx: ReadSenderContext): (roomId: string) => void {
  /** Rooms with a read event in flight → whether another was asked for meanwhile. */
  const sending = new Map<string, boolean>();
  const sendRead = (roomId: string): void => {
    const timeline = ctx.store.getState().timelines[roomId];
    const user = ctx.me();
    if (!timeline || user === null) return;
    let latest = null;
    for (let i = timeline.messages.length - 1; i >= 0; i--) {
      if (timeline.messages[i]!.offset !== null) {
        latest = timeline.messages[i]!;
        break;
      }
    }
    if (!latest || latest.offset === null) return;
    const current = timeline.readMarkers[user];
    if (current && current.offset >= latest.offset) return;
    ctx.store.markReadLocal(roomId, { userId: user, messageId: latest.id, offset: latest.offset });
    ctx.positions()?.set(roomId, latest.offset);
    // One read event in flight per room; calls meanwhile coalesce into one more.
    if (sending.has(roomId)) {
      sending.set(roomId, true);
      return;
    }
    sending.set(roomId, false);
    ctx
      .send({ id: newEventId(), type: 'read', roomId, ts: ctx.now(), messageId: latest.id, offset: latest.offset })
      .catch((error: unknown) => {
        const text = errorText(error);
        ctx.report(new ChatError('send-failed', `read marker in ${roomId} failed: ${text}`, { roomId, cause: error }));
      })
      .finally(() => {
        const again = sending.get(roomId);
        sending.delete(roomId);
        if (again) sendRead(roomId);
      });
  };
  return sendRead;
}
