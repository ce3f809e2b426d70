import { createContext, useContext, type RefObject } from 'react';

/** What the parts of one menu share. */
export interface MenuState {
  open: boolean;
  setOpen(open: boolean): void;
  triggerId: string;
  contentId: string;
  trigger: RefObject<HTMLButtonElement | null>;
  /** Which item takes focus when the menu opens (Arrow Up on the trigger opens at the last). */
  focusLast: RefObject<boolean>;
}

export const MenuContext = createContext<MenuState | null>(null);

export function useMenu(): MenuState {
  const menu = useContext(MenuContext);
  if (!menu) throw new Error('stompkit/chat: Menu parts go inside <Menu>');
  return menu;
}

