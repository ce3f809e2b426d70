import { useState } from 'react';
import { firstMessageIndex, type ListItem } from './list-items';

/** Virtuoso needs a large positive start so it can count down as pages load above. */
export const FIRST_INDEX_START = 1_000_000_000;

/**
 * Virtuoso's `firstItemIndex` for `items`: lowered by the number of rows
 * that appeared above the previous first message when older history is
 * prepended, so the visible message stays where it is. Anchoring on the
 * first message (not the first row) handles the day separator that moves up
 * to the top with the older messages of the same day.
 */
export function useFirstItemIndex(items: readonly ListItem[]): number {
  const [tracked, setTracked] = useState(() => ({ items, anchor: anchorOf(items), first: FIRST_INDEX_START }));
  if (tracked.items === items) return tracked.first;

  let first = tracked.first;
  const anchor = anchorOf(items);
  if (tracked.anchor && anchor && anchor.key !== tracked.anchor.key) {
    const moved = items.findIndex((item) => item.key === tracked.anchor?.key);
    if (moved > tracked.anchor.index) first -= moved - tracked.anchor.index;
  }
  // Adjusting state during render (React's "previous props" pattern): no extra commit.
  setTracked({ items, anchor, first });
  return first;
}

function anchorOf(items: readonly ListItem[]): { key: string; index: number } | null {
  const index = firstMessageIndex(items);
  return index < 0 ? null : { key: items[index].key, index };
}
