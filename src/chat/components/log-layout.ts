/**
 * Which rows of a bottom-anchored log to render, from row heights measured
 * so far (an estimate for the rest). Pure arithmetic, no DOM, so the
 * virtualizer's decisions are unit-tested without a browser; `VirtualLog`
 * (`virtual-log.ts`, the DOM side) feeds it measurements and applies its answers.
 *
 * Rows stay in normal flow between two spacers (`before`, `after`), so a row
 * whose height changes pushes the ones below it like any block would, and
 * the scroll position is corrected by anchoring on a row, not by moving rows.
 */

/** The rows to render, `[start, end)`, and the space that stands in for the others. */
export interface LogRange {
  start: number;
  end: number;
  /** Height of the rows above `start`, in px. */
  before: number;
  /** Height of the rows from `end` on, in px. */
  after: number;
}

/** Where the reader is: at the newest rows, or holding a row at a distance from the viewport top. */
export type LogPosition = { kind: 'bottom' } | { kind: 'anchor'; key: string; offset: number };

export const EMPTY_RANGE: LogRange = { start: 0, end: 0, before: 0, after: 0 };

export class LogLayout {
  private readonly sizes = new Map<string, number>();
  private measuredTotal = 0;

  /**
   * @param fallbackRowHeight - the guess for rows never measured, until some are.
   * @param overscan - px rendered beyond each edge of the viewport, so a
   *   scroll of less than this shows rows already laid out.
   */
  constructor(
    private readonly fallbackRowHeight = 48,
    readonly overscan = 600,
  ) {}

  /** The height used for rows not measured yet: the mean of those that were. */
  get estimate(): number {
    return this.sizes.size === 0 ? this.fallbackRowHeight : this.measuredTotal / this.sizes.size;
  }

  sizeOf(key: string): number {
    return this.sizes.get(key) ?? this.estimate;
  }

  /** Records a measured height; true when it differs from what was assumed. */
  measure(key: string, height: number): boolean {
    const known = this.sizes.get(key);
    if (known === height) return false;
    this.measuredTotal += height - (known ?? 0);
    this.sizes.set(key, height);
    return true;
  }

  /** Forget rows that are gone, so the cache stays as big as the list. */
  retain(keys: ReadonlySet<string>): void {
    for (const [key, size] of this.sizes) {
      if (!keys.has(key)) {
        this.sizes.delete(key);
        this.measuredTotal -= size;
      }
    }
  }

  /**
   * The rows that cover a `viewport` px tall window at `position`, plus the
   * overscan on both sides. An anchor whose row is gone falls back to the bottom.
   */
  range(keys: readonly string[], position: LogPosition, viewport: number, margin = this.overscan): LogRange {
    const n = keys.length;
    if (n === 0) return EMPTY_RANGE;
    let start: number;
    let end: number;
    const anchor = position.kind === 'anchor' ? position : null;
    const index = anchor ? keys.indexOf(anchor.key) : -1;
    if (!anchor || index < 0) {
      // The newest rows fill the viewport from below.
      end = n;
      start = this.walkBack(keys, n, viewport + margin);
    } else {
      // Rows above the anchor's top edge down to the viewport top (its offset may be negative: partly scrolled out).
      start = this.walkBack(keys, index, Math.max(0, anchor.offset) + margin);
      end = this.walkForward(keys, index, viewport - anchor.offset + margin);
    }
    return { start, end, before: this.sum(keys, 0, start), after: this.sum(keys, end, n) };
  }

  /**
   * Whether `rendered` still covers the window with a third of the overscan
   * to spare; when not, a new range is due. The slack means a scroll renders
   * again only every few hundred px, not on every scroll event.
   */
  covers(rendered: LogRange, keys: readonly string[], position: LogPosition, viewport: number): boolean {
    const wanted = this.range(keys, position, viewport, this.overscan / 3);
    return wanted.start >= rendered.start && wanted.end <= rendered.end;
  }

  /**
   * The row at `px` from the top of the first row (the estimate where rows
   * are not measured), skipping rows that may not anchor, and its top in the
   * same terms; null for an empty list or when no row after it may anchor.
   */
  locate(keys: readonly string[], px: number, canAnchor: (key: string) => boolean = () => true): { index: number; top: number } | null {
    let top = 0;
    let i = 0;
    while (i < keys.length - 1 && top + this.sizeOf(keys[i]) <= px) top += this.sizeOf(keys[i++]);
    while (i < keys.length && !canAnchor(keys[i])) top += this.sizeOf(keys[i++]);
    return i < keys.length ? { index: i, top } : null;
  }

  /** Offset of row `index` from the top of the first row. */
  offsetOf(keys: readonly string[], index: number): number {
    return this.sum(keys, 0, index);
  }

  /** Index of the first row of the `px` tall stretch that ends at row `from` (exclusive). */
  private walkBack(keys: readonly string[], from: number, px: number): number {
    let i = from;
    let filled = 0;
    while (i > 0 && filled < px) filled += this.sizeOf(keys[--i]);
    return i;
  }

  /** Index after the last row of the `px` tall stretch that starts at row `from`. */
  private walkForward(keys: readonly string[], from: number, px: number): number {
    let i = from;
    let filled = 0;
    while (i < keys.length && filled < px) filled += this.sizeOf(keys[i++]);
    return Math.max(i, from + 1);
  }

  private sum(keys: readonly string[], from: number, to: number): number {
    let total = 0;
    for (let i = from; i < to; i += 1) total += this.sizeOf(keys[i]);
    return total;
  }
}
