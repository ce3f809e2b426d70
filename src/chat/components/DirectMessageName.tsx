'use client';
import { useContext } from 'react';
import { useChat } from '../hooks';
import { directMessageMembers } from '../protocol';
import { ChatUsersContext, type GetChatUser } from './users';

/** A direct message's name: its other members' names, e.g. "Ana, Bo" (the user's own if they are alone in it). */
export function directMessageName(roomId: string, me: string | null, user: GetChatUser): string {
  const members = directMessageMembers(roomId) ?? [roomId];
  const others = members.filter((m) => m !== me);
  return (others.length ? others : members).map((id) => user(id)?.name ?? id).join(', ');
}

/** `directMessageName` of the current user's view, as text. */
export function DirectMessageName({ roomId }: { roomId: string }) {
  const chat = useChat();
  const user = useContext(ChatUsersContext);
  return <bdi>{directMessageName(roomId, chat.userId, user)}</bdi>;
}
