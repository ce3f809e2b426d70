import { useCallback, useLayoutEffect, useRef, useState } from 'react';
import type { MessageData } from './Message';

export interface FollowOptions {
  messages: readonly MessageData[];
  loadingOlder?: boolean;
  loadOlder?: () => void;
  onAtBottomChange?: (atBottom: boolean) => void;
}

/**
 * Whether the reader is at the bottom, how many messages arrived since they
 * left it, and the callbacks the scroll side calls. The callbacks are stable
 * (they read the latest props through a box updated after each commit), so
 * the `VirtualLog` made once on mount always reaches the current props.
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

  const startReached = useCallback(() => {
    const { loadingOlder, loadOlder } = latest.current;
    if (!loadingOlder) loadOlder?.();
  }, []);

  const { messages } = options;
  const left = atBottom || leftAt === null ? -1 : messages.findIndex((m) => m.id === leftAt);
  // The message the reader left at may be gone (discarded): then nothing is counted, rather than everything.
  const unseen = left < 0 ? 0 : messages.length - 1 - left;
  return { atBottom, unseen, onAtBottom, startReached };
}
