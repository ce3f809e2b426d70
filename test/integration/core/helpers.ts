/**
 * Shared by the core integration suites: a session on real sockets (the `ws`
 * package, as Node 20 has no global WebSocket) against the test broker.
 */
import WebSocket from 'ws';
import { createStompSession } from '../../../src/core/index.js';
import { STOMP_SUBPROTOCOLS } from '../../../src/core/transports.js';
import type { StompSession, StompSessionOptions, WebSocketLike } from '../../../src/core/index.js';
import type { TestBroker } from '../../support/broker.js';

export const socketFactory = (url: string): WebSocketLike => new WebSocket(url, STOMP_SUBPROTOCOLS) as unknown as WebSocketLike;

/** Sessions opened by a suite; `closeAll()` in `afterEach`. */
export function sessionPool(): {
  open(broker: TestBroker, options?: Partial<StompSessionOptions>): StompSession;
  closeAll(): Promise<void>;
} {
  const sessions: StompSession[] = [];
  return {
    open(broker, options = {}) {
      const session = createStompSession({
        url: broker.url,
        socketFactory,
        connectHeaders: { login: broker.login, passcode: broker.passcode },
        reconnect: { baseDelay: 50, maxDelay: 500 },
        ...options,
      });
      sessions.push(session);
      return session;
    },
    async closeAll() {
      await Promise.all(sessions.splice(0).map((s) => s.close()));
    },
  };
}
