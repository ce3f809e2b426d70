'use client';
import type { ReactNode } from 'react';
import { useMenu } from './menu-context';

export interface MenuItemProps {
  onSelect(): void;
  /** Accessible name when the content is not text (an emoji). */
  label?: string;
  /** A key shown beside the item (e.g. "E"). */
  shortcut?: string;
  /** Styled as destructive. */
  danger?: boolean;
  className?: string;
  children?: ReactNode;
}

/** One action: Enter, Space or a click closes the menu, returns focus to the trigger, then runs `onSelect`. */
export function MenuItem({ onSelect, label, shortcut, danger, className, children }: MenuItemProps) {
  const menu = useMenu();
  const select = () => {
    menu.setOpen(false);
    menu.trigger.current?.focus();
    onSelect();
  };
  return (
    <button
      type="button"
      role="menuitem"
      tabIndex={-1}
      aria-label={label}
      title={label}
      aria-keyshortcuts={shortcut}
      data-danger={danger ? '' : undefined}
      className={className ?? 'sk-menu__item'}
      onClick={select}
    >
      {children}
      {shortcut ? (
        <kbd className="sk-menu__shortcut" aria-hidden="true">
          {shortcut}
        </kbd>
      ) : null}
    </button>
  );
}
