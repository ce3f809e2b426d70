/**
 * Everything the broker answers over HTTP on its port: WebSocket upgrades at
 * `/ws`, SockJS at `/sockjs`, `GET /health`, `GET /stats` and
 * `GET /stompkit.json`. Usable on the broker's own server and on someone
 * else's (the Vite dev server), so each handler says whether it took the
 * request and leaves the rest alone.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import sockjs from 'sockjs';
import type { BrokerEngine } from '../engine/types.js';
import { createLoginThrottle } from '../engine/login-throttle.js';
import { systemClock } from '../engine/index.js';
import { serveSockJS, serveWebSocket } from './sinks.js';
import type { UploadRoutes } from './uploads.js';

/** SockJS transports a client can use (names as in sockjs-client). */
export type SockJSTransport = 'websocket' | 'xhr-streaming' | 'eventsource' | 'xhr-polling';

export const ALL_SOCKJS_TRANSPORTS: readonly SockJSTransport[] = ['websocket', 'xhr-streaming', 'eventsource', 'xhr-polling'];

/** Which endpoints are served; tests switch some off to exercise client fallback. */
export interface EndpointOptions {
  /** Raw WebSocket at `/ws`. Default true; false answers the upgrade with 404. */
  websocket?: boolean;
  /** SockJS at `/sockjs`. Default true. */
  sockjs?: boolean;
  /** SockJS transports allowed; others are refused (404) so the client falls back. Default all. */
  sockjsTransports?: SockJSTransport[];
  /** Plain STOMP over TCP on the same port. Default true. */
  tcp?: boolean;
}

export interface HttpRoutesConfig {
  engine: BrokerEngine;
  endpoints: EndpointOptions;
  originAllowed: (origin: string | undefined) => boolean;
  /** `[cx, cy]` the broker offers in CONNECTED, published in `/stompkit.json`. */
  heartbeat: [number, number];
  serverName: string;
  /** The engine's frame size limit; bounds what a transport buffers before the engine sees it. */
  maxFrameSize: number;
  log: (message: string) => void;
  /**
   * Who may read `/stats` (it lists every destination, temp queues too):
   * checks HTTP Basic credentials. Absent: open (dev mode).
   */
  statsLogin?: (login: string, passcode: string) => boolean;
  /** The upload endpoint for attachments (`/uploads`); absent: not served. Uploads need the same logins as `/stats`. */
  uploads?: UploadRoutes;
}

export interface HttpRoutes {
  /** Answer `req` if it is ours; false leaves it to the next handler. */
  request(req: IncomingMessage, res: ServerResponse): boolean;
  /** Take an upgrade if it is ours; false leaves it to the next handler. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Close every WebSocket the routes accepted. */
  close(): void;
}

/** SockJS URL segment → transport family it belongs to (`xhr_send`/`jsonp_send` are upstream for all). */
const SOCKJS_SEGMENTS: Record<string, SockJSTransport | 'upstream'> = {
  websocket: 'websocket',
  xhr_streaming: 'xhr-streaming',
  htmlfile: 'xhr-streaming',
  eventsource: 'eventsource',
  xhr: 'xhr-polling',
  jsonp: 'xhr-polling',
  xhr_send: 'upstream',
  jsonp_send: 'upstream',
};

/** The content types sockjs accepts for an XHR body. */
const XHR_BODY_TYPES = new Set(['text/plain', 'T', 'application/json', 'application/xml', '', 'text/xml']);

/**
 * sockjs 0.3 gathers an XHR body (`xhr_send`) by copying everything so far
 * into a new buffer on every chunk: quadratic, so each body of a few MiB
 * costs tens of ms of CPU and a stream of them starves `/health`. Its
 * `expect_xhr` filter is replaced on this server's app by the same filter
 * gathering the chunks once (same content types, same hand-off).
 */
