// Shared test setup: DOM matchers for jsdom tests (harmless under node).
import '@testing-library/jest-dom/vitest';

// jsdom lays nothing out and has no element scrolling. Give every jsdom test
// (components and stories alike) minimal, layout-free scrollTo/scrollBy, for
// code that scrolls an element (the message log, stories).
if (typeof Element !== 'undefined') {
  const scrollTo = function (this: Element, a?: ScrollToOptions | number, b?: number) {
    const top = typeof a === 'object' ? a.top : b;
    if (top !== undefined) this.scrollTop = top;
  } as Element['scrollTo'];
  Element.prototype.scrollTo ??= scrollTo;
  Element.prototype.scrollBy ??= function (this: Element, a?: ScrollToOptions | number, b?: number) {
    const by = (typeof a === 'object' ? a.top : b) ?? 0;
    this.scrollTo({ top: this.scrollTop + by });
  } as Element['scrollBy'];
}

// Each test starts with empty storage (read positions, outboxes): nothing
// one test leaves behind may change another's start.
if (typeof localStorage !== 'undefined') beforeEach(() => localStorage.clear());
