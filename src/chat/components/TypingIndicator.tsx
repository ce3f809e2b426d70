'use client';
import { useMemo } from 'react';
import { useTyping } from '../hooks';

/** "Ana is typing", "Ana and Bo are typing", "3 people are typing"; empty for nobody. */
export function describeTyping(names: readonly string[]): string {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing`;
  return `${names.length} people are typing`;
}

export interface TypingIndicatorViewProps {
  /** Display names of the people typing now (without the current user). */
  names: readonly string[];
  className?: string;
}

/**
 * Presentational typing line. Not a live region on purpose: typing changes
 * every few seconds and would flood a screen reader; the message log speaks.
 */
export function TypingIndicatorView({ names, className }: TypingIndicatorViewProps) {
  const text = describeTyping(names);
  return (
    <div
      className={['sk-typing', className].filter(Boolean).join(' ')}
      data-state={names.length ? 'typing' : 'idle'}
    >
      {text ? (
        <>
          <span className="sk-typing__dots" aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
          <span className="sk-typing__text">{text}</span>
        </>
      ) : null}
    </div>
  );
}

export interface TypingIndicatorProps {
  roomId: string;
  className?: string;
}

/** Who else is typing in `roomId`, from the chat store. */
export function TypingIndicator({ roomId, className }: TypingIndicatorProps) {
  const { typing } = useTyping(roomId);
  const names = useMemo(() => typing.map((t) => t.userId), [typing]);
  return <TypingIndicatorView names={names} className={className} />;
}
