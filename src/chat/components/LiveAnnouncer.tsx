'use client';
import { useEffect, useRef } from 'react';
import type { MessageData } from './Message';

/** "New message from Ana: hi", "3 new messages from Ana", "5 new messages from Ana and Bo", "9 new messages from 4 people". */
export function summarizeNew(messages: readonly MessageData[]): string {
  if (messages.length === 0) return '';
  const authors = [...new Set(messages.map((m) => m.authorName ?? m.authorId))];
  if (messages.length === 1) {
    const text = messages[0].text.length > 120 ? `${messages[0].text.slice(0, 120)}…` : messages[0].text;
    return `New message from ${authors[0]}: ${text}`;
  }
  const from =
    authors.length === 1 ? authors[0] : authors.length === 2 ? `${authors[0]} and ${authors[1]}` : `${authors.length} people`;
  return `${messages.length} new messages from ${from}`;
}

export interface LiveAnnouncerProps {
  /** The room's messages in order; only ones appended after the first render are announced. */
  messages: readonly MessageData[];
  /** Messages by this user are not announced (they know). */
  currentUserId?: string;
  /** Minimum ms between two announcements; arrivals in between are summarised together. Default 2000. */
  interval?: number;
}

/**
 * The one polite live region of the message list. It does not mirror the
 * list (the `role="log"` is muted): it speaks a short summary of what was
 * appended, at most once per `interval`, so a burst of 50 messages is one
 * sentence, and history loading above is never read out.
 */
export function LiveAnnouncer({ messages, currentUserId, interval = 2000 }: LiveAnnouncerProps) {
  // Written straight to the DOM node: an announcement is a side channel, and
  // making it React state would cost a commit of its own outside any frame.
  const region = useRef<HTMLDivElement>(null);
  const lastId = useRef<string | null>(null);
  const buffer = useRef<MessageData[]>([]);
  const lastSpoke = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    const tail = messages.length ? messages[messages.length - 1].id : null;
    const previous = lastId.current;
    lastId.current = tail;
    if (previous === null || tail === previous) return; // first fill or nothing appended
    const from = messages.findIndex((m) => m.id === previous);
    if (from < 0) return; // the old tail is gone (room switched or trimmed): nothing to tell
    const fresh = messages
      .slice(from + 1)
      .filter((m) => m.authorId !== currentUserId && !m.deleted && m.status === 'sent');
    if (fresh.length === 0) return;
    buffer.current.push(...fresh);

    const flush = () => {
      timer.current = undefined;
      lastSpoke.current = Date.now();
      if (region.current) region.current.textContent = summarizeNew(buffer.current);
      buffer.current = [];
    };
    if (timer.current !== undefined) return; // a flush is already scheduled
    const wait = lastSpoke.current + interval - Date.now();
    if (wait <= 0) flush();
    else timer.current = setTimeout(flush, wait);
  }, [messages, currentUserId, interval]);

  useEffect(() => () => clearTimeout(timer.current), []);

  return <div ref={region} className="sk-visually-hidden" aria-live="polite" aria-atomic="true" />;
}
