/**
 * Helpers for tests and stories: a session wired to a memory broker, and
 * promises that wait for a session state or for messages (no polling, no
 * sleeps — they resolve on the change itself).
 */
import { createStompSession } from '../core/session';
import type { IncomingMessage, SessionState, SessionStatus, StompSession, StompSessionOptions } from '../core/types';
import { createMemoryBroker, type MemoryBroker, type MemoryBrokerOptions } from './memory-broker';

export interface TestSessionOptions extends Partial<StompSessionOptions> {
  /** A broker to share between sessions, or options for a new one. */
  broker?: MemoryBroker | MemoryBrokerOptions;
}

export interface TestSession {
  session: StompSession;
  broker: MemoryBroker;
  /** Close the session, then the broker if this call created it. */
  dispose(): Promise<void>;
}

function isBroker(value: MemoryBroker | MemoryBrokerOptions | undefined): value is MemoryBroker {
  return typeof value === 'object' && value !== null && 'socketFactory' in value && 'stop' in value;
}

/**
 * A session connected to a memory broker: `url` is `memory://stompkit`, the
 * only transport is the in-memory WebSocket, and reconnect delays are short
 * (20–250 ms) so outage tests run fast. Every option can be overridden.
 *
 * @example
 * const { session, broker, dispose } = createTestSession();
 * await waitForStatus(session, 'connected');
 * broker.stop(); // an outage
 */
export function createTestSession(options: TestSessionOptions = {}): TestSession {
  const { broker: brokerOption, ...sessionOptions } = options;
  const owned = !isBroker(brokerOption);
  const broker = isBroker(brokerOption) ? brokerOption : createMemoryBroker(brokerOption);
  const session = createStompSession({
    url: 'memory://stompkit',
    transports: ['websocket'],
    reconnect: { baseDelay: 20, maxDelay: 250 },
    ...sessionOptions,
    socketFactory: sessionOptions.socketFactory ?? broker.socketFactory,
  });
  return {
    session,
    broker,
    async dispose() {
      await session.close();
      if (owned) await broker.close();
    },
  };
}

export interface WaitOptions {
  /** Reject after this many ms. Default 5000. */
  timeout?: number;
}

function describe(state: SessionState): string {
  const error = state.error ? `, error ${state.error.kind}: ${state.error.message}` : '';
  return `status ${state.status}, attempt ${state.attempt}${error}`;
}

/**
 * Resolve with the first session state (the current one included) for which
 * `predicate` is true. Rejects on timeout, or at once if the session closes
 * without the predicate becoming true.
 */
export function waitForState(
  session: StompSession,
  predicate: (state: SessionState) => boolean,
  { timeout = 5000 }: WaitOptions = {},
): Promise<SessionState> {
  return new Promise((resolve, reject) => {
    let unsubscribe = (): void => undefined;
    const timer = setTimeout(() => {
      settle(() => reject(new Error(`waitForState: timed out after ${timeout} ms (${describe(session.getSnapshot())})`)));
    }, timeout);
    const settle = (fn: () => void): void => {
      unsubscribe();
      clearTimeout(timer);
      fn();
    };
    const check = (): boolean => {
      const state = session.getSnapshot();
      if (predicate(state)) {
        settle(() => resolve(state));
        return true;
      }
      if (state.status === 'closed') {
        settle(() => reject(new Error(`waitForState: the session closed first (${describe(state)})`)));
        return true;
      }
      return false;
    };
    if (check()) return;
    unsubscribe = session.subscribe(() => void check());
  });
}

/**
 * Resolve once the session reaches `status`.
 *
 * @example
 * await waitForStatus(session, 'connected');
 */
export function waitForStatus(session: StompSession, status: SessionStatus, options?: WaitOptions): Promise<SessionState> {
  return waitForState(session, (s) => s.status === status, options);
}

export interface MessageRecorder {
  /** Every message received so far, in order. */
  readonly messages: IncomingMessage[];
  /** Resolve once at least `count` messages have arrived. */
  waitFor(count: number, options?: WaitOptions): Promise<IncomingMessage[]>;
  /** Unsubscribe. */
  stop(): void;
}

/**
 * Subscribe and keep every message, for assertions.
 *
 * @example
 * const inbox = recordMessages(session, '/topic/news');
 * await session.send('/topic/news', { hello: 1 });
 * const [message] = await inbox.waitFor(1);
 */
export function recordMessages(
  session: StompSession,
  destination: string,
  headers?: Record<string, string>,
): MessageRecorder {
  const messages: IncomingMessage[] = [];
  const waiters = new Set<() => void>();
  const stop = session.subscribe(
    destination,
    (message) => {
      messages.push(message);
      for (const wake of [...waiters]) wake();
    },
    headers,
  );
  return {
    messages,
    stop,
    waitFor(count, { timeout = 5000 } = {}) {
      return new Promise((resolve, reject) => {
        const wake = (): void => {
          if (messages.length < count) return;
          waiters.delete(wake);
          clearTimeout(timer);
          resolve(messages.slice());
        };
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`recordMessages(${destination}): ${messages.length} of ${count} messages after ${timeout} ms`));
        }, timeout);
        waiters.add(wake);
        wake();
      });
    },
  };
}
