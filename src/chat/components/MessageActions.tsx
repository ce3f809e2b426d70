'use client';
import { useCallback, useEffect, useState, type RefObject } from 'react';
import { ConfirmDelete } from './ConfirmDelete';
import { Menu, MenuContent, MenuItem, MenuTrigger } from './Menu';
import { QUICK_REACTIONS, copyText, type MessageActionHandlers } from './message-actions';
import { useLongPress } from './use-long-press';

export interface MessageActionsProps {
  messageId: string;
  text: string;
  /** Own message: Edit and Delete are offered. */
  mine: boolean;
  /** A thread reply: no "Reply in thread" (threads do not nest). */
  reply?: boolean;
  handlers: MessageActionHandlers;
  /** The row: a long-press on it opens the menu as a bottom sheet; E and Delete on it edit and delete. */
  row: RefObject<HTMLElement | null>;
}

type Open = 'react' | 'more' | null;

/**
 * The toolbar shown on a message on hover or focus: React (the quick
 * reactions, and the app's picker if any) and More (Reply in thread, Edit,
 * Copy text, Delete). On touch, a long-press opens More as a bottom sheet.
 */
export function MessageActions({ messageId, text, mine, reply, handlers, row }: MessageActionsProps) {
  const { onReact, onEditStart, onDelete, onOpenThread, onCopy = copyText, renderReactionPicker, quickReactions = QUICK_REACTIONS } = handlers;
  const [open, setOpen] = useState<Open>(null);
  const [sheet, setSheet] = useState(false);
  const [picker, setPicker] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const canEdit = mine && onEditStart !== undefined;
  const canDelete = mine && onDelete !== undefined;
  const openMenu = (which: Open) => {
    setOpen(which);
    if (which === null) setSheet(false);
  };
  useLongPress(
    row,
    useCallback(() => {
      setSheet(true);
      setOpen('more');
    }, []),
  );
  useEffect(() => {
    const el = row.current;
    if (!el) return;
    // Shortcuts on the focused row itself, as the menu shows them.
    const keys = (event: KeyboardEvent) => {
      if (event.target !== el || event.altKey || event.ctrlKey || event.metaKey) return;
      if (canEdit && event.key.toLowerCase() === 'e') onEditStart(messageId);
      else if (canDelete && event.key === 'Delete') setConfirming(true);
      else return;
      event.preventDefault();
    };
    el.addEventListener('keydown', keys);
    return () => el.removeEventListener('keydown', keys);
  }, [row, canEdit, canDelete, onEditStart, messageId]);

  return (
    <>
      <div className="sk-actions" role="toolbar" aria-label="Message actions" data-state={open ? 'open' : 'closed'}>
        {onReact ? (
          <Menu open={open === 'react'} onOpenChange={(o) => openMenu(o ? 'react' : null)}>
            <MenuTrigger label="Add reaction" className="sk-actions__button">
              <svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round">
                <circle cx="12" cy="12" r="9" />
                <path d="M8.5 14.5a4.5 4.5 0 0 0 7 0M9 9.5h.01M15 9.5h.01" />
              </svg>
            </MenuTrigger>
            <MenuContent className="sk-menu sk-menu--emoji" orientation="horizontal">
              {quickReactions.map((emoji) => (
                <MenuItem key={emoji} label={`React with ${emoji}`} className="sk-menu__emoji" onSelect={() => onReact(messageId, emoji)}>
                  {emoji}
                </MenuItem>
              ))}
              {renderReactionPicker ? (
                <MenuItem label="More reactions" className="sk-menu__emoji" onSelect={() => setPicker(true)}>
                  …
                </MenuItem>
              ) : null}
            </MenuContent>
          </Menu>
        ) : null}
        <Menu open={open === 'more'} onOpenChange={(o) => openMenu(o ? 'more' : null)}>
          <MenuTrigger label="More actions" className="sk-actions__button">
            <svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true" fill="currentColor">
              <circle cx="5" cy="12" r="2" />
              <circle cx="12" cy="12" r="2" />
              <circle cx="19" cy="12" r="2" />
            </svg>
          </MenuTrigger>
          <MenuContent className={sheet ? 'sk-menu sk-menu--sheet' : 'sk-menu'}>
            {onOpenThread && !reply ? <MenuItem onSelect={() => onOpenThread(messageId)}>Reply in thread</MenuItem> : null}
            {canEdit ? (
              <MenuItem shortcut="E" onSelect={() => onEditStart(messageId)}>
                Edit
              </MenuItem>
            ) : null}
            <MenuItem onSelect={() => onCopy(text)}>Copy text</MenuItem>
            {canDelete ? (
              <MenuItem shortcut="Delete" danger onSelect={() => setConfirming(true)}>
                Delete
              </MenuItem>
            ) : null}
          </MenuContent>
        </Menu>
        {picker && renderReactionPicker && onReact
          ? renderReactionPicker({
              messageId,
              onPick: (emoji) => {
                setPicker(false);
                onReact(messageId, emoji);
              },
              onClose: () => setPicker(false),
            })
          : null}
      </div>
      {confirming && onDelete ? (
        <ConfirmDelete
          onConfirm={() => {
            setConfirming(false);
            onDelete(messageId);
          }}
          onCancel={() => {
            setConfirming(false);
            row.current?.focus();
          }}
        />
      ) : null}
    </>
  );
}