function gatherBodiesOnce(app: unknown): void {
  const target = app as { expect_xhr?: unknown; log?: (severity: string, line: string) => void } | undefined;
  if (typeof target?.expect_xhr !== 'function') return;
  target.expect_xhr = (req: IncomingMessage, _res: unknown, _data: unknown, next: (body: string | undefined) => void): never => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const type = (req.headers['content-type'] ?? '').split(';')[0] ?? '';
      if (XHR_BODY_TYPES.has(type)) return next(Buffer.concat(chunks).toString('utf-8'));
      target.log?.('error', `Unsupported content-type ${req.headers['content-type']}`);
      return next(undefined);
    });
    // sockjs's way of saying "the filter chain goes on later, from `next`".
    throw { status: 0 };
  };
}

/** Largest WebSocket message accepted from a client, for a given frame size limit. */
function inboundLimit(maxFrameSize: number): number {
  return 2 * maxFrameSize + 64 * 1024;
}

/** How long a request for a switched-off SockJS transport is held before its 404. */
const REFUSED_TRANSPORT_HOLD_MS = 30_000;

const WS_SUBPROTOCOLS = ['v12.stomp', 'v11.stomp', 'v10.stomp'];

export function createHttpRoutes(config: HttpRoutesConfig): HttpRoutes {
  const { engine, endpoints, originAllowed } = config;
  const wsEnabled = endpoints.websocket !== false;
  const sockjsEnabled = endpoints.sockjs !== false;
  const transports = new Set<SockJSTransport>(endpoints.sockjsTransports ?? ALL_SOCKJS_TRANSPORTS);

  const wss = new WebSocketServer({
    noServer: true,
    // `ws` buffers a whole message before handing it over. A message a bit
    // over the frame limit still reaches the engine, which answers with a
    // STOMP ERROR; one far over it is cut by `ws` (close 1009) so memory stays
    // bounded. Twice the limit leaves room for several frames in one message.
    maxPayload: inboundLimit(config.maxFrameSize),
    perMessageDeflate: false,
    handleProtocols: (offered) => {
      for (const p of WS_SUBPROTOCOLS) if (offered.has(p)) return p;
      // A client offering no STOMP subprotocol still gets STOMP (as RabbitMQ does).
      return false;
    },
  });

  const sockServer = sockjs.createServer({
    prefix: '/sockjs',
    websocket: transports.has('websocket'),
    // Keep sessions short-lived after the transport goes away (default 5 s).
    disconnect_delay: 5_000,
    heartbeat_delay: 25_000,
    log: (severity: string, line: string) => {
      if (severity === 'error') config.log(`sockjs: ${line}`);
    },
  });
  sockServer.on('connection', (conn: sockjs.Connection | null) => {
    // sockjs emits null for a session closed before it opened.
    if (conn) serveSockJS(engine, conn);
  });
  // `listener()` exists on sockjs' Server but is missing from its typings.
  const sockListener = (sockServer as unknown as { listener(): { getHandler(): unknown; app?: unknown } }).listener();
  gatherBodiesOnce(sockListener.app);
  const sockHandler = sockListener.getHandler() as (
    req: IncomingMessage,
    res: ServerResponse | Duplex,
    head?: Buffer,
  ) => boolean;

  const origin = (req: IncomingMessage): string | undefined => {
    const o = req.headers.origin;
    return Array.isArray(o) ? o[0] : o;
  };

  const path = (req: IncomingMessage): string => (req.url ?? '/').split('?')[0] ?? '/';

  const isSockJSPath = (p: string) => p === '/sockjs' || p.startsWith('/sockjs/');

  /** The transport segment of `/sockjs/<server>/<session>/<transport>`, if the path has one. */
  const sockjsTransportOf = (p: string): SockJSTransport | 'upstream' | 'unknown' | null => {
    const parts = p.split('/');
    if (parts.length !== 5) return parts[2] === 'websocket' ? 'websocket' : null;
    const segment = parts[4] ?? '';
    return SOCKJS_SEGMENTS[segment] ?? 'unknown';
  };

  /**
   * sockjs reads a request body whole into memory, so every body is counted
   * as it streams (a `Content-Length` can be absent or lie with chunked
   * encoding): past `limit` bytes the client gets 413 and the connection is
   * closed. Returns false when refused up front.
   */
  const limitBody = (req: IncomingMessage, res: ServerResponse, limit: number): boolean => {
    const refuse = () => {
      res.writeHead(413, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
      res.end('Payload too large for this broker\n', () => req.socket.destroy());
    };
    if (Number(req.headers['content-length'] ?? 0) > limit) {
      refuse();
      req.resume();
      return false;
    }
    let seen = 0;
    const count = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen <= limit) return;
      // Nothing more reaches sockjs; the request is answered here.
      req.removeAllListeners('data');
      req.removeAllListeners('end');
      req.on('data', () => undefined);
      if (!res.headersSent) refuse();
      else req.socket.destroy();
    };
    req.on('data', count);
    return true;
  };

  /** Guessing passwords here is slowed like on CONNECT (login-throttle.ts). */
  const statsThrottle = createLoginThrottle(systemClock);
  /** HTTP Basic credentials of a broker user, checked with the same throttle on failures as STOMP logins. */
  const signedIn = async (req: IncomingMessage, check: (login: string, passcode: string) => boolean): Promise<boolean> => {
    const credentials = basicCredentials(req);
    const address = req.socket.remoteAddress;
    const wait = statsThrottle.reserve(credentials?.login, address);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (credentials && check(credentials.login, credentials.passcode)) {
      statsThrottle.succeeded(credentials.login);
      return true;
    }
    if (credentials) statsThrottle.failed(credentials.login, address);
    return false;
  };

  const stats = async (req: IncomingMessage, res: ServerResponse, check: (login: string, passcode: string) => boolean) => {
    if (await signedIn(req, check)) {
      json(req, res, engine.stats());
      return;
    }
    res.writeHead(401, { 'www-authenticate': 'Basic realm="stompkit broker", charset="UTF-8"', 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    res.end('Log in with a user of the broker\n');
  };

  const refuseHttp = (res: ServerResponse, status: number, message: string) => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    res.end(`${message}\n`);
  };

  /**
   * A switched-off SockJS transport is answered late, not at once:
   * sockjs-client 1.6 leaves the previous attempt's timer running when a
   * transport fails fast, and that stale timer then kills the next transport
   * it tries, so a quick 404 makes the whole fallback chain fail. Holding the
   * request lets the client's own per-transport timeout move it on cleanly;
   * the 404 follows for anyone still waiting.
   */
  const holdThenRefuse = (req: IncomingMessage, res: ServerResponse) => {
    const timer = setTimeout(() => refuseHttp(res, 404, 'SockJS transport not offered'), REFUSED_TRANSPORT_HOLD_MS);
    timer.unref();
    held.add(res);
    const release = () => {
      clearTimeout(timer);
      held.delete(res);
    };
    req.socket.once('close', release);
    res.once('finish', release);
  };
  const held = new Set<ServerResponse>();

  const refuseUpgrade = (socket: Duplex, status: number, reason: string) => {
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    socket.destroy();
  };

  const json = (req: IncomingMessage, res: ServerResponse, body: unknown) => {
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
    };
    const o = origin(req);
    if (o !== undefined && originAllowed(o)) headers['access-control-allow-origin'] = o;
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : JSON.stringify(body));
  };

  /** The endpoints as seen by this request's client: same host, same scheme. */
  const describe = (req: IncomingMessage) => {
    const secure = Boolean((req.socket as { encrypted?: boolean }).encrypted) || req.headers['x-forwarded-proto'] === 'https';
    const host = req.headers.host ?? `${req.socket.localAddress ?? '127.0.0.1'}:${req.socket.localPort ?? ''}`;
    const [cx, cy] = config.heartbeat;
    return {
      server: config.serverName,
      endpoints: {
        websocket: wsEnabled ? `${secure ? 'wss' : 'ws'}://${host}/ws` : null,
        sockjs: sockjsEnabled ? `${secure ? 'https' : 'http'}://${host}/sockjs` : null,
      },
      sockjsTransports: sockjsEnabled ? [...transports] : [],
      subprotocols: WS_SUBPROTOCOLS,
      // What the broker offers in CONNECTED (STOMP 1.2 "Heart-beating"), and
      // the matching @stomp/stompjs client options.
      heartbeat: { server: [cx, cy], heartbeatIncoming: cx, heartbeatOutgoing: cy },
    };
  };

  return {
    request(req, res) {
      const p = path(req);
      const method = req.method ?? 'GET';
      if (isSockJSPath(p)) {
        if (!sockjsEnabled) {
          refuseHttp(res, 404, 'SockJS is disabled on this broker');
          return true;
        }
        if (!originAllowed(origin(req))) {
          refuseHttp(res, 403, `Origin ${origin(req)} is not allowed`);
          return true;
        }
        const t = sockjsTransportOf(p);
        // sockjs-client 1.x never calls it, and the sockjs server reads its body whole.
        if (p === '/sockjs/chunking_test') {
          refuseHttp(res, 404, 'Not Found');
          return true;
        }
        if (method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS' && !limitBody(req, res, inboundLimit(config.maxFrameSize) * 2)) return true;
        if (t !== null && t !== 'upstream' && (t === 'unknown' || !transports.has(t))) {
          holdThenRefuse(req, res);
          return true;
        }
        return sockHandler(req, res);
      }
      if (config.uploads && (p === '/uploads' || p.startsWith('/uploads/'))) {
        // A page of another site must not post files with the user's browser.
        if (method === 'POST' && !originAllowed(origin(req))) {
          refuseHttp(res, 403, `Origin ${origin(req)} is not allowed`);
          return true;
        }
        const check = config.statsLogin;
        return config.uploads.request(req, res, check ? (r) => signedIn(r, check) : undefined);
      }
      if (method !== 'GET' && method !== 'HEAD') return false;
      if (p === '/health') {
        json(req, res, { status: 'ok' });
        return true;
      }
      if (p === '/stats') {
        if (!config.statsLogin) json(req, res, engine.stats());
        else void stats(req, res, config.statsLogin);
        return true;
      }
      if (p === '/stompkit.json') {
        json(req, res, describe(req));
        return true;
      }
      return false;
    },

    upgrade(req, socket, head) {
      const p = path(req);
      if (p === '/ws') {
        if (!wsEnabled) {
          refuseUpgrade(socket, 404, 'Not Found');
          return true;
        }
        if (!originAllowed(origin(req))) {
          refuseUpgrade(socket, 403, 'Forbidden');
          return true;
        }
        wss.handleUpgrade(req, socket, head, (ws) => {
          serveWebSocket(engine, ws, req.socket.remoteAddress);
        });
        return true;
      }
      if (isSockJSPath(p)) {
        if (!sockjsEnabled || !transports.has('websocket')) {
          refuseUpgrade(socket, 404, 'Not Found');
          return true;
        }
        if (!originAllowed(origin(req))) {
          refuseUpgrade(socket, 403, 'Forbidden');
          return true;
        }
        return sockHandler(req, socket, head);
      }
      return false;
    },

    close() {
      for (const res of held) res.destroy();
      held.clear();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}

/** The HTTP Basic credentials of `req`, when it sends them. */
function basicCredentials(req: IncomingMessage): { login: string; passcode: string } | null {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(req.headers.authorization ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 ? { login: decoded.slice(0, colon), passcode: decoded.slice(colon + 1) } : null;
}
