import { useEffect, useRef, useSyncExternalStore } from 'react';
import type { ChatStore } from '../store';

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

const onVisibility = (listener: () => void): (() => void) => {
  document.addEventListener('visibilitychange', listener);
  return () => document.removeEventListener('visibilitychange', listener);
};
const isVisible = (): boolean => document.visibilityState !== 'hidden';
const visibleOnServer = (): boolean => false;

/**
 * Tells the store while the user sees the room's newest message (at the
 * bottom, tab visible): its unread count is 0 meanwhile, so the open room
 * never flashes a badge between a message arriving and its read marker.
 */
export function useReading(store: ChatStore, roomId: string, atBottom: boolean): void {
  const visible = useSyncExternalStore(onVisibility, isVisible, visibleOnServer);
  const reading = atBottom && visible;
  useEffect(() => {
    store.setReading(roomId, reading);
    return () => store.setReading(roomId, false);
  }, [store, roomId, reading]);
}

/**
 * Tells the store while the user sees the thread (its panel open, tab
 * visible): its replies are read as they arrive, and the badge on the
 * thread's first message goes (and stays gone after a reload).
 */
export function useViewingThread(store: ChatStore, roomId: string, parentId: string): void {
  const visible = useSyncExternalStore(onVisibility, isVisible, visibleOnServer);
  useEffect(() => {
    if (!visible) return;
    store.setViewingThread(roomId, parentId, true);
    return () => store.setViewingThread(roomId, parentId, false);
  }, [store, roomId, parentId, visible]);
}
