import { useCallback, useLayoutEffect, useRef, useState } from 'react';
import type { FollowOutputScalarType } from 'react-virtuoso';
import type { MessageData } from './Message';

export interface FollowOptions {
  messages: readonly MessageData[];
  currentUserId?: string;
  loadingOlder?: boolean;
  loadOlder?: () => void;
  onAtBottomChange?: (atBottom: boolean) => void;
}

/**
 * The list's scroll-follow state and the Virtuoso callbacks for it. The
 * callbacks are stable (they read the latest props through a box updated
 * after each commit): Virtuoso republishes a changed callback prop into its
 * state and renders again, so an inline arrow would cost a second commit on
 * every batch of messages.
 */
export function useFollow(options: FollowOptions) {
  const latest = useRef(options);
  useLayoutEffect(() => {
    latest.current = options;
  });
  const [atBottom, setAtBottom] = useState(true);
  const [leftAt, setLeftAt] = useState<string | null>(null); // last message id when the user scrolled up

  const onAtBottom = useCallback((bottom: boolean) => {
    const { messages, onAtBottomChange } = latest.current;
    setAtBottom(bottom);
    setLeftAt(bottom ? null : (messages[messages.length - 1]?.id ?? null));
    onAtBottomChange?.(bottom);
  }, []);

  // Follow while at the bottom, and always after the user's own send.
  const followOutput = useCallback((bottom: boolean): FollowOutputScalarType => {
    const { messages, currentUserId } = latest.current;
    const last = messages[messages.length - 1];
    return bottom || (last !== undefined && last.authorId === currentUserId) ? 'auto' : false;
  }, []);

  const startReached = useCallback(() => {
    const { loadingOlder, loadOlder } = latest.current;
    if (!loadingOlder) loadOlder?.();
  }, []);

  const { messages } = options;
  const unseen = atBottom || leftAt === null ? 0 : messages.length - 1 - messages.findIndex((m) => m.id === leftAt);
  return { atBottom, unseen, onAtBottom, followOutput, startReached };
}
