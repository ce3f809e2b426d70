/**
 * One room as the client reads it: the live follower of its stream (shared
 * by views that open it and lists that only watch it), history pages read
 * by offset, and — while a view has it open — presence and typing.
 */
import type { IncomingMessage } from '../core/types';
import { ChatError, chatDestinations, errorText } from './protocol';
import { PresenceMembership, watchTyping, type SignalContext } from './signals';
import { StreamFollower, readPage } from './stream-reader';
import type { OpenRoomOptions } from './client-types';
import { brokerStampsTime, validateRoomMessage } from './validate';
import type { Incoming, ThreadReads } from './state';

export interface RoomReaderContext extends SignalContext {
  pageSize: number;
  historyTimeout: number;
  /** Where the user stopped reading the room in an earlier page load, if known. */
  readPosition(roomId: string): number | undefined;
  /** An event was read from the room's stream (live or from history). */
  arrived(eventId: string): void;
  /** Where the user stopped reading the room's threads in an earlier page load, if known. */
  threadReads(roomId: string): ThreadReads | undefined;
}

export class RoomReader {
  private opens = 0;
  private watches = 0;
  private follower: StreamFollower | null = null;
  private presence: PresenceMembership | null = null;
  private presenceUsers = 0;
  private typingUsers = 0;
  private stopTyping: (() => void) | null = null;
  private page: { promise: Promise<void>; abort: AbortController } | null = null;
  private wantFirstPage = false;
  private readonly destination: string;

  constructor(
    private readonly ctx: RoomReaderContext,
    readonly roomId: string,
  ) {
    this.destination = chatDestinations.room(roomId);
  }

  /** Nobody reads the room any more. */
  get idle(): boolean {
    return this.opens === 0 && this.watches === 0;
  }

