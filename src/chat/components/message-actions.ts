import type { ReactNode } from 'react';

/** The built-in reactions offered on every message (small on purpose; apps add a full picker through `renderReactionPicker`). */
export const QUICK_REACTIONS: readonly string[] = ['👍', '❤️', '😂', '🎉', '😮', '😢', '🙏', '👀'];

/** What an app's own emoji picker gets. */
export interface ReactionPickerProps {
  /** The message reacted to. */
  messageId: string;
  /** Add (or, if already mine, remove) this reaction; closes the picker. */
  onPick(emoji: string): void;
  onClose(): void;
}

/**
 * What a user can do to a message. Each handler present enables its action:
 * React (quick reactions, plus the app's picker), Reply in thread, Edit and
 * Delete (own messages), Copy text. One object for every row of a list.
 */
export interface MessageActionHandlers {
  /** Toggle a reaction of the current user. */
  onReact?(messageId: string, emoji: string): void;
  /** The user asked to edit an own message (the list shows the inline editor). */
  onEditStart?(messageId: string): void;
  /** The inline editor saved a new text. */
  onEditSave?(messageId: string, text: string): void;
  /** The inline editor was left without saving (Escape, Cancel). */
  onEditCancel?(messageId: string): void;
  /** Delete an own message (after the user confirmed). */
  onDelete?(messageId: string): void;
  /** Open the message's thread ("Reply in thread", and the reply count under a thread's first message). */
  onOpenThread?(messageId: string): void;
  /** Copy the text; default `navigator.clipboard.writeText`. */
  onCopy?(text: string): void;
  /** Reactions offered in the toolbar; default `QUICK_REACTIONS`. */
  quickReactions?: readonly string[];
  /** The app's own emoji picker, opened from "More reactions…". */
  renderReactionPicker?(props: ReactionPickerProps): ReactNode;
}

/** Copies text to the clipboard; a refusal (no permission, insecure page) changes nothing. */
export function copyText(text: string): void {
  void globalThis.navigator?.clipboard?.writeText(text).catch(() => undefined);
}
