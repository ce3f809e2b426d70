'use client';
import { useContext, useMemo } from 'react';
import { usePresence } from '../hooks';
import type { MentionCandidate } from './use-mention-combobox';
import { ChatUsersContext } from './users';

/** Who `@` offers in a room: the people present there, the current user left out, by name. */
export function useMentionCandidates(roomId: string, me: string | null): readonly MentionCandidate[] {
  const peers = usePresence(roomId);
  const user = useContext(ChatUsersContext);
  return useMemo(
    () =>
      peers
        .filter((p) => p.userId !== me)
        .map((p) => {
          const profile = user(p.userId);
          return { id: p.userId, name: profile?.name ?? p.userId, image: profile?.image };
        })
        .sort((a, b) => a.name.localeCompare(b.name)),
    [peers, me, user],
  );
}
