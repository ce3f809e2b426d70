import type { ReactNode } from 'react';
import type { MentionCandidate } from './use-mention-combobox';

/** What the presentational composer takes (see `ComposerView`). */
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
  /** Edit mode: the button says Save, Escape calls `onCancel`, a note says how to leave. */
  editing?: boolean;
  /** Leave edit mode without saving (Escape, Cancel). */
  onCancel?: () => void;
  /** Arrow Up in the empty composer: edit the last own message (see `Composer`). */
  onEditLast?: () => void;
  /** Focus the text box when it mounts (the inline editor). */
  autoFocus?: boolean;
  /** Who `@` offers (a listbox under the text box); none: no list. */
  mentionCandidates?: readonly MentionCandidate[];
  /** Files picked, dropped or pasted; without it there is no Attach button and files are not taken. */
  onFiles?: (files: File[]) => void;
  /** Files ready to go: the composer may send with no text. */
  hasAttachments?: boolean;
  /** Sending waits (files still uploading); the send button says so. */
  busy?: boolean;
  /** Above the text box: the upload tray (`UploadTray`). */
  uploads?: ReactNode;
  /** Extra controls after the send button, e.g. "Also send to room". */
  children?: ReactNode;
  className?: string;
}
