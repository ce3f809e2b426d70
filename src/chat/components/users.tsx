'use client';
import { createContext, useContext } from 'react';

/** What the app knows about a person; every field is optional. */
export interface ChatUser {
  /** Display name; default the user id. */
  name?: string;
  /** Avatar image URL; default initials on a colour derived from the user id. */
  image?: string;
}

/** Looks a user id up in the app's profiles. */
export type GetChatUser = (userId: string) => ChatUser | undefined;

const none: GetChatUser = () => undefined;

/**
 * The app's user profiles for the chat components (names, avatars).
 * `<ChatProvider users | getUser>` sets it; presentational views can be
 * wrapped in it directly.
 */
export const ChatUsersContext = createContext<GetChatUser>(none);

/** The profile of `userId` from the nearest `ChatUsersContext`, if the app gave one. */
export function useChatUser(userId: string): ChatUser | undefined {
  return useContext(ChatUsersContext)(userId);
}
