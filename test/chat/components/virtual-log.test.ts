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
    this.scrollTop = Math.max(0, Math.min(top, this.scrollHeight - this.clientHeight));
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
  const starts: string[] = [];
  const log = new VirtualLog({ onAtBottomChange: (b) => events.push(b), onStartReached: () => starts.push(scroller.rows[0]) });
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
  return { log, scroller, events, starts, mount };
}

/** The settle step VirtualLog runs in the task after a commit. */
const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));
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

  it('goes back to the bottom when no row it held survives (another conversation), telling React after the commit', async () => {
    const { scroller, mount, events } = setup([]);
    mount(keys(40));
    scroller.scrollTo(300);
    mount(keys(30, 'other'));
    expect(scroller.scrollTop).toBe(30 * ROW - 500);
    // Not from inside the commit: a state update there would nest a second commit.
    expect(events).toEqual([false]);
    await nextTask();
    expect(events).toEqual([false, true]);
  });

  it('a discarded row that held the place hands it to its neighbour: the view does not move', () => {
    const { scroller, mount } = setup([]);
    const all = keys(200);
    mount(all);
    scroller.scrollTo(60 * ROW); // m60 at the viewport top
    mount(all.filter((k) => k !== 'm60'));
    // m61 moved up into m60's place and keeps its offset there.
    expect(scroller.scrollTop).toBe(60 * ROW);
  });

  it('a jump far up (the scrollbar thumb) renders the rows at the new place, not everything in between', () => {
    const { scroller, mount } = setup([]);
    const all = keys(2000);
    mount(all);
    scroller.scrollTo(0);
    const range = mount(all);
    expect(range.start).toBe(0);
    expect(range.end - range.start).toBeLessThan(40);
  });

  it('a jump far down past the rendered rows renders there and never snaps back', () => {
    const { log, scroller, mount } = setup([]);
    const all = keys(2000);
    mount(all);
    scroller.scrollTo(1000);
    mount(all);
    let renders = 0;
    log.subscribe(() => (renders += 1));
    scroller.scrollTo(50_000);
    expect(renders).toBe(1);
    const range = mount(all);
    expect(scroller.scrollTop).toBe(50_000);
    expect(all.slice(range.start, range.end)).toContain('m1000');
  });

  it('small steps up leave the bottom even within the threshold, while rows keep arriving', () => {
    const { scroller, mount, events } = setup([]);
    mount(keys(40));
    scroller.scrollTo(scroller.scrollTop - 20);
    expect(events).toEqual([false]);
    const held = scroller.scrollTop;
    mount(keys(60));
    expect(scroller.scrollTop).toBe(held);
    // Down to the very end follows again.
    scroller.scrollTo(scroller.scrollHeight);
    expect(events).toEqual([false, true]);
  });

  it('asks for older rows once per oldest row: a failed page is not asked for again until the reader comes back', async () => {
    const { scroller, mount, starts } = setup([]);
    mount(keys(5)); // shorter than the viewport: the top is in view
    await nextTask();
    mount(keys(6));
    await nextTask();
    expect(starts).toEqual(['m0']);
    const more = [...keys(30, 'old'), ...keys(6)];
    mount(more); // a page arrived: the new top may be asked for once the reader is there
    scroller.scrollTo(0);
    mount(more);
    await nextTask();
    expect(starts).toEqual(['m0', 'old0']);
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
