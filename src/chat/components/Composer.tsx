'use client';
import { useState } from 'react';
import type { SessionState } from '../../core/types';
import { useConnectionState } from '../../react/index';
import { useChat } from '../hooks';
import { ComposerView } from './ComposerView';
import { useOnline } from './use-online';

export { ComposerView, type ComposerViewProps } from './ComposerView';

/** Why sending is impossible (not merely delayed) in a session state, or null. */
export function composerBlock(state: SessionState, userId: string | null): string | null {
  if (state.error?.kind === 'auth') return 'Signed out — sign in again to send messages';
  if (state.status === 'closed') return 'Disconnected — reconnect to send messages';
  if (state.status === 'connected' && !userId) return 'Not signed in — messages cannot be sent';
  return null;
}

const isConnected = (s: SessionState) => s.status === 'connected';

export interface ComposerProps {
  roomId: string;
  /** Accessible name and placeholder; default "Message #<roomId>". */
  label?: string;
  className?: string;
}

/**
 * The composer wired to the chat client: sends optimistically (a failed send
 * shows on the message with Retry), signals typing (throttled by the view and
 * the client), keeps one draft per room while mounted. While offline it stays
 * usable: sends queue in the session's outbox and go out on reconnect; it is
 * disabled only when sending cannot work (signed out, closed).
 */
export function Composer({ roomId, label, className }: ComposerProps) {
  const chat = useChat();
  // Selected as primitives: an outbox count changing on every send re-renders nothing here.
  const blocked = useConnectionState((s) => composerBlock(s, chat.userId));
  const connected = useConnectionState(isConnected);
  const online = useOnline();
  const [drafts, setDrafts] = useState<Readonly<Record<string, string>>>({});
  const offline = !blocked && (!connected || !online);

  return (
    <ComposerView
      className={className}
      label={label ?? `Message #${roomId}`}
      value={drafts[roomId] ?? ''}
      onValueChange={(value) => setDrafts((d) => ({ ...d, [roomId]: value }))}
      onSend={(text) => {
        chat.stopTyping(roomId);
        // A rejection is already shown as a failed message with Retry; nothing to throw.
        chat.sendMessage(roomId, text).catch(() => undefined);
      }}
      onTyping={() => chat.typing(roomId)}
      disabledReason={blocked}
      notice={offline ? 'Offline — messages will be sent when you reconnect' : null}
    />
  );
}
