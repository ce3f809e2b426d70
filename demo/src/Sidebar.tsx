import { RoomList } from 'stompkit/chat';
import { CreateRoom } from './CreateRoom';

export interface SidebarProps {
  currentRoomId: string;
  empty: boolean;
  onSelect(roomId: string): void;
  onCreate(roomId: string, name: string): Promise<void>;
}

/** The kit's room list (it watches every room for unread counts) and the create-room form. */
export function Sidebar({ currentRoomId, empty, onSelect, onCreate }: SidebarProps) {
  return (
    <aside className="sidebar" id="demo-sidebar" aria-label="Rooms and new room">
      <h2 className="section-title">Rooms</h2>
      {empty ? <p className="sidebar__empty">No rooms yet.</p> : <RoomList currentRoomId={currentRoomId} onSelect={onSelect} />}
      <CreateRoom onCreate={onCreate} />
    </aside>
  );
}
