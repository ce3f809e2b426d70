'use client';
import { useRef, type ReactNode } from 'react';
import type { Attachment } from '../protocol';
import type { ThreadSummary as ThreadSummaryData } from '../state';
import { Attachments } from './Attachments';
import { Avatar } from './Avatar';
import { useChatFormat } from './locale';
import { MessageActions } from './MessageActions';
import type { MessageActionHandlers } from './message-actions';
import { MessageEditor } from './MessageEditor';
import { MessageStatus } from './MessageStatus';
import { MessageText } from './MessageText';
import { Reactions, type ReactionSummary } from './Reactions';
import { ThreadSummary } from './ThreadSummary';
import { useChatUser } from './users';

/** What a message row needs; the wired list maps store messages to this. */
export interface MessageData {
  id: string;
  authorId: string;
  /** Display name; falls back to the app's profile (`ChatProvider users`), then `authorId`. */
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
  /** A thread reply: the id of the thread's first message. */
  parentId?: string;
  /** A thread's first message: its replies so far (shown as a button opening the thread). */
  thread?: ThreadSummaryData;
  /** Logins mentioned; highlighted in the text. */
  mentions?: readonly string[];
  /** The current user is mentioned (`data-mentioned` on the row). */
  mentionsMe?: boolean;
  attachments?: readonly Attachment[];
}

export interface MessageProps {
  message: MessageData;
  /** Sent by the current user (styled and labelled as such). */
  mine?: boolean;
  /** Continues the previous message's group: same author, close in time; no avatar or header, the time shows on hover and focus. */
  grouped?: boolean;
  /** The current user: a mention of them is marked in the text. */
  currentUserId?: string;
  /** There is no connection now: a pending send says "Waiting for connection" instead of "Sending…". */
  offline?: boolean;
  onRetry?: (id: string) => void;
  onDiscard?: (id: string) => void;
  onToggleReaction?: (id: string, emoji: string, mine: boolean) => void;
  /** React, edit, delete, copy: a toolbar on hover and focus, a long-press menu on touch. */
  actions?: MessageActionHandlers;
  /** Show the inline editor in place of the text (Enter saves, Escape cancels). */
  editing?: boolean;
  className?: string;
  /** Extra content, rendered after the reactions. */
  children?: ReactNode;
}

/**
 * One message row: avatar, author and time on the first of a group (the time
 * of a follow-up shows in the gutter on hover and focus), text (as text,
 * links made safe), edited and deleted states, the state of the user's own
 * send, reactions and actions. The row is focusable; `data-state` is
 * `pending` | `sent` | `failed` | `deleted`.
 */
export function Message(props: MessageProps) {
  const { message, mine = false, grouped, currentUserId, offline, onRetry, onDiscard, onToggleReaction, actions, editing, className, children } = props;
  const format = useChatFormat();
  const user = useChatUser(message.authorId);
  const row = useRef<HTMLElement>(null);
  const author = message.authorName ?? user?.name ?? message.authorId;
  const state = message.deleted ? 'deleted' : message.status;
  // Isolated so a right-to-left page reads "11:34 AM", not "AM 11:34".
  const time = (
    <bdi className="sk-message__time">
      <time dateTime={new Date(message.createdAt).toISOString()} title={format.dateTime(message.createdAt)}>
        {format.time(message.createdAt)}
      </time>
    </bdi>
  );
  const edited = message.editedAt && !message.deleted ? <span className="sk-message__edited">(edited)</span> : null;
  return (
    <article
      ref={row}
      tabIndex={0}
      className={['sk-message', className].filter(Boolean).join(' ')}
      data-state={state}
      data-grouped={grouped ? '' : undefined}
      data-mine={mine ? '' : undefined}
      data-editing={editing ? '' : undefined}
      data-mentioned={message.mentionsMe ? '' : undefined}
      aria-label={`${author}${mine ? ' (you)' : ''}`}
    >
      <div className="sk-message__gutter">{grouped ? time : <Avatar userId={message.authorId} name={author} image={user?.image} />}</div>
      <div className="sk-message__body">
        {grouped ? null : (
          <header className="sk-message__header">
            <bdi className="sk-message__author">{author}</bdi> {time} {edited}
          </header>
        )}
        {editing && actions?.onEditSave ? (
          <MessageEditor message={message} actions={actions} />
        ) : message.deleted ? (
          <p className="sk-message__text sk-message__text--deleted">This message was deleted</p>
        ) : (
          <>
            {message.text ? (
              <MessageText text={message.text} mentions={message.mentions} currentUserId={currentUserId}>
                {grouped ? edited : null}
              </MessageText>
            ) : null}
            {message.attachments?.length ? <Attachments attachments={message.attachments} /> : null}
          </>
        )}
        <MessageStatus message={message} offline={offline} onRetry={onRetry} onDiscard={onDiscard} />
        {!message.deleted && message.reactions ? (
          <Reactions
            reactions={message.reactions}
            onToggle={onToggleReaction ? (emoji, m) => onToggleReaction(message.id, emoji, m) : undefined}
          />
        ) : null}
        {message.thread && !message.deleted && actions?.onOpenThread ? (
          <ThreadSummary summary={message.thread} onOpen={() => actions.onOpenThread?.(message.id)} />
        ) : null}
        {children}
      </div>
      {actions && !editing && !message.deleted && message.status === 'sent' ? (
        <MessageActions messageId={message.id} text={message.text} mine={mine} reply={message.parentId !== undefined} handlers={actions} row={row} />
      ) : null}
    </article>
  );
}
