/**
 * The pure fold: `(state, batch of validated events) → state`. Room events go
 * through the room's `RoomDraft` (`timeline.ts`); the directory, presence and
 * typing are folded here.
 */
import type { DirectoryEnvelope, PresenceEnvelope, TypingEnvelope } from './protocol';
import { CHAT_LIMITS } from './protocol';
import type { ChatState, Incoming, PresencePeer, RoomInfo, TypingPeer } from './state';
import { emptyTimeline, RoomDraft } from './timeline';

export { emptyTimeline, RoomDraft } from './timeline';

export interface FoldContext {
  /** Our clock, epoch ms (presence and typing expiry). */
  now: number;
  /** How long a typing signal lasts without renewal, ms. */
  typingTtl: number;
  /** Messages kept for rooms no view has open. */
  maxClosedRoomMessages: number;
}

/** An event that was valid on the wire but not allowed (e.g. an edit by someone else). */
export interface Rejection {
  incoming: Incoming;
  reason: string;
}

export interface FoldResult {
  state: ChatState;
  rejected: Rejection[];
}

/** Apply `mutate` to one room's draft and put the result (with its unread count) into the state. */
export function updateRoom(
  state: ChatState,
  roomId: string,
  mutate: (draft: RoomDraft) => void,
  ctx: Pick<FoldContext, 'maxClosedRoomMessages'>,
): ChatState {
  const draft = new RoomDraft(state.timelines[roomId] ?? emptyTimeline(roomId));
  mutate(draft);
  return commitDrafts(state, new Map([[roomId, draft]]), ctx);
}

function commitDrafts(state: ChatState, drafts: Map<string, RoomDraft>, ctx: Pick<FoldContext, 'maxClosedRoomMessages'>): ChatState {
  if (drafts.size === 0) return state;
  const timelines = { ...state.timelines };
  const unread = { ...state.unread };
  const mentions = { ...state.mentions };
  for (const [roomId, draft] of drafts) {
    if (!draft.open) draft.cap(ctx.maxClosedRoomMessages);
    timelines[roomId] = draft.finish(state.me);
    unread[roomId] = draft.unread(state.me);
    mentions[roomId] = draft.mentions(state.me);
  }
  return { ...state, timelines, unread: changed(state.unread, unread), mentions: changed(state.mentions, mentions) };
}

/** `next` if any count differs from `base`, else `base` (selectors keep their value). */
export function changed(base: Readonly<Record<string, number>>, next: Record<string, number>): Readonly<Record<string, number>> {
  return Object.keys(next).some((k) => next[k] !== base[k]) ? next : base;
}

/** Fold a batch of validated events into a new state (the input is not touched). */
export function foldBatch(state: ChatState, batch: readonly Incoming[], ctx: FoldContext): FoldResult {
  const rejected: Rejection[] = [];
  const drafts = new Map<string, RoomDraft>();
  let rooms: RoomInfo[] | null = null;
  let directMessages: RoomInfo[] | null = null;
  let presence: Record<string, readonly PresencePeer[]> | null = null;
  let typing: Record<string, readonly TypingPeer[]> | null = null;
  const typingOf = (roomId: string): TypingPeer[] => {
    typing ??= { ...state.typing };
    const list = [...(typing[roomId] ?? [])];
    typing[roomId] = list;
    return list;
  };

  for (const incoming of batch) {
    switch (incoming.kind) {
      case 'room': {
        const { roomId } = incoming.envelope.event;
        let draft = drafts.get(roomId);
        if (!draft) drafts.set(roomId, (draft = new RoomDraft(state.timelines[roomId] ?? emptyTimeline(roomId))));
        const reason = draft.apply(incoming.envelope);
        if (reason) rejected.push({ incoming, reason });
        // A message from someone ends their typing.
        const ev = incoming.envelope.event;
        if (ev.type === 'message.created' && (typing?.[roomId] ?? state.typing[roomId])?.some((t) => t.userId === incoming.envelope.author)) {
          const list = typingOf(roomId);
          list.splice(list.findIndex((t) => t.userId === incoming.envelope.author), 1);
        }
        break;
      }
      case 'directory': {
        rooms ??= [...state.rooms];
        const reason = foldDirectory(rooms, incoming.envelope);
        if (reason) rejected.push({ incoming, reason });
        break;
      }
      case 'inbox': {
        const { event, author } = incoming.envelope;
        // Announced to each member, and again by anyone who starts it anew: the first announcement stands.
        if ((directMessages ?? state.directMessages).some((r) => r.id === event.roomId)) break;
        directMessages ??= [...state.directMessages];
        directMessages.push({ id: event.roomId, name: event.members.join(', '), members: event.members, createdBy: author, createdAt: event.ts });
        break;
      }
      case 'typing':
        foldTyping(typingOf(incoming.envelope.event.roomId), incoming.envelope, state.me, ctx);
        break;
      case 'presence': {
        presence ??= { ...state.presence };
        const roomId = incoming.envelope.event.roomId;
        presence[roomId] = foldPresence(presence[roomId] ?? [], incoming.envelope, ctx.now);
        break;
      }
    }
  }

  let next = commitDrafts(state, drafts, ctx);
  if (rooms) next = { ...next, rooms };
  if (directMessages) next = { ...next, directMessages };
  if (presence) next = { ...next, presence };
  if (typing) next = { ...next, typing };
  return { state: next, rejected };
}

