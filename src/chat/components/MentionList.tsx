'use client';
import { Avatar } from './Avatar';
import type { MentionCandidate } from './use-mention-combobox';

export interface MentionListProps {
  id: string;
  options: readonly MentionCandidate[];
  /** Index of the active option (the text box's `aria-activedescendant`). */
  active: number;
  optionId(index: number): string;
  onPick(candidate: MentionCandidate): void;
  onHover?(index: number): void;
  className?: string;
}

/** The people an `@` can mention, as a listbox under the composer's text box (which keeps focus). */
export function MentionList({ id, options, active, optionId, onPick, onHover, className }: MentionListProps) {
  return (
    <ul id={id} role="listbox" aria-label="Mention someone" className={['sk-mentions', className].filter(Boolean).join(' ')}>
      {options.map((option, i) => (
        <li
          key={option.id}
          id={optionId(i)}
          role="option"
          aria-selected={i === active}
          data-state={i === active ? 'active' : 'inactive'}
          className="sk-mentions__option"
          // Keeps focus in the text box: the pick happens on click.
          onMouseDown={(e) => e.preventDefault()}
          onMouseEnter={() => onHover?.(i)}
          onClick={() => onPick(option)}
        >
          <Avatar userId={option.id} name={option.name} image={option.image} />
          <bdi className="sk-mentions__name">{option.name}</bdi>
          {option.name !== option.id ? <span className="sk-mentions__login">@{option.id}</span> : null}
        </li>
      ))}
    </ul>
  );
}
