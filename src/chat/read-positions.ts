/**
 * Where the current user stopped reading each room: published as `read`
 * events (the others' read markers) and kept across reloads, so a room's
 * unread count is right after a reload without opening it (its stream is
 * followed from just after that point, and what came since counts).
 */
import { ChatError, newEventId, type RoomEvent } from './protocol';
import type { ChatStore } from './store';

/** Per-room read positions (stream offsets) of one user. */
export interface ReadPositions {
  get(roomId: string): number | undefined;
  set(roomId: string, offset: number): void;
}

/** Read positions in `localStorage` under `<prefix>.<user>`; in memory where there is no storage. */
export function browserReadPositions(user: string, prefix = 'stompkit.chat.read'): ReadPositions {
  const key = `${prefix}.${user}`;
  let storage: Storage | null = null;
  try {
    storage = typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    // Access denied (privacy settings): memory only.
  }
  let positions: Record<string, number> = {};
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(key) ?? '{}');
    if (typeof parsed === 'object' && parsed !== null) {
      for (const [room, offset] of Object.entries(parsed)) if (Number.isSafeInteger(offset) && (offset as number) >= 0) positions[room] = offset as number;
    }
  } catch {
    positions = {};
  }
  return {
    get: (roomId) => positions[roomId],
    set(roomId, offset) {
      if ((positions[roomId] ?? -1) >= offset) return;
      positions = { ...positions, [roomId]: offset };
      try {
        storage?.setItem(key, JSON.stringify(positions));
      } catch {
        // Full or denied: the position still holds for this page.
      }
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
        const text = error instanceof Error ? error.message : String(error);
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
