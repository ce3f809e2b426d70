import { LogLayout } from '../../../src/chat/components/log-layout';

const keys = (n: number, prefix = 'k') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('LogLayout', () => {
  it('at the bottom: the newest rows that fill the viewport plus the overscan, spacers for the rest', () => {
    const layout = new LogLayout(50, 100);
    const all = keys(100);
    const range = layout.range(all, { kind: 'bottom' }, 500);
    // 500 px viewport + 100 px overscan at 50 px a row = 12 rows.
    expect(range).toEqual({ start: 88, end: 100, before: 88 * 50, after: 0 });
  });

  it('uses measured heights and the mean of them for rows not measured yet', () => {
    const layout = new LogLayout(50, 0);
    const all = keys(10);
    expect(layout.measure('k9', 100)).toBe(true);
    expect(layout.measure('k9', 100)).toBe(false); // unchanged
    layout.measure('k8', 20);
    expect(layout.estimate).toBe(60);
    const range = layout.range(all, { kind: 'bottom' }, 150);
    // k9 (100) + k8 (20) + k7 (60, estimated) reach 150.
    expect(range.start).toBe(7);
    expect(range.before).toBe(7 * 60);
  });

  it('holding an anchor row: rows around it, whatever was appended below or prepended above', () => {
    const layout = new LogLayout(50, 100);
    const all = keys(100);
    const anchored = layout.range(all, { kind: 'anchor', key: 'k40', offset: 0 }, 500);
    // 100 px of overscan above the anchor (2 rows), 500 + 100 px from it down (12 rows).
    expect(anchored).toEqual({ start: 38, end: 52, before: 38 * 50, after: 48 * 50 });

    const withOlder = [...keys(30, 'old'), ...all, ...keys(30, 'new')];
    const after = layout.range(withOlder, { kind: 'anchor', key: 'k40', offset: 0 }, 500);
    expect(withOlder.slice(after.start, after.end)).toEqual(all.slice(38, 52));
    expect(after.before).toBe(68 * 50);
  });

  it('an anchor partly scrolled out (negative offset) still renders what fills the viewport below it', () => {
    const layout = new LogLayout(50, 0);
    const range = layout.range(keys(100), { kind: 'anchor', key: 'k10', offset: -40 }, 100);
    // k10 shows 10 px, then 90 px more: k11, k12 (to 110 px past its top, from 140 wanted → k10..k12).
    expect(range.start).toBe(10);
    expect(range.end).toBe(13);
  });

  it('falls back to the bottom when the anchor row is gone', () => {
    const layout = new LogLayout(50, 0);
    expect(layout.range(keys(20), { kind: 'anchor', key: 'gone', offset: 0 }, 100)).toEqual({ start: 18, end: 20, before: 900, after: 0 });
  });

  it('covers: a small scroll within the overscan needs no new rows, a long one does', () => {
    const layout = new LogLayout(50, 300);
    const all = keys(200);
    const rendered = layout.range(all, { kind: 'anchor', key: 'k100', offset: 0 }, 500);
    expect(layout.covers(rendered, all, { kind: 'anchor', key: 'k98', offset: 0 }, 500)).toBe(true);
    expect(layout.covers(rendered, all, { kind: 'anchor', key: 'k80', offset: 0 }, 500)).toBe(false);
    expect(layout.covers(rendered, all, { kind: 'bottom' }, 500)).toBe(false);
  });

  it('forgets the heights of rows that left the list', () => {
    const layout = new LogLayout(50, 0);
    layout.measure('a', 10);
    layout.measure('b', 30);
    layout.retain(new Set(['b']));
    expect(layout.estimate).toBe(30);
    expect(layout.sizeOf('a')).toBe(30); // estimated again
  });

  it('locate: the row at a distance from the first row, skipping rows that may not anchor', () => {
    const layout = new LogLayout(50, 0);
    const all = ['day:1', 'a', 'b', 'day:2', 'c'];
    expect(layout.locate(all, 0)).toEqual({ index: 0, top: 0 });
    expect(layout.locate(all, 120)).toEqual({ index: 2, top: 100 });
    const message = (key: string) => !key.startsWith('day:');
    expect(layout.locate(all, 10, message)).toEqual({ index: 1, top: 50 });
    expect(layout.locate(all, 160, message)).toEqual({ index: 4, top: 200 });
    expect(layout.locate(all, 10_000)).toEqual({ index: 4, top: 200 }); // past the end: the last row
    expect(layout.locate([], 0)).toBeNull();
    expect(layout.offsetOf(all, 3)).toBe(150);
  });

  it('an empty list renders nothing', () => {
    expect(new LogLayout().range([], { kind: 'bottom' }, 500)).toEqual({ start: 0, end: 0, before: 0, after: 0 });
  });
});
