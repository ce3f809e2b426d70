'use client';
import { useId, useState } from 'react';
import type { SessionState } from '../../core/types';
import { useConnectionState } from '../../react/index';
import type { ChatClient } from '../client-types';
import { useChat } from '../hooks';
import type { ChatMessage } from '../state';
import type { UploadFile } from '../upload';
import { ComposerView } from './ComposerView';
import { useUploadFile } from './upload-context';
import { UploadTray } from './UploadTray';
import { useMentionCandidates } from './use-mention-candidates';
import { useOnline } from './use-online';
import { useUploads } from './use-uploads';

export { ComposerView, type ComposerViewProps } from './ComposerView';

/** Why sending is impossible (not merely delayed) in a session state, or null. */
export function composerBlock(state: SessionState, userId: string | null): string | null {
  if (state.error?.kind === 'auth') return 'Signed out — sign in again to send messages';
  if (state.status === 'closed') return 'Disconnected — reconnect to send messages';
  if (state.status === 'connected' && !userId) return 'Not signed in — messages cannot be sent';
  return null;
}

const isConnected = (s: SessionState) => s.status === 'connected';

/** The newest message of mine that can be edited (in the stream, not deleted). Read on demand: no render per message. */
export function lastOwnMessage(messages: readonly ChatMessage[] | undefined): ChatMessage | undefined {
  if (!messages) return undefined;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m.mine && m.status === 'sent' && !m.deleted) return m;
  }
  return undefined;
}

const lastText = (chat: ChatClient, roomId: string, id: string) =>
  chat.store.getState().timelines[roomId]?.messages.find((m) => m.id === id)?.text.trim();

export interface ComposerProps {
  roomId: string;
  /** Accessible name and placeholder; default "Message #<roomId>" ("Reply in thread" with `parentId`). */
  label?: string;
  /** Reply in this message's thread; an "Also send to room" checkbox is offered. */
  parentId?: string;
  /** Stores attached files; default the `ChatProvider`'s. None: no attachments. */
  uploadFile?: UploadFile;
  className?: string;
}

/**
 * The composer wired to the chat client: sends optimistically (a failed send
 * shows on the message with Retry), signals typing (throttled by the view and
 * the client), keeps one draft per room while mounted. While offline it stays
 * usable: sends queue in the session's outbox and go out on reconnect; it is
 * disabled only when sending cannot work (signed out, closed). Arrow Up in
 * the empty composer edits the user's last message (Enter saves, Escape
 * cancels).
 */
export function Composer({ roomId, label, parentId, uploadFile, className }: ComposerProps) {
  const chat = useChat();
  // Selected as primitives: an outbox count changing on every send re-renders nothing here.
  const blocked = useConnectionState((s) => composerBlock(s, chat.userId));
  const connected = useConnectionState(isConnected);
  const online = useOnline();
  const [drafts, setDrafts] = useState<Readonly<Record<string, string>>>({});
  // The own message being edited (Arrow Up in the empty composer), in this room.
  const [editing, setEditing] = useState<{ roomId: string; id: string; text: string } | null>(null);
  const offline = !blocked && (!connected || !online);
  const edit = editing?.roomId === roomId ? editing : null;
  const upload = useUploadFile(uploadFile);
  const uploads = useUploads(upload);
  const candidates = useMentionCandidates(roomId, chat.userId);
  const [alsoInRoom, setAlsoInRoom] = useState(false);
  const alsoId = useId();
  const draftKey = parentId ? `${roomId}/${parentId}` : roomId;

  return (
    <ComposerView
      className={className}
      label={label ?? (parentId ? 'Reply in thread' : `Message #${roomId}`)}
      value={edit ? edit.text : (drafts[draftKey] ?? '')}
      onValueChange={(value) => (edit ? setEditing({ ...edit, text: value }) : setDrafts((d) => ({ ...d, [draftKey]: value })))}
      editing={edit !== null}
      onCancel={() => setEditing(null)}
      onEditLast={parentId ? undefined : () => {
        const last = lastOwnMessage(chat.store.getState().timelines[roomId]?.messages);
        if (last) setEditing({ roomId, id: last.id, text: last.text });
      }}
      onSend={(text) => {
        // Rejections already show (a failed message with Retry) and reach onError; nothing to throw.
        if (edit) {
          setEditing(null);
          if (text !== lastText(chat, roomId, edit.id)) chat.editMessage(roomId, edit.id, text).catch(() => undefined);
          return;
        }
        chat.stopTyping(roomId);
        const thread = parentId ? { parentId, alsoInRoom } : {};
        const files = uploads.attachments.length ? { attachments: [...uploads.attachments] } : {};
        chat.sendMessage(roomId, text, { ...thread, ...files }).catch(() => undefined);
        uploads.clear();
      }}
      onTyping={edit ? undefined : () => chat.typing(roomId)}
      mentionCandidates={candidates}
      onFiles={upload && !edit ? uploads.add : undefined}
      hasAttachments={uploads.attachments.length > 0}
      busy={uploads.uploading}
      uploads={<UploadTray items={uploads.items} onRemove={uploads.remove} onRetry={uploads.retry} />}
      disabledReason={blocked}
      notice={offline ? 'Offline — messages will be sent when you reconnect' : null}
    >
      {parentId ? (
        <label className="sk-composer__also" htmlFor={alsoId}>
          <input id={alsoId} type="checkbox" checked={alsoInRoom} onChange={(e) => setAlsoInRoom(e.target.checked)} /> Also send to room
        </label>
      ) : null}
    </ComposerView>
  );
}
