/** `watchEnvironment`: the browser's network and page events reach the session's handlers, and stop reaching them once released. */
import { watchEnvironment } from '../../src/core/environment';

const globals = globalThis as { window?: unknown; document?: unknown };

afterEach(() => {
  delete globals.window;
  delete globals.document;
});

test('online, offline, pagehide and visibility changes call their handler until released', () => {
  const win = new EventTarget();
  const doc = Object.assign(new EventTarget(), { visibilityState: 'visible' });
  globals.window = win;
  globals.document = doc;
  const calls: string[] = [];
  const release = watchEnvironment(() => calls.push('retry'), () => calls.push('offline'), () => calls.push('hidden'));
  win.dispatchEvent(new Event('offline'));
  win.dispatchEvent(new Event('online'));
  win.dispatchEvent(new Event('pagehide'));
  doc.visibilityState = 'hidden';
  doc.dispatchEvent(new Event('visibilitychange'));
  doc.visibilityState = 'visible';
  doc.dispatchEvent(new Event('visibilitychange'));
  expect(calls).toEqual(['offline', 'retry', 'hidden', 'hidden', 'retry']);
  release();
  win.dispatchEvent(new Event('offline'));
  doc.dispatchEvent(new Event('visibilitychange'));
  expect(calls).toHaveLength(5);
});

test('without a window or document (Node, workers) nothing is watched and releasing is harmless', () => {
  const release = watchEnvironment(() => undefined, () => undefined, () => undefined);
  expect(() => release()).not.toThrow();
});
