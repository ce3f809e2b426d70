/**
 * `createBroker()`: the broker engine behind sockets. One port (or someone
 * else's HTTP server, via `attach`) serves WebSocket, SockJS, TCP and the
 * small HTTP API; storage is a data directory or memory.
 */
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { createEngine, createMemoryStore, DEFAULT_LIMITS, HEARTBEAT_FLOORS, type QueuePolicy } from '../engine/index.js';
import type {
  AuthenticateHook,
  AuthorizeHook,
  BrokerEngine,
  BrokerLimits,
  BrokerStats,
  LoginThrottleOptions,
  MessageStore,
} from '../engine/types.js';
import { createFileStore } from './file-store.js';
import { createUploads, type UploadOptions } from './uploads.js';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DEFAULT_DIRECTORY_LOGIN, startRoomDirectory, type RoomDirectory } from '../../directory/service.js';
import { createHttpRoutes, type EndpointOptions, type HttpRoutes } from './http-routes.js';
import { originPolicy, type OriginRule } from './origin.js';
import { createPortServer, type PortServer } from './server.js';

export type { EndpointOptions, SockJSTransport } from './http-routes.js';
export type { OriginRule } from './origin.js';

/** Options of {@link createBroker}. */
export interface BrokerOptions {
  /**
   * Check CONNECT credentials. Default: open dev mode, any login is accepted
   * (the user is the login, or `guest` without one) unless `users` is given.
   */
  authenticate?: AuthenticateHook;
  /** Shorthand for `authenticate`: accept exactly these login → passcode pairs. */
  users?: Readonly<Record<string, string>>;
  /** Decide per user, action and destination (aliases such as `/amq/queue/q` are asked as `/queue/q`). Default: everything allowed. */
  authorize?: AuthorizeHook;
  /** Keep durable queues and streams in this directory. Without it (or with `memory`) nothing persists. */
  dataDir?: string;
  /** Keep nothing on disk, even if `dataDir` is set. */
  memory?: boolean;
  /** A custom store (overrides `dataDir`/`memory`). */
  store?: MessageStore;
  /** Origins allowed on WebSocket and SockJS handshakes. Default: localhost, 127.0.0.1 and [::1] on any port. */
  allowOrigins?: readonly OriginRule[] | ((origin: string) => boolean);
  limits?: Partial<BrokerLimits>;
  /** How failed logins slow further checks of the same login or address. Default: 100 ms doubling to 10 s. */
  loginThrottle?: LoginThrottleOptions;
  /**
   * Memory high-water mark in bytes (JavaScript heap plus buffers): past it,
   * every connection that publishes is held back until usage falls under 90 %
   * of it. Default 1 GiB; 0 turns the alarm off.
   */
  maxMemory?: number;
  /** How memory is measured (tests). Default: `heapUsed + external` of `process.memoryUsage()`. */
  memoryUsage?: () => number;
  /** ms between two looks at memory. Default 500. */
  memoryCheckMs?: number;
  /**
   * Heart-beat floors `[sx, sy]` ms: a client's own periods are granted down
   * to these (STOMP 1.2's max rule), as RabbitMQ grants what the client asks.
   * Default `[1000, 1000]`; `0` turns a direction off.
   */
  heartbeat?: [number, number];
  /**
   * Queue policies in RabbitMQ's vocabulary (limits by name pattern; the
   * highest priority match applies). Default {@link CHAT_POLICIES}: chat room
   * streams keep 90 days and at most 1 GiB each. `[]` sets none.
   */
  policies?: readonly QueuePolicy[];
  /** Which endpoints are served (all by default). */
  endpoints?: EndpointOptions;
  /**
   * The upload endpoint for chat attachments in development (`POST /uploads`,
   * `GET /uploads/<id>/<name>`): size limit, type allow-list, the logins of
   * `users`. Files go to `<dataDir>/uploads` (memory without a data
   * directory). `false` turns it off.
   */
  uploads?: UploadOptions | false;
  /**
   * Run the room directory service inside the broker once it listens: the
   * principal that declares chat room streams (`src/directory/service.ts`),
   * for chat clients with `directory` set to its login. `true` uses the login
   * `directory`. It signs in with a secret made at start (no other client
   * can sign in under its login) and may declare, read and write the chat
   * room streams and the directory whatever `authorize` says.
   */
  roomDirectory?: boolean | string;
  /** Diagnostics sink. Default: silent. */
  log?: (message: string) => void;
  /** `server` header of CONNECTED. */
  serverName?: string;
}

/** The URLs a listening broker serves. */
export interface BrokerUrls {
  websocket: string;
  sockjs: string;
  tcp: string;
  http: string;
}

