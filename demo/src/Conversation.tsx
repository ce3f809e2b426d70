import { Composer, MessageList, PresenceDrawer, TypingIndicator, useRoom } from 'stompkit/chat';

export interface ConversationProps {
  roomId: string;
}

/**
 * The open room, from the kit's wired parts: the message log (history pages
 * load on scroll-up; reading at the bottom moves the read marker), who is
 * typing, and the composer, which works in every connection state (while
 * offline a message waits in the outbox and shows as pending). Where the
 * people column does not fit, the header opens it as a drawer.
 */
export function Conversation({ roomId }: ConversationProps) {
  const { room } = useRoom(roomId);
  const name = room?.name ?? roomId;
  return (
    <main className="conversation" aria-labelledby="conversation-title">
      <header className="conversation__header">
        <h1 className="conversation__title" id="conversation-title">
          # {name}
        </h1>
        {room?.topic ? <p className="conversation__topic">{room.topic}</p> : null}
        <PresenceDrawer roomId={roomId} className="conversation__people" />
      </header>
      <div className="conversation__body">
        <MessageList roomId={roomId} label={`Messages in #${name}`} />
      </div>
      <TypingIndicator roomId={roomId} className="conversation__typing" />
      <Composer roomId={roomId} label={`Message #${name}`} className="conversation__composer" />
    </main>
  );
}