  open({ presence = true, typing = true }: OpenRoomOptions): () => void {
    this.opens += 1;
    if (this.opens === 1) this.ctx.store.setOpen(this.roomId, true);
    if (presence && ++this.presenceUsers === 1) this.presence = new PresenceMembership(this.ctx, this.roomId);
    if (typing && ++this.typingUsers === 1) this.stopTyping = watchTyping(this.ctx, this.roomId);
    this.wantFirstPage = true;
    this.follow();
    this.fillPage();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (presence && --this.presenceUsers === 0) {
        this.presence?.leave();
        this.presence = null;
      }
      if (typing && --this.typingUsers === 0) {
        this.stopTyping?.();
        this.stopTyping = null;
      }
      this.opens -= 1;
      if (this.opens === 0) {
        this.cancelPage();
        this.ctx.store.flush();
        this.ctx.store.setOpen(this.roomId, false);
      }
      this.unfollowIfIdle();
    };
  }

  watch(): () => void {
    this.watches += 1;
    this.follow();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.watches -= 1;
      this.unfollowIfIdle();
    };
  }

  /** The connection dropped: resume the stream after the last offset, re-read a cancelled page later. */
  disconnected(): void {
    this.follower?.resume();
    this.cancelPage();
  }

  /**
   * CONNECTED, the first time or again after a drop: (re)announce presence
   * (a join made while not connected was never sent); after a drop, re-read
   * the page `disconnected` cancelled.
   */
  connected(afterDrop: boolean): void {
    this.presence?.rejoin();
    if (afterDrop && this.opens > 0) this.fillPage();
  }

  dispose(): void {
    this.cancelPage();
    this.presence?.leave();
    this.presence = null;
    this.stopTyping?.();
    this.stopTyping = null;
    this.follower?.stop();
    this.follower = null;
  }

  /** Read the page (`count` offsets) before the oldest loaded offset into the store. */
  loadOlder(count = this.ctx.pageSize): Promise<void> {
    if (this.page) return this.page.promise;
    const { store, pageSize } = this.ctx;
    store.flush();
    const history = store.getState().timelines[this.roomId]?.history;
    if (!history || history.oldestOffset === null || !history.hasOlder) return Promise.resolve();
    const end = history.oldestOffset;
    const start = Math.max(history.floor, end - Math.max(1, Math.min(count, pageSize)));
    const abort = new AbortController();
    store.setHistory(this.roomId, { loading: true, error: null });
    const promise = readPage(this.ctx.session, this.destination, start, end, { timeout: this.ctx.historyTimeout, signal: abort.signal }).then(
      ({ messages, firstOffset }) => {
        if (this.page === entry) this.page = null;
        const batch: Incoming[] = [];
        for (const message of messages) {
          const envelope = this.validate(message);
          if (envelope) batch.push(envelope);
        }
        store.receiveAll(batch);
        store.flush();
        // Everything in [reached, end) is now folded. If the broker started
        // above `start`, retention cut the stream there: nothing older exists.
        const reached = firstOffset === null ? end : Math.min(Math.max(firstOffset, start), end);
        const current = store.getState().timelines[this.roomId]?.history.oldestOffset ?? end;
        const truncated = firstOffset === null || firstOffset > start;
        store.setHistory(this.roomId, {
          loading: false,
          oldestOffset: Math.min(current, reached),
          ...(truncated ? { floor: reached } : {}),
        });
      },
      (error: unknown) => {
        if (this.page === entry) this.page = null;
        // A cancelled page another one replaced: the history state is that one's.
        else if (this.page !== null) return;
        const message = errorText(error);
        store.setHistory(this.roomId, { loading: false, error: abort.signal.aborted ? null : message });
        if (!abort.signal.aborted) {
          this.ctx.report(new ChatError('history-failed', `loading history of ${this.roomId} failed: ${message}`, { roomId: this.roomId, cause: error }));
        }
      },
    );
    const entry = { promise, abort };
    this.page = entry;
    return promise;
  }

  /**
   * Cancel the page being read and forget it now, not when its promise
   * settles: a view that closes and reopens the room in the same task (React
   * StrictMode, a remount) must start a new page, not wait on a dead one.
   */
  private cancelPage(): void {
    const page = this.page;
    this.page = null;
    page?.abort.abort();
  }

  /** Make sure an open room shows at least a page: load older history while it has fewer. */
  private fillPage(widen = false): void {
    const timeline = this.ctx.store.getState().timelines[this.roomId];
    if (!timeline || this.opens === 0 || this.page) return;
    const { pageSize } = this.ctx;
    // Only what came from the stream counts: local sends are not history.
    const loaded = timeline.data.records.size;
    const oldest = timeline.history.oldestOffset;
    if (loaded < pageSize && timeline.history.hasOlder) {
      // After a page without messages, read whole pages, not the few offsets still missing.
      void this.loadOlder(widen ? pageSize : pageSize - loaded).then(() => {
        const after = this.ctx.store.getState().timelines[this.roomId];
        const reached = after?.history.oldestOffset ?? null;
        // The page may hold no message at all (a tail of reads or reactions):
        // read on while the page moved back; stop when it did not (failed,
        // cancelled), so a broken read never loops.
        if (after && reached !== null && (oldest === null || reached < oldest)) this.fillPage(after.data.records.size === loaded);
      });
    }
  }

  /** The live stream is being read. */
  get following(): boolean {
    return this.follower !== null;
  }

  private follow(): void {
    if (this.follower) return;
    this.ctx.store.flush();
    const newest = this.ctx.store.getState().timelines[this.roomId]?.history.newestOffset ?? null;
    // Our sends the broker confirmed before we followed are in the stream
    // before where we start: they come back in order through paging, so their
    // local copies go (pending and failed ones stay).
    if (newest === null) this.ctx.store.dropSent(this.roomId);
    const threads = this.ctx.threadReads(this.roomId);
    if (threads) this.ctx.store.restoreThreadReads(this.roomId, threads);
    // Where the user stopped reading before a reload: follow from just after
    // it, so what came since is read and counts as unread.
    const readTo = newest === null ? this.ctx.readPosition(this.roomId) : undefined;
    if (readTo !== undefined) this.ctx.store.setHistory(this.roomId, { followedFrom: readTo });
    // Reading from `last`: the first message marks where we joined (see
    // `HistoryState.followedFrom`). It may be the newest old message or the
    // first new one; the wire does not say, so it counts as unread.
    let anchor = newest === null && readTo === undefined;
    this.follower = new StreamFollower({
      session: this.ctx.session,
      destination: this.destination,
      start: readTo === undefined ? 'last' : { offset: readTo + 1 },
      after: newest,
      prefetch: Math.max(this.ctx.pageSize, 100),
      onMessage: (message, offset) => {
        if (anchor && offset !== null) {
          anchor = false;
          this.ctx.store.setHistory(this.roomId, { followedFrom: offset - 1 });
        }
        const envelope = this.validate(message);
        if (envelope) this.ctx.store.receive(envelope);
        if (this.wantFirstPage && this.opens > 0) {
          this.wantFirstPage = false;
          // After this task's messages are folded, fill the first page from before them.
          queueMicrotask(() => {
            this.ctx.store.flush();
            this.fillPage();
          });
        }
      },
    });
  }

  private unfollowIfIdle(): void {
    if (!this.idle) return;
    this.follower?.stop();
    this.follower = null;
  }

  private validate(message: IncomingMessage): Incoming | null {
    const result = validateRoomMessage(message, this.destination, brokerStampsTime(this.ctx.session.getSnapshot().serverInfo?.server));
    if (result.ok) {
      this.ctx.arrived(result.value.event.id);
      return { kind: 'room', envelope: result.value };
    }
    this.ctx.report(result.error);
    return null;
  }
}
