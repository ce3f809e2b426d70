/**
 * The scroll side of the message log, outside React: it watches the scroller
 * and the rendered rows (scroll events, a ResizeObserver), keeps the reader's
 * place — at the bottom, or a row held at its distance from the viewport top —
 * and tells React to render again only when the rendered rows no longer cover
 * the viewport. React observes it through `subscribe`/`getVersion`
 * (`useSyncExternalStore`), so a burst of messages costs one commit per
 * batch, and a scroll re-renders every few hundred px, not per event.
 *
 * Scroll anchoring is ours (the scroller has `overflow-anchor: none`): the
 * browser's is missing in Safari and would fight the corrections made here.
 */
import { EMPTY_RANGE, LogLayout, type LogPosition, type LogRange } from './log-layout';

export interface VirtualLogCallbacks {
  /** The reader reached (true) or left (false) the bottom. */
  onAtBottomChange(atBottom: boolean): void;
  /** The top of the loaded rows is in view: time to load older ones. */
  onStartReached(): void;
}

const BOTTOM: LogPosition = { kind: 'bottom' };
/** Viewport assumed before the scroller is measured (and where nothing is laid out, e.g. jsdom). */
const ASSUMED_VIEWPORT = 800;

export class VirtualLog {
  readonly layout = new LogLayout();
  private position: LogPosition = BOTTOM;
  private atBottom = true;
  private measuredViewport = 0;
  private scroller: HTMLElement | null = null;
  private readonly rows = new Map<string, HTMLElement>();
  private observer: ResizeObserver | null = null;
  private keys: readonly string[] = [];
  private rendered: LogRange = EMPTY_RANGE;
  private version = 0;
  private readonly listeners = new Set<() => void>();
  private pending: ReturnType<typeof setTimeout> | null = null;
  /** scrollTop after the last scroll we saw or made: tells the reader's upward moves from ours. */
  private lastScrollTop = 0;
  /** A return to the bottom decided during a commit, told to React after it (not nested in it). */
  private announceBottom = false;
  /** The oldest key older rows were last asked for: asked once, until it changes or the reader leaves the top. */
  private startAskedAt: string | undefined;
  /** The newest key at the last commit: a new one of the user's own makes the log follow. */
  lastKey: string | undefined;

  /**
   * @param canAnchor - rows that may hold the reader's place. A row that
   *   moves when others arrive (a day separator jumps up to the older
   *   messages of its day) must not: the view would move with it.
   */
  constructor(
    private readonly callbacks: VirtualLogCallbacks,
    private readonly canAnchor: (key: string) => boolean = () => true,
    private readonly atBottomThreshold = 48,
  ) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getVersion = (): number => this.version;

  get viewport(): number {
    return this.measuredViewport || ASSUMED_VIEWPORT;
  }

  /** The rows to render for `keys` now; `stick` follows the bottom whatever the position. */
  range(keys: readonly string[], stick: boolean): LogRange {
    return this.layout.range(keys, stick ? BOTTOM : this.positionIn(keys), this.viewport);
  }

  /** Binds the scrolling element; returns the unbinding. */
  attachScroller(element: HTMLElement): () => void {
    this.scroller = element;
    element.addEventListener('scroll', this.onScroll, { passive: true });
    this.observe(element);
    this.readViewport();
    return () => {
      element.removeEventListener('scroll', this.onScroll);
      this.observer?.disconnect();
      this.observer = null;
      if (this.pending !== null) clearTimeout(this.pending);
      this.pending = null;
      this.scroller = null;
    };
  }

  /** A row was mounted: measure it and watch its size. Returns the unbinding. */
  attachRow(key: string, element: HTMLElement): () => void {
    this.rows.set(key, element);
    this.measureRow(key, element);
    this.observe(element);
    return () => {
      if (this.rows.get(key) === element) this.rows.delete(key);
      this.observer?.unobserve(element);
    };
  }

