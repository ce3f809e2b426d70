'use client';
import { useEffect, useId, useRef, type KeyboardEvent } from 'react';

export interface ConfirmDeleteProps {
  onConfirm(): void;
  onCancel(): void;
}

/**
 * "Delete this message?" asked once, in place under the message: focus
 * goes to Cancel (the safe answer), Escape cancels.
 */
export function ConfirmDelete({ onConfirm, onCancel }: ConfirmDeleteProps) {
  const titleId = useId();
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => cancel.current?.focus(), []);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    event.stopPropagation();
    onCancel();
  };
  return (
    <div className="sk-confirm" role="alertdialog" aria-labelledby={titleId} onKeyDown={onKeyDown}>
      <p className="sk-confirm__title" id={titleId}>
        Delete this message for everyone?
      </p>
      <button type="button" className="sk-button sk-button--danger" onClick={onConfirm}>
        Delete
      </button>
      <button ref={cancel} type="button" className="sk-button sk-button--quiet" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}
