'use client';
import type { MessageData } from './Message';

export interface MessageStatusProps {
  message: MessageData;
  offline?: boolean;
  onRetry?: (id: string) => void;
  onDiscard?: (id: string) => void;
}

/** The state of the user's own send in plain words: "Sending…", "Waiting for connection", "Couldn't send" with Retry and Discard. */
export function MessageStatus({ message, offline, onRetry, onDiscard }: MessageStatusProps) {
  if (message.status === 'pending') {
    return (
      <span className="sk-message__status" data-waiting={offline ? '' : undefined}>
        {offline ? 'Waiting for connection' : 'Sending…'}
      </span>
    );
  }
  if (message.status !== 'failed') return null;
  return (
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
  );
}
