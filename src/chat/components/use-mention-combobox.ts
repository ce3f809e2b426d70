'use client';
import { useId, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type RefObject } from 'react';

/** Someone who can be mentioned: `id` is the login written after `@`. */
export interface MentionCandidate {
  id: string;
  name: string;
  image?: string;
}

/** The `@query` being typed just before the caret, or null. */
export function mentionQuery(value: string, caret: number): { start: number; query: string } | null {
  const m = /(?:^|[\s(])@([^\s@]{0,64})$/u.exec(value.slice(0, caret));
  if (!m) return null;
  return { start: caret - m[1]!.length - 1, query: m[1]! };
}

const MAX_OPTIONS = 8;

/**
 * The WAI-ARIA combobox behaviour of the composer's `@` list: the text box
 * keeps focus and points at the active option (`aria-activedescendant`);
 * Arrow Up/Down move, Enter or Tab insert `@login `, Escape closes.
 */
export function useMentionCombobox(
  value: string,
  setValue: (next: string) => void,
  candidates: readonly MentionCandidate[] | undefined,
  box: RefObject<HTMLTextAreaElement | null>,
) {
  const listId = useId();
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  // Where Escape closed the list: it stays closed for that `@` until another one is typed.
  const [dismissed, setDismissed] = useState<number | null>(null);
  const nextCaret = useRef<number | null>(null);
  const found = candidates?.length ? mentionQuery(value, Math.min(caret, value.length)) : null;
  const options = useMemo(() => {
    if (!found || !candidates) return [];
    const q = found.query.toLowerCase();
    return candidates.filter((c) => c.id.toLowerCase().startsWith(q) || c.name.toLowerCase().includes(q)).slice(0, MAX_OPTIONS);
  }, [found?.query, candidates]); // eslint-disable-line react-hooks/exhaustive-deps -- the query string is the input
  const open = found !== null && found.start !== dismissed && options.length > 0;
  const index = Math.min(active, options.length - 1);

  useLayoutEffect(() => {
    if (nextCaret.current === null || !box.current) return;
    box.current.setSelectionRange(nextCaret.current, nextCaret.current);
    setCaret(nextCaret.current);
    nextCaret.current = null;
  }, [value, box]);

  const pick = (candidate: MentionCandidate) => {
    if (!found) return;
    const insert = `@${candidate.id} `;
    const end = found.start + 1 + found.query.length;
    nextCaret.current = found.start + insert.length;
    setValue(value.slice(0, found.start) + insert + value.slice(end));
    setActive(0);
    box.current?.focus();
  };

  /** Handles a key of the text box; true when the list used it. */
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>): boolean => {
    if (!open) return false;
    const n = options.length;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      setActive((index + (event.key === 'ArrowDown' ? 1 : n - 1)) % n);
    } else if (event.key === 'Enter' || event.key === 'Tab') {
      pick(options[index]!);
    } else if (event.key === 'Escape') {
      event.stopPropagation();
      setDismissed(found.start);
    } else return false;
    event.preventDefault();
    return true;
  };

  const track = (el: HTMLTextAreaElement) => {
    setCaret(el.selectionStart);
    if (dismissed !== null && mentionQuery(el.value, el.selectionStart)?.start !== dismissed) setDismissed(null);
  };

  const optionId = (i: number) => `${listId}-${i}`;
  return {
    open,
    options,
    index,
    listId,
    optionId,
    pick,
    onKeyDown,
    track,
    setActive,
    inputProps: {
      'aria-autocomplete': 'list' as const,
      'aria-controls': open ? listId : undefined,
      'aria-activedescendant': open ? optionId(index) : undefined,
    },
  };
}

export type MentionCombobox = ReturnType<typeof useMentionCombobox>;
