'use client';
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { usePresence } from '../hooks';
import { useChatFormat } from './locale';
import { PresenceList } from './PresenceList';

export interface PresenceDrawerProps {
  roomId: string;
  /** Heading of the list and name of the button, default "Online". */
  label?: string;
  /** Offer "Message" beside each person (see `PresenceList`); the drawer closes when the direct message opens. */
  onStartDirectMessage?: (roomId: string) => void;
  className?: string;
}

const FOCUSABLE = 'button, [href], input, textarea, select, [tabindex]:not([tabindex="-1"])';

/**
 * Who is online, for narrow screens: a button with the count (for a room
 * header) opening a modal side drawer. Focus moves into the drawer and stays
 * there; Escape, the close button or a press on the backdrop close it and
 * focus returns to the button.
 */
export function PresenceDrawer({ roomId, label = 'Online', onStartDirectMessage, className }: PresenceDrawerProps) {
  const [open, setOpen] = useState(false);
  const count = usePresence(roomId).length;
  const format = useChatFormat();
  const titleId = useId();
  const trigger = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const close = () => {
    setOpen(false);
    trigger.current?.focus();
  };
  useEffect(() => {
    if (open) panel.current?.querySelector<HTMLElement>(FOCUSABLE)?.focus();
  }, [open]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      close();
      return;
    }
    if (event.key !== 'Tab' || !panel.current) return;
    // Focus stays inside while the drawer is open (it is modal).
    const all = [...panel.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
    const edge = event.shiftKey ? all[0] : all[all.length - 1];
    if (document.activeElement === edge || !panel.current.contains(document.activeElement)) {
      event.preventDefault();
      (event.shiftKey ? all[all.length - 1] : all[0])?.focus();
    }
  };

  return (
    <>
      <button
        ref={trigger}
        type="button"
        className={['sk-button sk-button--quiet sk-presence-toggle', className].filter(Boolean).join(' ')}
        aria-haspopup="dialog"
        aria-expanded={open}
        data-state={open ? 'open' : 'closed'}
        onClick={() => setOpen(true)}
      >
        <span className="sk-presence__dot" aria-hidden="true" /> {label} {format.count(count)}
      </button>
      {open ? (
        <div className="sk-drawer" data-state="open">
          <div className="sk-drawer__backdrop" aria-hidden="true" onClick={close} />
          <div ref={panel} className="sk-drawer__panel" role="dialog" aria-modal="true" aria-labelledby={titleId} onKeyDown={onKeyDown}>
            <div className="sk-drawer__header">
              <h2 className="sk-drawer__title" id={titleId}>
                People in this room
              </h2>
              <button type="button" className="sk-button sk-button--quiet" aria-label="Close" onClick={close}>
                <span aria-hidden="true">✕</span>
              </button>
            </div>
            <PresenceList
              roomId={roomId}
              label={label}
              onStartDirectMessage={
                onStartDirectMessage
                  ? (dm) => {
                      setOpen(false);
                      onStartDirectMessage(dm);
                    }
                  : undefined
              }
            />
          </div>
        </div>
      ) : null}
    </>
  );
}