/** A running broker. */
export interface Broker {
  /** Listen on `port` (default 7370; 0 picks a free one) and `host` (default 127.0.0.1). */
  listen(port?: number, host?: string): Promise<{ port: number; host: string }>;
  /** The bound port once listening. */
  readonly port: number | undefined;
  /** The URLs served once listening. */
  readonly urls: BrokerUrls | undefined;
  stats(): BrokerStats;
  /**
   * Serve `/ws`, `/sockjs`, `/health`, `/stats` and `/stompkit.json` on an
   * existing HTTP server (e.g. a dev server), leaving its other requests and
   * upgrades alone. Without a server, only starts the engine (for `middleware()`).
   */
  attach(server?: HttpServer): Promise<void>;
  /** Connect-style middleware for the HTTP part (the Vite plugin uses it with `attach` for upgrades). */
  middleware(): (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
  /** Close every connection, stop listening, flush and close storage. */
  close(): Promise<void>;
}

const SERVER_NAME = 'stompkit/0.1.0';

/**
 * The default retention of chat rooms, the same policy `scripts/rabbitmq-setup`
 * sets on RabbitMQ: 90 days and at most 1 GiB per room stream. Give a room its
 * own with a policy of higher priority (`pattern: '^chat\\.room\\.audit$'`).
 */
export const CHAT_POLICIES: readonly QueuePolicy[] = Object.freeze([
  { name: 'chat-retention', pattern: '^chat\\.room\\.', definition: { 'max-age': '90D', 'max-length-bytes': 1024 * 1024 * 1024 } },
]);

/** Accept exactly the given logins (STOMP 1.2 CONNECT `login`/`passcode`). */
export function usersAuthenticator(users: Readonly<Record<string, string>>): AuthenticateHook {
  return (login, passcode) => {
    if (login !== undefined && Object.prototype.hasOwnProperty.call(users, login) && users[login] === passcode) {
      return { ok: true, user: login };
    }
    return { ok: false, message: 'Bad CONNECT: login or passcode refused' };
  };
}

/** The built-in room directory signs in with its secret; nobody else may use its login. */
function directoryAuthenticator(login: string, secret: string, others: AuthenticateHook): AuthenticateHook {
  return (given, passcode, info) =>
    given === login ? (passcode === secret ? { ok: true, user: login } : { ok: false, message: 'Bad CONNECT: login or passcode refused' }) : others(given, passcode, info);
}

/** The built-in room directory's own permissions: the chat room streams and the directory, nothing else. */
const DIRECTORY_DESTINATIONS = /^\/queue\/chat\.(rooms|room\.[a-z0-9][a-z0-9_-]*)$/;
function directoryAuthorizer(login: string, others: AuthorizeHook | undefined): AuthorizeHook {
  return (user, action, destination) => {
    if (user === login) return DIRECTORY_DESTINATIONS.test(destination);
    return others ? others(user, action, destination) : true;
  };
}

/** Open dev mode: every login accepted, passcode ignored. */
export const openAuthenticator: AuthenticateHook = (login) => ({ ok: true, user: login || 'guest' });

/** Create a broker. Nothing listens until `listen()` or `attach()`. */
export function createBroker(options: BrokerOptions = {}): Broker {
  const log = options.log ?? (() => {});
  const serverName = options.serverName ?? SERVER_NAME;
  const heartbeat = options.heartbeat ?? HEARTBEAT_FLOORS;
  const store: MessageStore =
    options.store ??
    (options.dataDir && !options.memory ? createFileStore({ dataDir: options.dataDir, log }) : createMemoryStore());
  const directoryLogin = options.roomDirectory ? (typeof options.roomDirectory === 'string' ? options.roomDirectory : DEFAULT_DIRECTORY_LOGIN) : null;
  const directorySecret = randomBytes(24).toString('base64url');
  const authenticate = options.authenticate ?? (options.users ? usersAuthenticator(options.users) : openAuthenticator);
  const engine: BrokerEngine = createEngine({
    authenticate: directoryLogin === null ? authenticate : directoryAuthenticator(directoryLogin, directorySecret, authenticate),
    authorize: directoryLogin === null ? options.authorize : directoryAuthorizer(directoryLogin, options.authorize),
    store,
    limits: options.limits,
    loginThrottle: options.loginThrottle,
    policies: options.policies ?? CHAT_POLICIES,
    heartbeat,
    serverName,
    log,
  });
  const endpoints = options.endpoints ?? {};
  const routes: HttpRoutes = createHttpRoutes({
    engine,
    endpoints,
    originAllowed: originPolicy(options.allowOrigins),
    heartbeat,
    serverName,
    maxFrameSize: options.limits?.maxFrameSize ?? DEFAULT_LIMITS.maxFrameSize,
    log,
    ...(options.users && { statsLogin: (login: string, passcode: string) => Object.hasOwn(options.users!, login) && options.users![login] === passcode }),
    ...(options.uploads !== false && {
      uploads: createUploads({
        ...(options.dataDir && !options.memory && { dir: join(options.dataDir, 'uploads') }),
        ...options.uploads,
      }),
    }),
  });

  let started: Promise<void> | null = null;
  const maxMemory = options.maxMemory ?? 1024 * 1024 * 1024;
  const usage = options.memoryUsage ?? (() => { const m = process.memoryUsage(); return m.heapUsed + m.external; });
  let memoryWatch: ReturnType<typeof setInterval> | undefined;
  const start = () =>
    (started ??= engine.start().then(() => {
      if (maxMemory <= 0) return;
      let alarm = false;
      memoryWatch = setInterval(() => {
        const used = usage();
        // Hysteresis: on past the mark, off under 90 % of it, so the alarm does not flap.
        const next = alarm ? used > maxMemory * 0.9 : used > maxMemory;
        if (next !== alarm) engine.setMemoryAlarm((alarm = next));
      }, options.memoryCheckMs ?? 500);
      memoryWatch.unref();
    }));
  let directory: RoomDirectory | null = null;
  let server: PortServer | null = null;
  let bound: { port: number; host: string } | undefined;
  const attached: Array<() => void> = [];
  let closing: Promise<void> | null = null;

  /** The room directory service, connected to this broker at `at`. */
  const runDirectory = (at: { port: number; host: string }): void => {
    if (directoryLogin === null || directory || closing) return;
    directory = startRoomDirectory({ url: urlsFor(at).websocket, login: directoryLogin, passcode: directorySecret, log: (line) => log(`room directory: ${line}`) });
  };

  const urlsFor = ({ port, host }: { port: number; host: string }): BrokerUrls => {
    const h = host.includes(':') ? `[${host}]` : host;
    return {
      websocket: `ws://${h}:${port}/ws`,
      sockjs: `http://${h}:${port}/sockjs`,
      tcp: `tcp://${h}:${port}`,
      http: `http://${h}:${port}`,
    };
  };

  return {
    async listen(port = 7370, host = '127.0.0.1') {
      if (server) throw new Error('broker: already listening');
      if (closing) throw new Error('broker: closed');
      await start();
      server = createPortServer({ engine, routes, tcp: endpoints.tcp !== false, log });
      bound = await server.listen(port, host);
      runDirectory(bound);
      return bound;
    },
    get port() {
      return bound?.port;
    },
    get urls() {
      return bound ? urlsFor(bound) : undefined;
    },
    stats: () => engine.stats(),
    async attach(http) {
      await start();
      if (!http) {
        if (directoryLogin !== null) log('room directory: not started (middleware mode has no address to connect to)');
        return;
      }
      if (directoryLogin !== null) {
        // Once the host server listens: its address is where the service connects.
        const atAddress = (): void => {
          const address = http.address();
          if (address && typeof address === 'object') runDirectory({ port: address.port, host: /^(::|0\.0\.0\.0)$/.test(address.address) ? '127.0.0.1' : address.address });
        };
        if (http.listening) atAddress();
        else http.once('listening', atAddress);
      }
      const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
        routes.upgrade(req, socket, head);
      };
      // Run before the server's own request listeners; theirs see only what we leave.
      const previous = http.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
      const onRequest = (req: IncomingMessage, res: ServerResponse) => {
        if (routes.request(req, res)) return;
        for (const l of previous) l.call(http, req, res);
      };
      http.removeAllListeners('request');
      http.on('request', onRequest);
      http.on('upgrade', onUpgrade);
      attached.push(() => {
        http.off('upgrade', onUpgrade);
        http.off('request', onRequest);
        for (const l of previous) http.on('request', l);
      });
    },
    middleware() {
      return (req, res, next) => {
        if (!started || !routes.request(req, res)) next();
      };
    },
    close() {
      closing ??= (async () => {
        for (const detach of attached.splice(0)) detach();
        await directory?.stop();
        directory = null;
        // Stop accepting first, then let the engine close sessions and flush storage.
        const s = server;
        server = null;
        const netClosed = s ? new Promise<void>((r) => s.net.close(() => r())) : Promise.resolve();
        clearInterval(memoryWatch);
        if (started) await started.catch(() => {});
        await engine.close();
        routes.close();
        if (s) await s.close();
        await netClosed.catch(() => {});
      })();
      return closing;
    },
  };
}
