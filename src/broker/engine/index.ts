/**
 * The broker engine: STOMP 1.0–1.2 with RabbitMQ's destinations, free of
 * Node built-ins. Hosts carry bytes through {@link ConnectionSink}s.
 *
 * @example
 * const engine = createEngine({ store: createMemoryStore() });
 * await engine.start();
 * const conn = engine.open(sink); // sink: { transport, binary, write, pendingBytes, close }
 * conn.receive(bytes);            // frames from the client
 * conn.closed();                  // the channel went away
 */
import type {
  BrokerEngine,
  BrokerLimits,
  BrokerStats,
  ConnectionSink,
  EngineClock,
  EngineConnection,
  EngineOptions,
  MessageStore,
} from './types.js';
import { Connection, type EngineContext } from './connection.js';
import { Router } from './router.js';
import { createMemoryStore } from './memory-store.js';
import { collectStats } from './stats.js';
import { HEARTBEAT_FLOORS } from './negotiation.js';
import { createLoginThrottle } from './login-throttle.js';
import { Flow } from './flow.js';
import { policyResolver } from './policy.js';

export type * from './types.js';
export { createMemoryStore } from './memory-store.js';
export { FrameParser, type ParserLimits } from './parser.js';
export { encodeFrame, HEARTBEAT } from './serializer.js';
export { type Frame, type StompVersion, StompError } from './frame.js';
export { topicMatches } from './topic.js';
export { HEARTBEAT_FLOORS } from './negotiation.js';
export { parsePolicies, type QueuePolicy } from './policy.js';
export type { LoginThrottleOptions } from './login-throttle.js';

/** Defaults of {@link BrokerLimits}. */
export const DEFAULT_LIMITS: Readonly<BrokerLimits> = Object.freeze({
  maxFrameSize: 1024 * 1024,
  maxHeaders: 64,
  maxHeaderLength: 8 * 1024,
  maxSubscriptionsPerConnection: 256,
  maxPendingBytes: 8 * 1024 * 1024,
  consumerStallMs: 10_000,
  streamMemoryBytes: 4 * 1024 * 1024,
  queueMemoryBytes: 4 * 1024 * 1024,
});

/** The host's timers, read at call time so test fakes installed later still apply. */
export const systemClock: EngineClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof globalThis.setTimeout>),
  setInterval: (fn, ms) => globalThis.setInterval(fn, ms),
  clearInterval: (h) => globalThis.clearInterval(h as ReturnType<typeof globalThis.setInterval>),
};

/** How often streams (`x-max-age`) and queues (`x-message-ttl`, `x-expires`) are swept. */
const EXPIRY_SWEEP_MS = 1000;

const VERSION = '0.1.0';

class Engine implements BrokerEngine {
  private readonly ctx: EngineContext;
  private readonly store: MessageStore;
  private sweep: unknown = undefined;
  private sessions = 0;
  private readonly nonce = Math.random().toString(36).slice(2, 10);

  constructor(options: EngineOptions) {
    const log = options.log ?? (() => {});
    this.store = options.store ?? createMemoryStore();
    const clock = options.clock ?? systemClock;
    const limits = { ...DEFAULT_LIMITS, ...options.limits };
    const router = new Router(this.store, log, () => clock.now(), {
      streamMemoryBytes: limits.streamMemoryBytes,
      queueMemoryBytes: limits.queueMemoryBytes,
      policy: options.policies && options.policies.length > 0 ? policyResolver(options.policies) : undefined,
      retryLater: (fn, ms) => {
        const t = clock.setTimeout(fn, ms);
        (t as { unref?: () => void } | null)?.unref?.();
      },
    });
    this.ctx = {
      router,
      limits,
      clock,
      options: {
        serverName: options.serverName ?? `stompkit/${VERSION}`,
        heartbeat: options.heartbeat ?? HEARTBEAT_FLOORS,
        heartbeatGrace: options.heartbeatGrace ?? 1.5,
        connectTimeout: options.connectTimeout ?? 30_000,
        authenticate: options.authenticate,
        authorize: options.authorize,
        log,
      },
      counters: { framesIn: 0, framesOut: 0 },
      connections: new Set(),
      throttle: createLoginThrottle(clock, options.loginThrottle),
      flow: new Flow(clock, {
        highWater: limits.maxPendingBytes / 4,
        lowWater: limits.maxPendingBytes / 16,
        stallMs: limits.consumerStallMs,
      }),
      nextSession: () => `session-${this.nonce}-${++this.sessions}`,
    };
  }

  async start(): Promise<void> {
    const { streamMemoryBytes, queueMemoryBytes } = this.ctx.limits;
    this.ctx.router.restore(await this.store.load({ streamMemoryBytes, queueMemoryBytes }));
    const { clock, router } = this.ctx;
    if (this.sweep === undefined) {
      this.sweep = clock.setInterval(() => router.expire(clock.now()), EXPIRY_SWEEP_MS);
      // The sweep alone must not keep a host process alive (Node timers have unref; browsers do not).
      (this.sweep as { unref?: () => void } | null)?.unref?.();
    }
  }

  open(sink: ConnectionSink): EngineConnection {
    const conn = new Connection(this.ctx, sink);
    this.ctx.connections.add(conn);
    return conn;
  }

  setMemoryAlarm(on: boolean): void {
    if (on !== this.ctx.flow.alarm) this.ctx.options.log(`memory alarm ${on ? 'on: publishers held back' : 'cleared'}`);
    this.ctx.flow.setAlarm(on);
  }

  stats(): BrokerStats {
    return collectStats(this.ctx.connections, this.ctx.counters, this.ctx.router);
  }

  async close(): Promise<void> {
    if (this.sweep !== undefined) this.ctx.clock.clearInterval(this.sweep);
    this.sweep = undefined;
    this.ctx.flow.close();
    for (const conn of [...this.ctx.connections]) {
      conn.sink.close();
      conn.closed();
    }
    await this.store.close();
  }
}

/** Create a broker engine. Call `start()` once (loads durable queues), then `open()` per client. */
export function createEngine(options: EngineOptions = {}): BrokerEngine {
  return new Engine(options);
}
