'use client';
import { useContext, useId, useMemo } from 'react';
import { useChat, usePresence } from '../hooks';
import { Avatar } from './Avatar';
import { useChatFormat } from './locale';
import { ChatUsersContext } from './users';

/** One person shown in the presence list. */
export interface PresencePerson {
  id: string;
  name: string;
  /** Avatar image; default initials on the person's colour. */
  image?: string;
  /** Shown as "(you)". */
  isMe?: boolean;
}

export interface PresenceListViewProps {
  people: readonly PresencePerson[];
  /** Heading, default "Online". */
  label?: string;
  /** Offer "Message" beside everyone but me (start a direct message). */
  onMessage?: (userId: string) => void;
  className?: string;
}

/** Presentational list of who is here (avatar with an online dot, name), sorted by name, with a count in the heading. */
export function PresenceListView({ people, label = 'Online', onMessage, className }: PresenceListViewProps) {
  const format = useChatFormat();
  const sorted = [...people].sort((a, b) => a.name.localeCompare(b.name, format.locale));
  const headingId = useId();
  return (
    <section
      className={['sk-presence', className].filter(Boolean).join(' ')}
      aria-labelledby={headingId}
      data-state={people.length ? 'populated' : 'empty'}
    >
      <h2 className="sk-presence__heading" id={headingId}>
        {label} <span className="sk-presence__count">{format.count(people.length)}</span>
      </h2>
      <ul className="sk-presence__list">
        {sorted.map((person) => (
          <li key={person.id} className="sk-presence__person" data-me={person.isMe ? '' : undefined}>
            <span className="sk-presence__badge" aria-hidden="true">
              <Avatar userId={person.id} name={person.name} image={person.image} />
              <span className="sk-presence__dot" />
            </span>
            {person.name}
            {person.isMe ? <span className="sk-presence__me"> (you)</span> : null}
            {onMessage && !person.isMe ? (
              <button type="button" className="sk-button sk-button--quiet sk-presence__message" aria-label={`Message ${person.name}`} onClick={() => onMessage(person.id)}>
                Message
              </button>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

export interface PresenceListProps {
  roomId: string;
  /** Offer "Message" beside each person: starts (or finds) the direct message, then calls this with its room id. */
  onStartDirectMessage?: (roomId: string) => void;
  label?: string;
  className?: string;
}

/** Who is present in `roomId` (joined by `useRoom` / `ChatRoom`), from the chat store. */
export function PresenceList({ roomId, label, onStartDirectMessage, className }: PresenceListProps) {
  const chat = useChat();
  const peers = usePresence(roomId);
  const user = useContext(ChatUsersContext);
  const people = useMemo(
    () =>
      peers.map((p) => {
        const profile = user(p.userId);
        return { id: p.userId, name: profile?.name ?? p.userId, image: profile?.image, isMe: p.userId === chat.userId };
      }),
    [peers, chat.userId, user],
  );
  const message = onStartDirectMessage
    ? (userId: string) => {
        // A refusal (offline, invalid login) reaches the provider's onError; the list stays as it is.
        chat.startDirectMessage([userId]).then(onStartDirectMessage, () => undefined);
      }
    : undefined;
  return <PresenceListView people={people} label={label} onMessage={message} className={className} />;
}