  /**
   * After each commit (rows attached and measured first, as child effects
   * run before their parent's): put the reader back where they were.
   */
  committed(keys: readonly string[], rendered: LogRange, stick: boolean): void {
    if (keys !== this.keys) this.layout.retain(new Set(keys));
    const position = this.positionIn(keys);
    if (position.kind === 'bottom') this.follow(false);
    else this.position = position;
    this.keys = keys;
    this.rendered = rendered;
    this.lastKey = keys[keys.length - 1];
    if (stick) this.follow(false);
    this.restore();
    // Measurements may show the rows fall short of the viewport, and loading
    // older rows updates the store: either from here would nest a second
    // commit in this one, so the next task does both.
    this.settleSoon();
  }

  /** "Jump to latest": to the bottom, and render the newest rows. */
  scrollToBottom(): void {
    this.follow();
    this.restore();
    this.bump();
  }

  private onScroll = (): void => {
    const scroller = this.scroller;
    if (!scroller) return;
    const fromBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight;
    // Any move up leaves the bottom, however small (keys, trackpads); within
    // the threshold only a move down, or reaching the very end, returns to it.
    const up = scroller.scrollTop < this.lastScrollTop - 0.5;
    this.lastScrollTop = scroller.scrollTop;
    if (fromBottom < 1 || (!up && fromBottom <= this.atBottomThreshold)) this.follow();
    else {
      const anchor = this.anchorAt();
      if (anchor) this.position = anchor;
      if (this.atBottom) {
        this.atBottom = false;
        this.announceBottom = false;
        this.callbacks.onAtBottomChange(false);
      }
    }
    if (scroller.scrollTop > this.viewport) this.startAskedAt = undefined;
    if (!this.covered()) this.bump();
    this.checkStart();
  };

  private onResize = (entries: ResizeObserverEntry[]): void => {
    let changed = false;
    for (const entry of entries) {
      const target = entry.target as HTMLElement;
      if (target === this.scroller) changed = this.readViewport() || changed;
      else {
        const key = target.dataset.key;
        if (key !== undefined && this.rows.get(key) === target) changed = this.measureRow(key, target) || changed;
      }
    }
    if (!changed) return;
    this.restore();
    if (!this.covered()) this.bump();
  };

  /**
   * Back to following the newest rows. During a commit (`now` false) React
   * hears of it from the next task: a state update from a layout effect would
   * be a second, nested commit.
   */
  private follow(now = true): void {
    this.position = BOTTOM;
    if (this.atBottom) return;
    this.atBottom = true;
    if (now) this.callbacks.onAtBottomChange(true);
    else {
      this.announceBottom = true;
      this.settleSoon();
    }
  }

  /**
   * The reader's place in `keys`: a held row that is gone (a discarded
   * message) hands over to its nearest surviving neighbour, below first;
   * with none left (another conversation) the place is the bottom.
   */
  private positionIn(keys: readonly string[]): LogPosition {
    const position = this.position;
    if (position.kind === 'bottom' || keys === this.keys || keys.includes(position.key)) return position;
    const kept = new Set(keys);
    const at = this.keys.indexOf(position.key);
    for (let d = 1; at >= 0 && d < this.keys.length; d += 1) {
      for (const key of [this.keys[at + d], this.keys[at - d]]) {
        if (key !== undefined && kept.has(key) && this.canAnchor(key)) return { kind: 'anchor', key, offset: position.offset };
      }
    }
    return BOTTOM;
  }

