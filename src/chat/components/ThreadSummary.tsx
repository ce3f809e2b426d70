'use client';
import type { ThreadSummary as Summary } from '../state';
import { Avatar } from './Avatar';
import { useChatFormat } from './locale';
import { useChatUser } from './users';

export interface ThreadSummaryProps {
  summary: Summary;
  /** Opens the thread. */
  onOpen(): void;
}

/**
 * Under a thread's first message: the last repliers' avatars and "3 replies",
 * a button opening the thread; "2 new" (`data-state="unread"`) while replies
 * from others wait unseen.
 */
export function ThreadSummary({ summary, onOpen }: ThreadSummaryProps) {
  const format = useChatFormat();
  const count = `${format.count(summary.replies)} ${summary.replies === 1 ? 'reply' : 'replies'}`;
  const unread = summary.unread ?? 0;
  const state = unread > 0 ? 'unread' : summary.replies > 0 ? 'replied' : 'empty';
  return (
    <button type="button" className="sk-thread-summary" onClick={onOpen} data-state={state}>
      <span className="sk-thread-summary__avatars" aria-hidden="true">
        {summary.lastRepliers.map((id) => (
          <Replier key={id} userId={id} />
        ))}
      </span>
      <span className="sk-thread-summary__count">{count}</span>
      {unread > 0 ? (
        <span className="sk-thread-summary__unread">
          <span className="sk-visually-hidden">, </span>
          {format.count(unread)} new
        </span>
      ) : null}
      <span className="sk-visually-hidden">, open thread</span>
      <time className="sk-thread-summary__last" dateTime={new Date(summary.lastReplyAt).toISOString()}>
        {format.time(summary.lastReplyAt)}
      </time>
    </button>
  );
}

function Replier({ userId }: { userId: string }) {
  const user = useChatUser(userId);
  return <Avatar userId={userId} name={user?.name ?? userId} image={user?.image} />;
}
