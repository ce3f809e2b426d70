'use client';
import { useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { AttachButton, useFileDrop } from './AttachButton';
import { MentionList } from './MentionList';
import { useAutogrow } from './use-autogrow';
import { useMentionCombobox } from './use-mention-combobox';
import type { ComposerViewProps } from './composer-props';

export type { ComposerViewProps } from './composer-props';

/**
 * Presentational composer. Enter sends and Shift+Enter inserts a newline,
 * except while an input method is composing (CJK, dictation): then Enter
 * belongs to the IME. When disabled the textarea stays focusable
 * (`aria-disabled` + read-only) so the reason, linked by
 * `aria-describedby`, is still announced. `@` opens a listbox of
 * `mentionCandidates`; with `onFiles`, files come by the Attach button, by
 * drag-and-drop and by paste.
 */
export function ComposerView(props: ComposerViewProps) {
  const { onSend, onTyping, typingInterval = 3000, disabledReason, notice, label = 'Message', placeholder, className } = props;
  const { editing, onCancel, onEditLast, autoFocus, mentionCandidates, onFiles, hasAttachments, busy, uploads, children } = props;
  const [own, setOwn] = useState('');
  const value = props.value ?? own;
  const composing = useRef(false);
  const lastTyping = useRef(0);
  const noteId = useId();
  const box = useRef<HTMLTextAreaElement>(null);
  useAutogrow(box, value);
  const disabled = Boolean(disabledReason);
  const note = disabledReason || (editing ? 'Editing · Enter to save · Escape to cancel' : notice) || null;

  const setValue = (next: string) => {
    if (props.value === undefined) setOwn(next);
    props.onValueChange?.(next);
  };
  const mention = useMentionCombobox(value, setValue, mentionCandidates, box);
  const drop = useFileDrop(disabled ? undefined : onFiles);
  const ready = !busy && (value.trim() !== '' || Boolean(hasAttachments));

  const send = () => {
    const text = value.trim();
    if (disabled || !ready) return;
    onSend(text);
    setValue('');
    // The send ended the typing (the client sent typing.stop): the next keystroke starts it again.
    lastTyping.current = 0;
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // Keys an input method is using are its own; keyCode 229: Safari reports the IME's Enter after compositionend.
    if (composing.current || event.nativeEvent.isComposing || event.keyCode === 229) return;
    if (mention.onKeyDown(event)) return;
    if (event.key === 'Escape' && editing && onCancel) {
      event.preventDefault();
      event.stopPropagation();
      onCancel();
    } else if (event.key === 'ArrowUp' && onEditLast && !editing && value === '') {
      event.preventDefault();
      onEditLast();
    } else if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      send();
    }
  };

  const onChange = (el: HTMLTextAreaElement) => {
    const next = el.value;
    setValue(next);
    mention.track(el);
    const now = Date.now();
    if (onTyping && next.trim() && now - lastTyping.current >= typingInterval) {
      lastTyping.current = now;
      onTyping();
    }
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    send();
  };

  return (
    <form
      className={['sk-composer', className].filter(Boolean).join(' ')}
      data-state={disabled ? 'disabled' : editing ? 'editing' : notice ? 'notice' : 'ready'}
      data-dragging={drop.dragging ? '' : undefined}
      data-attach={onFiles ? '' : undefined}
      onSubmit={onSubmit}
      {...drop.handlers}
    >
      {uploads}
      {mention.open ? (
        <MentionList id={mention.listId} options={mention.options} active={mention.index} optionId={mention.optionId} onPick={mention.pick} onHover={mention.setActive} />
      ) : null}
      {onFiles ? <AttachButton onFiles={onFiles} disabled={disabled} /> : null}
      <textarea
        ref={box}
        className="sk-composer__input"
        // The draft's direction follows what is typed (Arabic in an English page and vice versa).
        dir="auto"
        aria-label={label}
        placeholder={placeholder ?? label}
        rows={1}
        // Only where the user asked for it (Edit in a message's menu): focus never jumps on its own.
        autoFocus={autoFocus}
        value={value}
        readOnly={disabled}
        aria-disabled={disabled || undefined}
        aria-describedby={note ? noteId : undefined}
        {...mention.inputProps}
        onChange={(e) => onChange(e.target)}
        onSelect={(e) => mention.track(e.currentTarget)}
        onKeyDown={onKeyDown}
        onCompositionStart={() => (composing.current = true)}
        onCompositionEnd={() => (composing.current = false)}
      />
      <button type="submit" className="sk-button sk-composer__send" aria-disabled={disabled || !ready || undefined}>
        {editing ? 'Save' : busy ? 'Uploading…' : 'Send'}
      </button>
      {editing && onCancel ? (
        <button type="button" className="sk-button sk-button--quiet sk-composer__cancel" onClick={onCancel}>
          Cancel
        </button>
      ) : null}
      {children}
      {note ? (
        <p id={noteId} className="sk-composer__note">
          {note}
        </p>
      ) : null}
    </form>
  );
}