function foldDirectory(rooms: RoomInfo[], { event, author }: DirectoryEnvelope): string | null {
  const index = rooms.findIndex((r) => r.id === event.roomId);
  if (event.type === 'room.created') {
    if (index >= 0) return null; // first creation wins; a replay or a late duplicate is ignored
    const room: RoomInfo = { id: event.roomId, name: event.name, createdBy: author, createdAt: event.ts };
    if (event.topic !== undefined) room.topic = event.topic;
    rooms.push(room);
    return null;
  }
  // `room.ready` is the directory service's (managed-rooms.ts); it changes nothing listed.
  if (index < 0 || event.type === 'room.ready') return null;
  const room = rooms[index];
  if (room.createdBy !== author) return `room.updated by ${author} of a room created by ${room.createdBy}`;
  const updated: RoomInfo = { ...room };
  if (event.name !== undefined) updated.name = event.name;
  if (event.topic !== undefined) updated.topic = event.topic;
  rooms[index] = updated;
  return null;
}

function foldTyping(list: TypingPeer[], { event, author }: TypingEnvelope, me: string | null, ctx: FoldContext): void {
  if (author === me) return;
  const index = list.findIndex((t) => t.userId === author);
  if (event.type === 'typing.stop') {
    if (index >= 0) list.splice(index, 1);
    return;
  }
  const peer = { userId: author, expiresAt: ctx.now + ctx.typingTtl };
  if (index >= 0) list[index] = peer;
  else list.push(peer);
}

function foldPresence(list: readonly PresencePeer[], { event, author }: PresenceEnvelope, now: number): readonly PresencePeer[] {
  const rest = list.filter((p) => p.userId !== author);
  if (event.type === 'presence.leave') return rest;
  const since = list.find((p) => p.userId === author)?.since ?? now;
  const ttl = Math.min(Math.max(event.ttl, 1000), CHAT_LIMITS.presenceTtl);
  return [...rest, { userId: author, since, expiresAt: now + ttl }].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
}

/**
 * Drop presence and typing entries whose time ran out. Returns the same state
 * object when nothing expired, and the next expiry time (or null).
 */
export function expireSignals(state: ChatState, now: number): { state: ChatState; nextExpiry: number | null } {
  let nextExpiry: number | null = null;
  const keep = <T extends { expiresAt: number }>(map: Readonly<Record<string, readonly T[]>>): Readonly<Record<string, readonly T[]>> => {
    let changed: Record<string, readonly T[]> | null = null;
    for (const [roomId, list] of Object.entries(map)) {
      const alive = list.filter((p) => p.expiresAt > now);
      for (const p of alive) nextExpiry = nextExpiry === null ? p.expiresAt : Math.min(nextExpiry, p.expiresAt);
      if (alive.length !== list.length) (changed ??= { ...map })[roomId] = alive;
    }
    return changed ?? map;
  };
  const presence = keep(state.presence);
  const typing = keep(state.typing);
  const next = presence === state.presence && typing === state.typing ? state : { ...state, presence, typing };
  return { state: next, nextExpiry };
}
