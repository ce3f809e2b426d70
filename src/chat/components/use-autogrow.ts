'use client';
import { useLayoutEffect, type RefObject } from 'react';

/**
 * The text box grows with its text up to the stylesheet's max-block-size,
 * then scrolls: CSS `field-sizing` where the browser has it, else measured
 * here (Safari, Firefox).
 */
export function useAutogrow(box: RefObject<HTMLTextAreaElement | null>, value: string): void {
  useLayoutEffect(() => {
    const el = box.current;
    if (!el || globalThis.CSS?.supports?.('field-sizing', 'content')) return;
    el.style.blockSize = 'auto';
    if (el.scrollHeight > 0) el.style.blockSize = `${el.scrollHeight + el.offsetHeight - el.clientHeight}px`;
  }, [box, value]);
}