  /** Scroll so the reader's place shows: the bottom, or the anchor row at its offset. */
  private restore(): void {
    const scroller = this.scroller;
    if (!scroller) return;
    const position = this.position;
    if (position.kind === 'bottom') {
      const max = scroller.scrollHeight - scroller.clientHeight;
      if (Math.abs(scroller.scrollTop - max) >= 1) scroller.scrollTop = max;
      this.lastScrollTop = scroller.scrollTop;
      return;
    }
    const row = this.rows.get(position.key);
    if (!row) return;
    const offset = () => row.getBoundingClientRect().top - scroller.getBoundingClientRect().top;
    const delta = offset() - position.offset;
    if (Math.abs(delta) < 0.5) return;
    scroller.scrollTop += delta;
    this.lastScrollTop = scroller.scrollTop;
    // At an edge the scroll is clamped (a row above grew while scrolled to
    // the top): the row is where it is now, and that is the place to keep.
    this.position = { kind: 'anchor', key: position.key, offset: offset() };
  }

  /**
   * The row that holds the reader's place now: the first rendered row that
   * may anchor and is in view. When none is (a jump by the scrollbar far
   * into a spacer), the row the layout puts at the viewport top: anchoring
   * on a rendered row far away would render everything in between, or leave
   * the viewport blank and later snap back to it.
   */
  private anchorAt(): LogPosition | null {
    const scroller = this.scroller;
    if (!scroller) return null;
    const top = scroller.getBoundingClientRect().top;
    const bottom = top + scroller.clientHeight;
    let origin: number | null = null; // viewport y of the first row's top, from whichever row is rendered
    for (let i = this.rendered.start; i < this.rendered.end; i += 1) {
      const key = this.keys[i];
      const box = this.rows.get(key)?.getBoundingClientRect();
      if (!box) continue;
      origin ??= box.top - this.layout.offsetOf(this.keys, i);
      if (this.canAnchor(key) && box.bottom > top && box.top < bottom) return { kind: 'anchor', key, offset: box.top - top };
    }
    if (origin === null) return null;
    const found = this.layout.locate(this.keys, top - origin, this.canAnchor);
    return found ? { kind: 'anchor', key: this.keys[found.index], offset: origin + found.top - top } : null;
  }

  private covered(): boolean {
    return this.layout.covers(this.rendered, this.keys, this.position, this.viewport);
  }

  /** Near the top of the loaded rows (or they do not fill the viewport): ask for older ones. */
  private checkStart(): void {
    const scroller = this.scroller;
    // Without layout (jsdom) nothing is "in view"; loading stays explicit there.
    if (!scroller || this.measuredViewport === 0 || this.rendered.start > 0) return;
    // A scroller as tall as its content (no height set on it) shows every row: loading on would read all history.
    if (scroller.clientHeight > this.viewport) return;
    // Once per oldest row: a page that failed is not asked for again until the reader comes back to the top.
    const oldest = this.keys[0];
    if (scroller.scrollTop > this.viewport / 2 || oldest === this.startAskedAt) return;
    this.startAskedAt = oldest;
    this.callbacks.onStartReached();
  }

  private measureRow(key: string, element: HTMLElement): boolean {
    const height = element.getBoundingClientRect().height;
    // Zero means not laid out (jsdom, a hidden tab): keep the estimate.
    return height > 0 && this.layout.measure(key, height);
  }

  private readViewport(): boolean {
    // Never more than the window: a scroller without a set height grows with its rows.
    const window = globalThis.innerHeight;
    const height = Math.min(this.scroller?.clientHeight ?? 0, window > 0 ? window : Infinity);
    if (height === this.measuredViewport) return false;
    this.measuredViewport = height;
    return true;
  }

  private observe(element: HTMLElement): void {
    if (typeof ResizeObserver === 'undefined') return;
    this.observer ??= new ResizeObserver(this.onResize);
    this.observer.observe(element);
  }

  private settleSoon(): void {
    if (this.pending !== null) return;
    this.pending = setTimeout(() => {
      this.pending = null;
      if (this.announceBottom) {
        this.announceBottom = false;
        if (this.atBottom) this.callbacks.onAtBottomChange(true);
      }
      if (!this.covered()) this.bump();
      this.checkStart();
    }, 0);
  }

  private bump(): void {
    this.version += 1;
    for (const listener of this.listeners) listener();
  }
}
