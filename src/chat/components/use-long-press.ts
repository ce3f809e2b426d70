import { useEffect, type RefObject } from 'react';

/** How long a finger rests on a message before its menu opens, ms (the platforms' own long-press is about this). */
const LONG_PRESS_MS = 500;
/** A finger that moves further than this is scrolling, not pressing, px. */
const SLOP = 10;

/**
 * Calls `onLongPress` when a touch rests on `ref`'s element; also on the
 * `contextmenu` a touch long-press fires on Android, whose native menu
 * is then suppressed. Mouse right-clicks keep the browser's menu.
 */
export function useLongPress(ref: RefObject<HTMLElement | null>, onLongPress: (() => void) | null): void {
  useEffect(() => {
    const el = ref.current;
    if (!el || !onLongPress) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let start: { x: number; y: number } | null = null;
    let touch = false;
    const cancel = () => {
      clearTimeout(timer);
      start = null;
    };
    const down = (e: PointerEvent) => {
      touch = e.pointerType === 'touch';
      if (!touch) return;
      start = { x: e.clientX, y: e.clientY };
      timer = setTimeout(() => {
        start = null;
        onLongPress();
      }, LONG_PRESS_MS);
    };
    const move = (e: PointerEvent) => {
      if (start && Math.hypot(e.clientX - start.x, e.clientY - start.y) > SLOP) cancel();
    };
    const menu = (e: Event) => {
      if (!touch) return;
      e.preventDefault();
      if (start) {
        cancel();
        onLongPress();
      }
    };
    const listeners: Array<[string, EventListener]> = [
      ['pointerdown', down as EventListener],
      ['pointermove', move as EventListener],
      ['pointerup', cancel],
      ['pointercancel', cancel],
      ['contextmenu', menu],
    ];
    for (const [type, listener] of listeners) el.addEventListener(type, listener);
    return () => {
      cancel();
      for (const [type, listener] of listeners) el.removeEventListener(type, listener);
    };
  }, [ref, onLongPress]);
}
