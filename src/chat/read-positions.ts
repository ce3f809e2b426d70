/**
 * Where the current user stopped reading each room, kept across reloads, so
 * a room's unread count is right after a reload without opening it: its
 * stream is followed from just after that point, and what came since counts.
 */

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
