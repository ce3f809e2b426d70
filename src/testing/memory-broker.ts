/**
 * `createMemoryBroker()`: the real broker engine behind the in-memory
 * transport, so stories, demos and users' tests run a full STOMP broker with
 * no server and no sockets. Node-free: it runs in a browser too.
 */
import { createEngine, systemClock } from '../broker/engine/index';
import type {
  BrokerEngine,
  BrokerStats,
  ConnectionSink,
  EngineClock,
  EngineConnection,
  EngineOptions,
} from '../broker/engine/types';
import type { WebSocketLike } from '../core/types';
import { MemorySocket } from './memory-socket';

export interface MemoryBrokerOptions extends EngineOptions {
  /** One-way delay in ms for every chunk, and for opening a connection. Default 0. */
  latency?: number;
  /** Use this engine instead of creating one (its `start()` is still called once). */
  engine?: BrokerEngine;
}

/** Broker statistics plus what only the in-memory transport can see. */
export interface MemoryBrokerStats extends BrokerStats {
  /** Sockets ever opened, open now, and refused while stopped. */
  sockets: { opened: number; open: number; refused: number };
  /**
   * Client → broker frames by command (`CONNECT`, `SUBSCRIBE`, `SEND`, ...).
   * Counts the frame each WebSocket message starts with; `@stomp/stompjs`
   * sends exactly one frame per message. Heart-beats are not counted.
   */
  commands: Record<string, number>;
  running: boolean;
  latency: number;
}

export interface MemoryBroker {
  /** The engine, for anything the helpers below do not cover. */
  readonly engine: BrokerEngine;
  /** Resolves once the engine has started (sockets wait for it by themselves). */
  readonly ready: Promise<void>;
  /** Pass to `createStompSession({ socketFactory })`. */
  readonly socketFactory: (url: string) => WebSocketLike;
  /** False between `stop()` and `start()`. */
  readonly running: boolean;
  /** An outage: drop every connection at once and refuse new ones until `start()`. */
  stop(): void;
  /** End the outage: accept connections again. Queues and streams kept their messages. */
  start(): void;
  /** Set the one-way latency in ms for chunks sent from now on. */
  setLatency(ms: number): void;
  stats(): MemoryBrokerStats;
  /** Drop every connection and close the engine. */
  close(): Promise<void>;
}

interface Live {
  socket: MemorySocket;
  connection: EngineConnection;
}

/** The command a WebSocket message starts with, or null for a heart-beat. */
function commandOf(chunk: string | Uint8Array): string | null {
  const head = typeof chunk === 'string' ? chunk.slice(0, 64) : new TextDecoder().decode(chunk.subarray(0, 64));
  const match = /^[\r\n]*([A-Z]+)\r?\n/.exec(head);
  return match ? match[1] : null;
}

function checkLatency(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`latency must be a finite number of ms >= 0, got ${ms}`);
  return ms;
}

/**
 * Create a memory broker. Nothing listens anywhere: connect sessions to it by
 * passing `broker.socketFactory` (any URL is accepted, e.g. `memory://stompkit`).
 *
 * @example
 * const broker = createMemoryBroker();
 * const session = createStompSession({ url: 'memory://stompkit', socketFactory: broker.socketFactory });
 */
export function createMemoryBroker(options: MemoryBrokerOptions = {}): MemoryBroker {
  const { latency: initialLatency = 0, engine: given, ...engineOptions } = options;
  const clock: EngineClock = engineOptions.clock ?? systemClock;
  const engine = given ?? createEngine({ ...engineOptions, clock });
  let latency = checkLatency(initialLatency);
  let running = true;
  const live = new Set<Live>();
  const sockets = { opened: 0, refused: 0 };
  const commands: Record<string, number> = {};

  const ready = engine.start();
  // Failures surface through `ready` and as refused connections, never unhandled.
  ready.catch(() => undefined);

  function attach(socket: MemorySocket): void {
    if (!running) {
      sockets.refused += 1;
      socket.refuse('memory broker is stopped');
      return;
    }
    if (socket.readyState !== MemorySocket.CONNECTING) return;
    let entry: Live | null = null;
    const sink: ConnectionSink = {
      transport: 'memory',
      binary: true,
      remoteAddress: 'memory',
      // Copy: the engine may reuse its buffer once `write` returns.
      write: (data) => socket.push(data.slice()),
      pendingBytes: () => socket.pendingBytes(),
      close: () => {
        if (entry) live.delete(entry);
        socket.closeFromBroker();
      },
    };
    const connection = engine.open(sink);
    entry = { socket, connection };
    live.add(entry);
    const self = entry;
    socket.accept({
      send: (chunk) => {
        const command = commandOf(chunk);
        if (command) commands[command] = (commands[command] ?? 0) + 1;
        connection.receive(chunk);
      },
      close: () => {
        live.delete(self);
        connection.closed('client closed the socket');
      },
    });
  }

  function socketFactory(url: string): WebSocketLike {
    const socket = new MemorySocket(url, clock, () => latency);
    sockets.opened += 1;
    // The outcome of opening comes in a later task, never a microtask, as with a
    // real socket: @stomp/stompjs attaches its handlers after a few awaits.
    ready.then(
      () => void clock.setTimeout(() => attach(socket), latency),
      (error: unknown) =>
        void clock.setTimeout(() => {
          sockets.refused += 1;
          socket.refuse(`memory broker failed to start: ${error instanceof Error ? error.message : String(error)}`);
        }, 0),
    );
    return socket;
  }

  function dropAll(reason: string): void {
    for (const entry of [...live]) {
      live.delete(entry);
      entry.connection.closed(reason);
      entry.socket.drop(reason);
    }
  }

  return {
    engine,
    ready,
    socketFactory,
    get running() {
      return running;
    },
    stop() {
      running = false;
      dropAll('memory broker stopped');
    },
    start() {
      running = true;
    },
    setLatency(ms: number) {
      latency = checkLatency(ms);
    },
    stats() {
      return {
        ...engine.stats(),
        sockets: { opened: sockets.opened, open: live.size, refused: sockets.refused },
        commands: { ...commands },
        running,
        latency,
      };
    },
    async close() {
      running = false;
      dropAll('memory broker closed');
      await engine.close();
    },
  };
}
