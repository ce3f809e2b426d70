import { PresenceList } from 'stompkit/chat';

/** Who is in the open room (from presence heartbeats). */
export function People({ roomId }: { roomId: string }) {
  return (
    <aside className="people" aria-label="People in this room">
      <PresenceList roomId={roomId} label="Online" />
    </aside>
  );
}
