import { PresenceList } from 'stompkit/chat';

/** Who is in the open room (from presence heartbeats); "Message" starts a direct message. */
export function People({ roomId, onStartDirectMessage }: { roomId: string; onStartDirectMessage(roomId: string): void }) {
  return (
    <aside className="people" aria-label="People in this room">
      <PresenceList roomId={roomId} label="Online" onStartDirectMessage={onStartDirectMessage} />
    </aside>
  );
}
