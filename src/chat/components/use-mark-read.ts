import { useEffect, useRef } from 'react';

/**
 * Calls `markRead` while the newest message is in view: at most once per
 * `interval` ms (a burst is one read event, not one per frame), never for a
 * hidden tab. The pending timer lives in a ref: it is a handle, not state,
 * and must not cause a render.
 */
export function useMarkRead(markRead: () => void, inView: boolean, lastId: string | undefined, interval = 1000): void {
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => {
    if (!inView || !lastId || document.visibilityState === 'hidden' || timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = undefined;
      markRead();
    }, interval);
  }, [inView, lastId, markRead, interval]);
  // Forget the handle too: under StrictMode the effect is torn down and run
  // again, and a stale handle would stop every later markRead.
  useEffect(
    () => () => {
      clearTimeout(timer.current);
      timer.current = undefined;
    },
    [],
  );
}
