import { useCallback, useEffect, useMemo, useState } from 'react';
import { useConnectionState, useStompSession } from 'stompkit';
import { ChatProvider, ThreadPanel, useChat, useRooms } from 'stompkit/chat';
import { withRoomDirectory } from 'stompkit/chat/directory';
import { createBrokerUpload } from 'stompkit/chat/upload';
import { Conversation } from './Conversation';
import { People } from './People';
import { Sidebar } from './Sidebar';

export interface WorkspaceProps {
  user: string;
  /** Set with the bundled dev broker: attachments go to its `/uploads` as this user. */
  passcode?: string;
  /** The room directory service's login, when one declares the rooms. */
  directory?: string;
  drawerOpen: boolean;
  onCloseDrawer(): void;
}

/** The room everyone lands in; created by the first person to arrive. */
export const DEFAULT_ROOM = { id: 'general', name: 'general', topic: 'Say hello to everyone here' };

/** The chat client for this person, then rooms, the open conversation and who is here. */
export function Workspace(props: WorkspaceProps) {
  const { user, passcode, directory } = props;
  const uploadFile = useMemo(() => (passcode === undefined ? undefined : createBrokerUpload({ login: user, passcode })), [user, passcode]);
  const stomp = useStompSession();
  const session = useMemo(() => (directory ? withRoomDirectory(stomp, { login: directory }) : stomp), [stomp, directory]);
  return (
    <ChatProvider session={session} userId={props.user} uploadFile={uploadFile} fallback={<div className="workspace" />} onError={(e) => console.warn('[chat]', e)}>
      <Rooms {...props} />
    </ChatProvider>
  );
}

function Rooms({ drawerOpen, onCloseDrawer }: WorkspaceProps) {
  const client = useChat();
  const rooms = useRooms();
  const connected = useConnectionState((s) => s.status === 'connected');
  const [current, setCurrent] = useState(DEFAULT_ROOM.id);
  // The open thread, in the people column's place; it belongs to its room.
  const [thread, setThread] = useState<{ roomId: string; parentId: string } | null>(null);
  const openThread = useCallback((parentId: string) => setThread({ roomId: current, parentId }), [current]);
  const parentId = thread?.roomId === current ? thread.parentId : null;
  const hasDefault = rooms.some((r) => r.id === DEFAULT_ROOM.id);

  // An empty broker gets its first room. The directory replay usually lands
  // within a moment of connecting; a duplicate create is harmless anyway
  // (the first creation wins in every reader's fold).
  useEffect(() => {
    if (!connected || hasDefault) return;
    const timer = setTimeout(() => {
      client.createRoom(DEFAULT_ROOM.id, DEFAULT_ROOM.name, DEFAULT_ROOM.topic).catch(() => undefined);
    }, 1000);
    return () => clearTimeout(timer);
  }, [client, connected, hasDefault]);

  const open = (roomId: string) => {
    setCurrent(roomId);
    onCloseDrawer();
  };
  const create = async (roomId: string, name: string) => {
    if (!rooms.some((r) => r.id === roomId)) await client.createRoom(roomId, name);
    open(roomId);
  };

  return (
    <div className="workspace" data-panel={drawerOpen ? 'rooms' : undefined} data-thread={parentId ? '' : undefined}>
      <Sidebar empty={rooms.length === 0} currentRoomId={current} onSelect={open} onCreate={create} />
      <Conversation key={current} roomId={current} onOpenThread={openThread} onStartDirectMessage={open} />
      {parentId ? (
        <ThreadPanel key={parentId} className="thread" roomId={current} parentId={parentId} onClose={() => setThread(null)} />
      ) : (
        <People roomId={current} onStartDirectMessage={open} />
      )}
    </div>
  );
}
