import { useContext } from 'react';
import { ChatUsersContext, Composer, MessageList, PresenceDrawer, TypingIndicator, directMessageMembers, directMessageName, useChat, useRoom } from 'stompkit/chat';

export interface ConversationProps {
  roomId: string;
  onOpenThread(messageId: string): void;
  onStartDirectMessage(roomId: string): void;
}

/**
 * The open room, from the kit's wired parts: the message log (history pages
 * load on scroll-up; reading at the bottom moves the read marker), who is
 * typing, and the composer, which works in every connection state (while
 * offline a message waits in the outbox and shows as pending). Where the
 * people column does not fit, the header opens it as a drawer.
 */
export function Conversation({ roomId, onOpenThread, onStartDirectMessage }: ConversationProps) {
  const { room } = useRoom(roomId);
  const chat = useChat();
  const users = useContext(ChatUsersContext);
  // A direct message is named by its other members, without a "#".
  const direct = directMessageMembers(roomId) !== null;
  const name = direct ? directMessageName(roomId, chat.userId, users) : (room?.name ?? roomId);
  const title = direct ? name : `#${name}`;
  return (
    <main className="conversation" aria-labelledby="conversation-title">
      <header className="conversation__header">
        <h1 className="conversation__title" id="conversation-title">
          {direct ? name : `# ${name}`}
        </h1>
        {room?.topic ? <p className="conversation__topic">{room.topic}</p> : null}
        <PresenceDrawer roomId={roomId} className="conversation__people" onStartDirectMessage={onStartDirectMessage} />
      </header>
      <div className="conversation__body">
        <MessageList roomId={roomId} label={`Messages in ${title}`} onOpenThread={onOpenThread} />
      </div>
      <TypingIndicator roomId={roomId} className="conversation__typing" />
      <Composer roomId={roomId} label={`Message ${title}`} className="conversation__composer" />
    </main>
  );
}
