'use client';
import { useChatFormat } from './locale';

/** One reaction with its count, and whether the current user is among them. */
export interface ReactionSummary {
  emoji: string;
  count: number;
  mine: boolean;
}

export interface ReactionsProps {
  reactions: readonly ReactionSummary[];
  /** Toggle: add when `mine` is false, remove when true. Without it the counts are read-only. */
  onToggle?: (emoji: string, mine: boolean) => void;
  className?: string;
}

/** Reaction buttons with counts; `aria-pressed` marks the ones the current user added. */
export function Reactions({ reactions, onToggle, className }: ReactionsProps) {
  const format = useChatFormat();
  const shown = reactions.filter((r) => r.count > 0);
  if (shown.length === 0) return null;
  return (
    <ul className={['sk-reactions', className].filter(Boolean).join(' ')} aria-label="Reactions">
      {shown.map((r) => (
        <li key={r.emoji}>
          <button
            type="button"
            className="sk-reactions__button"
            aria-pressed={r.mine}
            data-state={r.mine ? 'on' : 'off'}
            disabled={!onToggle}
            onClick={() => onToggle?.(r.emoji, r.mine)}
          >
            {r.emoji} <span className="sk-reactions__count">{format.count(r.count)}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
