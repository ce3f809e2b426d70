import { VirtualLog } from '../../../src/chat/components/virtual-log';

// A scroller and rows laid out by hand: rows of fixed height stacked from the
// top of the content, so positions follow from scrollTop like in a browser.
// (Chromium runs the same class for real in test/browser/storybook.test.ts.)
const ROW = 50;

class FakeScroller {
  scrollTop = 0;
  clientHeight = 500;
  rows: string[] = [];
  private scrollListener: (() => void) | null = null;
  get scrollHeight(): number {
    return this.rows.length * ROW;
  }
  getBoundingClientRect() {
    return { top: 0 } as DOMRect;
  }
  addEventListener(_type: string, listener: () => void) {
    this.scrollListener = listener;
  }
  removeEventListener() {
    this.scrollListener = null;
  }
  /** The user scrolls: the position moves, then the scroll event fires. */
  scrollTo(top: number) {
    this.scrollTop = top;
    this.scrollListener?.();
  }
  row(key: string) {
    return {
      dataset: { key },
      getBoundingClientRect: () => {
        const top = this.rows.indexOf(key) * ROW - this.scrollTop;
        return { top, bottom: top + ROW, height: ROW } as DOMRect;
      },
    } as unknown as HTMLElement;
  }
}

function setup(keys: string[]) {
  const events: boolean[] = [];
  const log = new VirtualLog({ onAtBottomChange: (b) => events.push(b), onStartReached: () => undefined });
  const scroller = new FakeScroller();
  scroller.rows = keys;
  log.attachScroller(scroller as unknown as HTMLElement);
  // Like React: rows leaving the range are detached, new ones attached, then the commit is reported.
  const mounted = new Map<string, () => void>();
  const mount = (all: string[]) => {
    scroller.rows = all;
    const range = log.range(all, false);
    const wanted = new Set(all.slice(range.start, range.end));
    for (const [key, detach] of mounted) {
      if (!wanted.has(key)) {
        detach();
        mounted.delete(key);
      }
    }
    for (const key of wanted) if (!mounted.has(key)) mounted.set(key, log.attachRow(key, scroller.row(key)));
    log.committed(all, range, false);
    return range;
  };
  return { log, scroller, events, mount };
}

const keys = (n: number, prefix = 'm') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('VirtualLog', () => {
  it('starts at the bottom and stays there as rows arrive', () => {
    const { scroller, mount, events } = setup([]);
    mount(keys(40));
    expect(scroller.scrollTop).toBe(40 * ROW - 500);
    mount(keys(45));
    expect(scroller.scrollTop).toBe(45 * ROW - 500);
    expect(events).toEqual([]);
  });

  it('scrolled up, it holds the row being read while rows arrive below and above', () => {
    const { scroller, mount, events } = setup([]);
    mount(keys(40));
    scroller.scrollTo(600 + 20); // m12 is 20 px above the viewport top
    expect(events).toEqual([false]);
    mount(keys(50)); // newer rows below: nothing moves
    expect(scroller.scrollTop).toBe(620);
    mount([...keys(10, 'old'), ...keys(50)]); // an older page above
    expect(scroller.scrollTop).toBe(620 + 10 * ROW);
  });

  it('goes back to the bottom when the row it held is gone (another conversation)', () => {
    const { scroller, mount, events } = setup([]);
    mount(keys(40));
    scroller.scrollTo(300);
    mount(keys(30, 'other'));
    expect(scroller.scrollTop).toBe(30 * ROW - 500);
    expect(events).toEqual([false, true]);
  });

  it('asks for a new range only when a scroll leaves the rendered rows', () => {
    const { log, scroller, mount } = setup([]);
    const all = keys(200);
    mount(all);
    let renders = 0;
    log.subscribe(() => (renders += 1));
    scroller.scrollTo(scroller.scrollTop - 100); // within the overscan
    expect(renders).toBe(0);
    scroller.scrollTo(1000); // far above what is mounted
    expect(renders).toBe(1);
  });
});
