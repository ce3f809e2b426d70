/**
 * One port for everything: a `net.Server` looks at the first line a client
 * sends. An HTTP request line (`METHOD target HTTP/x.y`) hands the socket to
 * the HTTP server (health, stats, SockJS, WebSocket upgrades); anything else
 * is plain STOMP over TCP (STOMP 1.2 "Connecting": the first frame is CONNECT
 * or STOMP, possibly preceded by EOLs), so `nc host 7370` speaks STOMP.
 */
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { BrokerEngine } from '../engine/types.js';
import type { HttpRoutes } from './http-routes.js';
import { serveTcp } from './sinks.js';

/** Longest first line looked at before deciding; an HTTP request line is far shorter. */
const SNIFF_LIMIT = 8 * 1024;
/** How long a new connection may take to send its first line. */
const FIRST_LINE_TIMEOUT_MS = 60_000;
const HTTP_REQUEST_LINE = /^[A-Z]+ \S+ HTTP\/\d\.\d\r?$/;

export type SniffResult = 'http' | 'stomp' | 'undecided';

/** Decide from the bytes seen so far whether a connection speaks HTTP or STOMP. */
export function sniff(buf: Buffer): SniffResult {
  // A STOMP peer may start with heart-beat EOLs; HTTP always starts with a token.
  const first = buf[0];
  if (first === undefined) return 'undecided';
  if (first < 0x41 || first > 0x5a) return 'stomp';
  const eol = buf.indexOf(0x0a);
  if (eol === -1) {
    // Still typing the first line. `CONNECT` alone is STOMP; a space means it may be HTTP.
    return buf.length >= SNIFF_LIMIT ? 'stomp' : 'undecided';
  }
  return HTTP_REQUEST_LINE.test(buf.subarray(0, eol).toString('latin1')) ? 'http' : 'stomp';
}

export interface PortServerConfig {
  engine: BrokerEngine;
  routes: HttpRoutes;
  tcp: boolean;
  log: (message: string) => void;
}

export interface PortServer {
  readonly net: NetServer;
  readonly http: HttpServer;
  listen(port: number, host: string): Promise<{ port: number; host: string }>;
  /** Stop accepting, drop every open socket. */
  close(): Promise<void>;
}

export function createPortServer(config: PortServerConfig): PortServer {
  const { engine, routes } = config;
  const sockets = new Set<Socket>();

  const http = createHttpServer((req, res) => {
    if (routes.request(req, res)) return;
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Not found. This is a STOMP broker: /ws (WebSocket), /sockjs (SockJS), /health, /stats, /stompkit.json\n');
  });
  http.on('upgrade', (req, socket, head: Buffer) => {
    if (!routes.upgrade(req, socket, head)) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    }
  });
  http.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  // Long-lived streams (SockJS, WebSocket) must not be cut by request timeouts.
  http.requestTimeout = 0;
  http.headersTimeout = 60_000;
  http.keepAliveTimeout = 5_000;

  const net = createNetServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let seen: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      seen = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
      const kind = sniff(seen);
      if (kind === 'undecided') return;
      socket.off('data', onData);
      socket.off('error', onEarlyError);
      socket.setTimeout(0);
      socket.pause();
      if (kind === 'http') {
        // Put the bytes back and let the HTTP server read the socket as if it
        // had accepted it itself.
        socket.unshift(seen);
        http.emit('connection', socket);
        socket.resume();
      } else if (config.tcp) {
        serveTcp(engine, socket, seen);
        socket.resume();
      } else {
        socket.destroy();
      }
    };
    const onEarlyError = () => socket.destroy();
    socket.on('data', onData);
    socket.on('error', onEarlyError);
    // A peer that connects and never says a full first line holds a socket for nothing.
    socket.setTimeout(FIRST_LINE_TIMEOUT_MS, () => {
      if (seen.length === 0 || sniff(seen) === 'undecided') socket.destroy();
    });
  });

  return {
    net,
    http,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        const onError = (err: Error) => reject(err);
        net.once('error', onError);
        net.listen(port, host, () => {
          net.off('error', onError);
          const address = net.address();
          if (address === null || typeof address === 'string') {
            reject(new Error('broker: listening on an unexpected address'));
            return;
          }
          resolve({ port: address.port, host: address.address });
        });
      });
    },
    close() {
      routes.close();
      return new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        http.closeAllConnections();
        if (!net.listening) {
          resolve();
          return;
        }
        net.close(() => resolve());
      });
    },
  };
}
