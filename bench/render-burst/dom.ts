/**
 * A jsdom window as the global environment, before React is imported, so
 * React DOM renders into it as in a browser. `pretendToBeVisual` gives
 * jsdom a 60 Hz requestAnimationFrame, which the frame count below uses.
 */
import { JSDOM } from 'jsdom';

// Production React (with the profiling renderer, see index.tsx), set before React is loaded.
process.env.NODE_ENV ??= 'production';

const dom = new JSDOM('<!doctype html><html><body></body></html>', { pretendToBeVisual: true, url: 'http://localhost/' });
const win = dom.window as unknown as Window & typeof globalThis;
const g = globalThis as Record<string, unknown>;
for (const key of [
  'window',
  'document',
  'navigator',
  'HTMLElement',
  'HTMLDivElement',
  'Element',
  'Node',
  'Event',
  'KeyboardEvent',
  'MouseEvent',
  'getComputedStyle',
  'requestAnimationFrame',
  'cancelAnimationFrame',
  'MutationObserver',
] as const) {
  if (!(key in g) || key === 'navigator') {
    Object.defineProperty(globalThis, key, { value: (win as unknown as Record<string, unknown>)[key], configurable: true, writable: true });
  }
}
// jsdom implements no element scrolling; the message log scrolls to follow the output.
const proto = win.Element.prototype as Element;
proto.scrollTo = function scrollTo(this: Element, a?: ScrollToOptions | number, b?: number) {
  const top = typeof a === 'object' ? a.top : b;
  if (top !== undefined) this.scrollTop = top;
  this.dispatchEvent(new win.Event('scroll'));
} as Element['scrollTo'];
proto.scrollBy = function scrollBy(this: Element, a?: ScrollToOptions | number, b?: number) {
  const top = typeof a === 'object' ? a.top : b;
  this.scrollTo({ top: this.scrollTop + (top ?? 0) });
} as Element['scrollBy'];

// React's act() environment flag is for tests; the bench renders like an app.
g.IS_REACT_ACT_ENVIRONMENT = false;

/** Counts animation frames until stopped: the yardstick for "one commit per frame". */
export function countFrames(): { stop(): number } {
  let frames = 0;
  let running = true;
  const tick = () => {
    if (!running) return;
    frames += 1;
    win.requestAnimationFrame(tick);
  };
  win.requestAnimationFrame(tick);
  return {
    stop() {
      running = false;
      return frames;
    },
  };
}
