import { useEffect, useState, type ReactNode } from 'react';
import { StompProvider } from '../../src/react/index';
import type { StompSession } from '../../src/core/types';
import { createMemoryBroker, createTestSession, type MemoryBroker, type TestSession } from '../../src/testing/index';

/** What a story's `setup` gets: the broker, the viewer's session, and a way to add other people. */
export interface MemoryStage {
  broker: MemoryBroker;
  session: StompSession;
  /** Another person on the same broker (signed in as `name`). Closed with the story. */
  peer(name: string): StompSession;
}

export interface MemoryStompProps {
  /** Login of the person looking at the story. */
  user?: string;
  /** Runs once the stage exists; may return a cleanup. */
  setup?: (stage: MemoryStage) => void | (() => void);
  /** Runs before the children mount (e.g. history that must exist when a room opens). */
  prepare?: (stage: MemoryStage) => Promise<void>;
  children?: ReactNode;
}

interface Stage extends MemoryStage {
  /** Dispose a tick later, unless `keep()` is called first (StrictMode remount). */
  release(): void;
  keep(): void;
}

function createStage(user: string): Stage {
  const broker = createMemoryBroker();
  const owned: TestSession[] = [];
  const open = (login: string): StompSession => {
    const test = createTestSession({ broker, connectHeaders: { login, passcode: 'story' } });
    owned.push(test);
    return test.session;
  };
  const session = open(user);
  let pending: ReturnType<typeof setTimeout> | undefined;
  return {
    broker,
    session,
    peer: open,
    keep: () => clearTimeout(pending),
    release() {
      pending = setTimeout(() => {
        void Promise.all(owned.map((t) => t.dispose())).then(() => broker.close());
      }, 0);
    },
  };
}

/**
 * A whole STOMP world inside the story: the real broker engine behind an
 * in-memory WebSocket, a session for the viewer and sessions for peers. No
 * server, no sockets; each story gets its own broker.
 */
export function MemoryStomp({ user = 'you', setup, prepare, children }: MemoryStompProps) {
  const [stage] = useState(() => createStage(user));
  const [ready, setReady] = useState(!prepare);
  const [initialPrepare] = useState(() => prepare);
  useEffect(() => {
    if (!initialPrepare) return;
    let live = true;
    initialPrepare(stage).then(
      () => live && setReady(true),
      // After unmount the stage is torn down under the preparation: not an error.
      (error: unknown) => live && console.error('story prepare failed', error),
    );
    return () => {
      live = false;
    };
  }, [stage, initialPrepare]);
  // The first `setup` is the one: a new function identity on re-render must not add peers.
  const [initialSetup] = useState(() => setup);
  useEffect(() => {
    stage.keep();
    const cleanup = initialSetup?.(stage);
    return () => {
      cleanup?.();
      stage.release();
    };
  }, [stage, initialSetup]);
  return (
    <StompProvider session={stage.session}>
      {ready ? children : <p role="status">Preparing the story’s broker…</p>}
    </StompProvider>
  );
}
