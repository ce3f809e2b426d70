'use client';
import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { useChatFormat } from './locale';
import { Message, type MessageData } from './Message';
import type { MessageActionHandlers } from './message-actions';

export interface ThreadPanelViewProps {
  /** The thread's first message (undefined while its page is not loaded). */
  parent: MessageData | undefined;
  replies: readonly MessageData[];
  currentUserId?: string;
  /** Close the panel (the ✕ button and Escape); focus goes back to where it was when the panel opened. */
  onClose(): void;
  /** Actions on the parent and the replies (no "Reply in thread": threads do not nest). */
  actions?: MessageActionHandlers;
  onRetry?: (id: string) => void;
  onDiscard?: (id: string) => void;
  onToggleReaction?: (id: string, emoji: string, mine: boolean) => void;
  /** The thread's composer (`<Composer parentId>`). */
  composer?: ReactNode;
  /** Heading, default "Thread". */
  label?: string;
  /** Replies rendered at first (the newest); "Show earlier replies" adds as many again. Default 100. */
  pageSize?: number;
  className?: string;
}

/**
 * A thread beside the room (over it on narrow screens): the first message,
 * the reply count, the replies and a composer. Focus moves into the panel's
 * composer when it opens; Escape or ✕ close it and focus returns to the
 * control that opened it.
 */
export function ThreadPanelView(props: ThreadPanelViewProps) {
  const { parent, replies, currentUserId, onClose, actions, onRetry, onDiscard, onToggleReaction, composer, label = 'Thread', className } = props;
  const pageSize = props.pageSize ?? 100;
  const format = useChatFormat();
  const titleId = useId();
  const panel = useRef<HTMLElement>(null);
  const list = useRef<HTMLOListElement>(null);
  // A long thread renders from its newest `pageSize` replies on, so opening it stays cheap; older ones
  // on request. New replies add to the end and none drop off the top, so the reader's place holds.
  const [hidden, setHidden] = useState(() => Math.max(0, replies.length - pageSize));
  const focusFirst = useRef(false);
  useEffect(() => {
    if (!focusFirst.current) return;
    focusFirst.current = false;
    // The button went with the last of them: focus goes to the first reply rather than to the page.
    list.current?.querySelector<HTMLElement>('article')?.focus();
  }, [hidden]);
  const more = Math.min(hidden, pageSize);
  const showEarlier = () => {
    focusFirst.current = hidden === more;
    setHidden(hidden - more);
  };
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const el = panel.current;
    (el?.querySelector<HTMLElement>('textarea') ?? el)?.focus();
    return () => {
      // Back where the user was, unless they moved on (focus left the panel, or the opener is gone).
      const inside = el?.contains(document.activeElement) || document.activeElement === document.body;
      if (inside && opener?.isConnected) opener.focus();
    };
  }, []);
  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (event.key !== 'Escape' || event.defaultPrevented) return;
    event.stopPropagation();
    onClose();
  };
  const row = (message: MessageData) => (
    <Message
      key={message.id}
      message={message}
      mine={message.authorId === currentUserId}
      currentUserId={currentUserId}
      actions={actions}
      onRetry={onRetry}
      onDiscard={onDiscard}
      onToggleReaction={onToggleReaction}
    />
  );
  const count = `${format.count(replies.length)} ${replies.length === 1 ? 'reply' : 'replies'}`;
  return (
    <aside ref={panel} className={['sk-thread', className].filter(Boolean).join(' ')} aria-labelledby={titleId} tabIndex={-1} onKeyDown={onKeyDown} data-state="open">
      <header className="sk-thread__header">
        <h2 className="sk-thread__title" id={titleId}>
          {label}
        </h2>
        <button type="button" className="sk-button sk-button--quiet" aria-label="Close thread" onClick={onClose}>
          <span aria-hidden="true">✕</span>
        </button>
      </header>
      <div className="sk-thread__body">
        {parent ? row(parent) : <p className="sk-thread__missing">Loading the first message…</p>}
        <div className="sk-thread__count" role="status">
          {count}
        </div>
        {hidden > 0 ? (
          <button type="button" className="sk-button sk-button--quiet sk-thread__earlier" onClick={showEarlier}>
            Show {format.count(more)} earlier {more === 1 ? 'reply' : 'replies'}
          </button>
        ) : null}
        <ol ref={list} className="sk-thread__replies" aria-label="Replies">
          {(hidden > 0 ? replies.slice(hidden) : replies).map((reply) => (
            <li key={reply.id}>{row(reply)}</li>
          ))}
        </ol>
      </div>
      {composer}
    </aside>
  );
}
