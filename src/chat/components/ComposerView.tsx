'use client';
import { useId, useLayoutEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';

export interface ComposerViewProps {
  /** Controlled text; leave undefined to let the composer hold it. */
  value?: string;
  onValueChange?: (value: string) => void;
  /** Called with the trimmed text when the user sends (Enter or the button). */
  onSend(text: string): void;
  /** Called when the user types, at most once per `typingInterval`. */
  onTyping?: () => void;
  /** ms between two `onTyping` calls. Default 3000. */
  typingInterval?: number;
  /** Why sending is impossible now (e.g. signed out); the composer is then disabled and says why. */
  disabledReason?: string | null;
  /** A note that does not block sending, e.g. "Offline — messages will be sent when you reconnect". */
  notice?: string | null;
  /** Accessible name of the text box, e.g. "Message #general". */
  label?: string;
  placeholder?: string;
  className?: string;
}

/**
 * Presentational composer. Enter sends and Shift+Enter inserts a newline,
 * except while an input method is composing (CJK, dictation): then Enter
 * belongs to the IME. When disabled the textarea stays focusable
 * (`aria-disabled` + read-only) so the reason, linked by
 * `aria-describedby`, is still announced.
 */
export function ComposerView(props: ComposerViewProps) {
  const { onSend, onTyping, typingInterval = 3000, disabledReason, notice, label = 'Message', placeholder, className } = props;
  const [own, setOwn] = useState('');
  const value = props.value ?? own;
  const composing = useRef(false);
  const lastTyping = useRef(0);
  const noteId = useId();
  const box = useRef<HTMLTextAreaElement>(null);
  // Grows with its text up to the stylesheet's max-block-size, then scrolls: CSS `field-sizing`
  // where the browser has it, else measured here (Safari, Firefox).
  useLayoutEffect(() => {
    const el = box.current;
    if (!el || globalThis.CSS?.supports?.('field-sizing', 'content')) return;
    el.style.blockSize = 'auto';
    if (el.scrollHeight > 0) el.style.blockSize = `${el.scrollHeight + el.offsetHeight - el.clientHeight}px`;
  }, [value]);
  const disabled = Boolean(disabledReason);
  const note = disabledReason || notice || null;

  const setValue = (next: string) => {
    if (props.value === undefined) setOwn(next);
    props.onValueChange?.(next);
  };

  const send = () => {
    const text = value.trim();
    if (disabled || !text) return;
    onSend(text);
    setValue('');
    // The send ended the typing (the client sent typing.stop): the next keystroke starts it again.
    lastTyping.current = 0;
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key !== 'Enter' || event.shiftKey) return;
    // keyCode 229: Safari reports the IME's Enter after compositionend.
    if (composing.current || event.nativeEvent.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    send();
  };

  const onChange = (next: string) => {
    setValue(next);
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
      data-state={disabled ? 'disabled' : notice ? 'notice' : 'ready'}
      onSubmit={onSubmit}
    >
      <textarea
        ref={box}
        className="sk-composer__input"
        // The draft's direction follows what is typed (Arabic in an English page and vice versa).
        dir="auto"
        aria-label={label}
        placeholder={placeholder ?? label}
        rows={1}
        value={value}
        readOnly={disabled}
        aria-disabled={disabled || undefined}
        aria-describedby={note ? noteId : undefined}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={onKeyDown}
        onCompositionStart={() => (composing.current = true)}
        onCompositionEnd={() => (composing.current = false)}
      />
      <button type="submit" className="sk-button sk-composer__send" aria-disabled={disabled || !value.trim() || undefined}>
        Send
      </button>
      {note ? (
        <p id={noteId} className="sk-composer__note">
          {note}
        </p>
      ) : null}
    </form>
  );
}
