/**
 * What the browser says about the network and the page, for the session:
 * `offline` (the socket may stay "open" long after, nothing closes it),
 * `online` and a hidden tab becoming visible (worth trying at once), and the
 * page being hidden or left (it may be discarded without another chance to
 * write). Absent in Node and workers; without `addEventListener` in React
 * Native: then nothing is watched.
 */
export function watchEnvironment(onRetry: () => void, onOffline: () => void, onHidden: () => void): () => void {
  const { window: win, document: doc } = globalThis as { window?: Partial<Window>; document?: Partial<Document> };
  const onVisibility = (): void => (doc?.visibilityState === 'visible' ? onRetry : onHidden)();
  const events: [Partial<EventTarget> | undefined, string, () => void][] = [
    [win, 'online', onRetry],
    [win, 'offline', onOffline],
    [win, 'pagehide', onHidden],
    [doc, 'visibilitychange', onVisibility],
  ];
  for (const [target, type, listener] of events) target?.addEventListener?.(type, listener);
  return () => {
    for (const [target, type, listener] of events) target?.removeEventListener?.(type, listener);
  };
}
