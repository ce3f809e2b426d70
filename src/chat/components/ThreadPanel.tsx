'use client';
import { useMemo } from 'react';
import { useChat, useMessageActions } from '../hooks';
import { useThread } from '../thread-hooks';
import type { UploadFile } from '../upload';
import { Composer } from './Composer';
import { copyText, type MessageActionHandlers } from './message-actions';
import { ThreadPanelView } from './ThreadPanelView';
import { useViewingThread } from './use-mark-read';

export { ThreadPanelView, type ThreadPanelViewProps } from './ThreadPanelView';

const ignore = () => undefined;

export interface ThreadPanelProps {
  /** The room the thread belongs to (opened by a `MessageList` or `ChatRoom` beside it). */
  roomId: string;
  /** The thread's first message. */
  parentId: string;
  onClose(): void;
  /** Stores attached files; default the `ChatProvider`'s. */
  uploadFile?: UploadFile;
  className?: string;
}

/** The thread of `parentId` wired to the chat client: its replies live, reactions and the owner's edits and deletes, and a reply composer. */
export function ThreadPanel({ roomId, parentId, onClose, uploadFile, className }: ThreadPanelProps) {
  const chat = useChat();
  const thread = useThread(roomId, parentId);
  const actions = useMessageActions(roomId);
  useViewingThread(chat.store, roomId, parentId);
  const handlers = useMemo<MessageActionHandlers>(
    () => ({
      onReact: (id, emoji) => void actions.toggleReaction(id, emoji).catch(ignore),
      onEditSave: (id, text) => void actions.edit(id, text).catch(ignore),
      onDelete: (id) => void actions.remove(id).catch(ignore),
      onCopy: copyText,
    }),
    [actions],
  );
  return (
    <ThreadPanelView
      className={className}
      parent={thread.parent}
      replies={thread.replies}
      currentUserId={chat.userId ?? undefined}
      onClose={onClose}
      actions={handlers}
      onRetry={(id) => void actions.retry(id).catch(ignore)}
      onDiscard={actions.discard}
      onToggleReaction={(id, emoji) => void actions.toggleReaction(id, emoji).catch(ignore)}
      composer={<Composer key={parentId} roomId={roomId} parentId={parentId} uploadFile={uploadFile} className="sk-thread__composer" />}
    />
  );
}
