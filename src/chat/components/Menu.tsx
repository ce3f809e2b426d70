'use client';
import { useCallback, useEffect, useId, useLayoutEffect, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { MenuContext, useMenu, type MenuState } from './menu-context';

export { MenuItem, type MenuItemProps } from './MenuItem';

export interface MenuProps {
  open: boolean;
  onOpenChange(open: boolean): void;
  children?: ReactNode;
}

/**
 * A menu button (WAI-ARIA "menu button" pattern) as compound parts:
 * `Menu` (state, controlled) › `MenuTrigger` + `MenuContent` › `MenuItem`.
 * Open state is in `data-state` on the trigger and the content.
 */
export function Menu({ open, onOpenChange, children }: MenuProps) {
  const triggerId = useId();
  const contentId = useId();
  const trigger = useRef<HTMLButtonElement>(null);
  const focusLast = useRef(false);
  // A stable setter: the open menu's effects must not run again (and move focus) when the owner re-renders.
  const latest = useRef(onOpenChange);
  useLayoutEffect(() => {
    latest.current = onOpenChange;
  });
  const setOpen = useCallback((next: boolean) => latest.current(next), []);
  const state: MenuState = { open, setOpen, triggerId, contentId, trigger, focusLast };
  return <MenuContext.Provider value={state}>{children}</MenuContext.Provider>;
}

export interface MenuTriggerProps {
  /** Accessible name (the trigger usually shows only an icon). */
  label: string;
  className?: string;
  children?: ReactNode;
}

/** The button that opens the menu: click, Enter, Space or Arrow Down open it at the first item, Arrow Up at the last. */
export function MenuTrigger({ label, className, children }: MenuTriggerProps) {
  const menu = useMenu();
  const openAt = (last: boolean) => {
    menu.focusLast.current = last;
    menu.setOpen(true);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    openAt(event.key === 'ArrowUp');
  };
  return (
    <button
      ref={menu.trigger}
      id={menu.triggerId}
      type="button"
      className={className}
      aria-label={label}
      title={label}
      aria-haspopup="menu"
      aria-expanded={menu.open}
      aria-controls={menu.open ? menu.contentId : undefined}
      data-state={menu.open ? 'open' : 'closed'}
      onClick={() => (menu.open ? menu.setOpen(false) : openAt(false))}
      onKeyDown={onKeyDown}
    >
      {children}
    </button>
  );
}

export interface MenuContentProps {
  className?: string;
  /** Items laid out in a row (Left/Right move, mirrored in RTL); default a column (Up/Down). */
  orientation?: 'horizontal' | 'vertical';
  children?: ReactNode;
}

const items = (menu: HTMLElement | null) => (menu ? [...menu.querySelectorAll<HTMLElement>('[role="menuitem"]')] : []);

/**
 * The open menu: focus moves into it, arrows move between items (wrapping),
 * Home and End jump, Escape closes it and returns focus to the trigger,
 * Tab or a press outside close it.
 */
export function MenuContent({ className, orientation = 'vertical', children }: MenuContentProps) {
  const menu = useMenu();
  const ref = useRef<HTMLDivElement>(null);
  const { open, setOpen, trigger, focusLast } = menu;
  useEffect(() => {
    if (!open) return;
    const el = ref.current;
    // Opens upward (rows cluster at the bottom of a chat); flips down where the top would be cut off.
    const clip = el?.closest('[role="log"]')?.getBoundingClientRect().top ?? 0;
    if (el && el.getBoundingClientRect().top < clip) el.dataset.side = 'bottom';
    const list = items(el);
    list[focusLast.current ? list.length - 1 : 0]?.focus();
    focusLast.current = false;
    const outside = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!ref.current?.contains(target) && !trigger.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, [open, setOpen, trigger, focusLast]);
  if (!open) return null;

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const list = items(ref.current);
    const at = list.indexOf(document.activeElement as HTMLElement);
    const rtl = ref.current ? getComputedStyle(ref.current).direction === 'rtl' : false;
    const [prev, next] = orientation === 'horizontal' ? (rtl ? ['ArrowRight', 'ArrowLeft'] : ['ArrowLeft', 'ArrowRight']) : ['ArrowUp', 'ArrowDown'];
    const to: Record<string, number> = { [prev]: (at - 1 + list.length) % list.length, [next]: (at + 1) % list.length, Home: 0, End: list.length - 1 };
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      setOpen(false);
      trigger.current?.focus();
    } else if (event.key === 'Tab') {
      setOpen(false);
    } else if (event.key in to) {
      event.preventDefault();
      list[to[event.key]]?.focus();
    }
  };

  return (
    <div
      ref={ref}
      id={menu.contentId}
      role="menu"
      aria-labelledby={menu.triggerId}
      aria-orientation={orientation}
      data-state="open"
      className={className}
      onKeyDown={onKeyDown}
    >
      {children}
    </div>
  );
}
