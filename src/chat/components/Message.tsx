'use client';
import type { ReactNode } from 'react';
import { useChatFormat } from './locale';
import { MessageText } from './MessageText';
import { Reactions, type ReactionSummary } from './Reactions';

/** What a message row needs; the wired list maps store messages to this. */
export interface MessageData {
  id: string;
  authorId: string;
  /** Display name; falls back to `authorId`. */
  authorName?: string;
  text: string;
  /** Epoch ms. */
  createdAt: number;
  status: 'pending' | 'sent' | 'failed';
  /** Why a failed send failed: for logs and apps, never shown (the row says "Couldn't send"). */
  error?: string;
  /** Epoch ms of the last edit, if edited. */
  editedAt?: number;
  deleted?: boolean;
  reactions?: readonly ReactionSummary[];
}

export interface MessageProps {
  message: MessageData;
  /** Sent by the current user (styled and labelled as such). */
  mine?: boolean;
  /** Continues the previous message's group: same author, close in time; hides the header. */
  grouped?: boolean;
  /** There is no connection now: a pending send says "Waiting for connection" instead of "Sending…". */
  offline?: boolean;
  onRetry?: (id: string) => void;
  onDiscard?: (id: string) => void;
  onToggleReaction?: (id: string, emoji: string, mine: boolean) => void;
  className?: string;
  /** Extra controls (e.g. a menu), rendered after the reactions. */
  children?: ReactNode;
}

/**
 * One message: author and time (unless grouped), text (as text, links made
 * safe), edited and deleted states, the state of the user's own send in
 * plain words ("Sending…", "Waiting for connection", "Couldn't send" with
 * Retry and Discard; never an id or a timeout), reactions. `data-state` is
 * `pending` | `sent` | `failed` | `deleted`.
 */
export function Message({ message, mine, grouped, offline, onRetry, onDiscard, onToggleReaction, className, children }: MessageProps) {
  const format = useChatFormat();
  const author = message.authorName ?? message.authorId;
  const state = message.deleted ? 'deleted' : message.status;
  const time = (
    <time className="sk-message__time" dateTime={new Date(message.createdAt).toISOString()} title={format.dateTime(message.createdAt)}>
      {format.time(message.createdAt)}
    </time>
  );
  return (
    <article
      className={['sk-message', className].filter(Boolean).join(' ')}
      data-state={state}
      data-grouped={grouped ? '' : undefined}
      data-mine={mine ? '' : undefined}
      aria-label={grouped ? undefined : `${author}${mine ? ' (you)' : ''}`}
    >
      {grouped ? (
        <span className="sk-message__gutter">{time}</span>
      ) : (
        <header className="sk-message__header">
          <span className="sk-message__author">{author}</span> {time}
        </header>
      )}
      {message.deleted ? (
        <p className="sk-message__text sk-message__text--deleted">This message was deleted</p>
      ) : (
        <MessageText text={message.text} />
      )}
      {message.editedAt && !message.deleted ? <span className="sk-message__edited">(edited)</span> : null}
      {message.status === 'pending' ? (
        <span className="sk-message__status" data-waiting={offline ? '' : undefined}>
          {offline ? 'Waiting for connection' : 'Sending…'}
        </span>
      ) : null}
      {message.status === 'failed' ? (
        <div className="sk-message__status sk-message__status--failed" role="group" aria-label="Message not sent">
          <span>Couldn't send</span>
          {onRetry ? (
            <button type="button" className="sk-button" onClick={() => onRetry(message.id)}>
              Retry
            </button>
          ) : null}
          {onDiscard ? (
            <button type="button" className="sk-button sk-button--quiet" onClick={() => onDiscard(message.id)}>
              Discard
            </button>
          ) : null}
        </div>
      ) : null}
      {!message.deleted && message.reactions ? (
        <Reactions
          reactions={message.reactions}
          onToggle={onToggleReaction ? (emoji, m) => onToggleReaction(message.id, emoji, m) : undefined}
        />
      ) : null}
      {children}
    </article>
  );
}
