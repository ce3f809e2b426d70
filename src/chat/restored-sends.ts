/**
 * Our chat messages still in the session outbox from an earlier page load
 * (the outbox is persisted through the storage adapter): the session sends
 * them on CONNECTED, but the chat store started empty. They are shown again
 * as pending (or failed) sends and settled as the outbox settles them; the
 * stream's copy replaces them by id like any local send.
 */
import type { StompSession } from '../core/types';
import { USER_ID_HEADER, type ChatError } from './protocol';
import type { ChatStore } from './store';
import { validateQueuedMessage } from './validate';
import { extrasOf } from './message-extras';

export interface RestoredSendsContext {
  session: StompSession;
  store: ChatStore;
  me(): string | null;
  report(error: ChatError): void;
  /** Whether the room's stream is read (its copy will replace ours). */
  following(roomId: string): boolean;
  /** Ids the user discarded: never shown again. */
  discarded: ReadonlySet<string>;
}

export class RestoredSends {
  /** Restored id → room, until the outbox settles it or the client takes it over (retry). */
  private readonly open = new Map<string, string>();
  /** Invalid entries already reported (each once, not on every room open). */
  private readonly reported = new Set<string>();
  private readonly stop: () => void;

  constructor(private readonly ctx: RestoredSendsContext) {
    this.stop = ctx.session.onOutboxChange(() => this.settle());
  }

  /** Show our queued or failed `message.created` sends (of one room, or all) as local sends. */
  restore(roomId?: string): void {
    const { session, store, discarded } = this.ctx;
    const me = this.ctx.me();
    if (me === null) return;
    for (const entry of session.getOutbox()) {
      if (entry.status === 'confirmed' || discarded.has(entry.id)) continue;
      const result = validateQueuedMessage(entry);
      if (result === null) continue;
      if (!result.ok) {
        if (!this.reported.has(entry.id)) this.ctx.report(result.error);
        this.reported.add(entry.id);
        continue;
      }
      const event = result.value;
      // Another user's sends on a shared storage are not ours to show.
      if ((roomId !== undefined && event.roomId !== roomId) || entry.headers[USER_ID_HEADER] !== me) continue;
      const data = store.getState().timelines[event.roomId]?.data;
      if (this.open.has(event.id) || data?.pending.has(event.id) || data?.records.has(event.id)) continue;
      const extras = extrasOf(event);
      store.addPending(event.roomId, { id: event.id, text: event.text, createdAt: event.ts, ...(extras && { extras }) });
      if (entry.status === 'failed') store.markFailed(event.roomId, event.id, entry.error ?? 'send failed');
      this.open.set(event.id, event.roomId);
    }
  }

  /** The client sends this one itself now (a retry): its promise settles the store. */
  release(id: string): void {
    this.open.delete(id);
  }

  dispose(): void {
    this.stop();
    this.open.clear();
  }

  private settle(): void {
    if (this.open.size === 0) return;
    const { store } = this.ctx;
    const outbox = new Map(this.ctx.session.getOutbox().map((entry) => [entry.id, entry]));
    for (const [id, roomId] of this.open) {
      const entry = outbox.get(id);
      if (entry && entry.status !== 'confirmed') {
        const local = store.getState().timelines[roomId]?.data.pending.get(id);
        if (entry.status === 'failed' && local && local.status !== 'failed') store.markFailed(roomId, id, entry.error ?? 'send failed');
        continue;
      }
      this.open.delete(id);
      // Confirmed (or dropped): like a send of ours, it stays only where the stream will replace it.
      if (entry && this.ctx.following(roomId)) store.markSent(roomId, id);
      else store.discard(roomId, id);
    }
  }
}
