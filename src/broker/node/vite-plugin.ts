/**
 * `stompkitBroker()`: a Vite plugin that runs the broker inside the Vite dev
 * server, so `/ws`, `/sockjs` and `/stompkit.json` are same-origin with the
 * app (no CORS, no second port, and the page's origin passes the Origin check).
 *
 * Typed structurally so `stompkit/broker` does not require Vite's types.
 */
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import { createBroker, type Broker, type BrokerOptions } from './create-broker.js';

/** Options: those of `createBroker`. Storage defaults to memory unless `dataDir` is given. */
export type StompkitBrokerPluginOptions = BrokerOptions;

/** The parts of Vite's dev and preview servers the plugin uses. */
export interface ViteServerLike {
  httpServer: unknown;
  middlewares: { use(fn: (req: IncomingMessage, res: ServerResponse, next: () => void) => void): unknown };
}

/** A Vite plugin object (assignable to Vite's `Plugin`). */
export interface StompkitBrokerPlugin {
  name: string;
  configureServer(server: ViteServerLike): Promise<void>;
  configurePreviewServer(server: ViteServerLike): Promise<void>;
}

function isHttpServer(value: unknown): value is HttpServer {
  return typeof value === 'object' && value !== null && 'listeners' in value && 'on' in value;
}

/** Mount the stompkit broker on Vite's dev (and preview) server. */
export function stompkitBroker(options: StompkitBrokerPluginOptions = {}): StompkitBrokerPlugin {
  const brokers: Broker[] = [];

  const mount = async (server: ViteServerLike) => {
    const broker = createBroker(options);
    brokers.push(broker);
    const http = server.httpServer;
    if (isHttpServer(http)) {
      // Serves /ws and /sockjs upgrades (Vite's HMR socket is left alone) and
      // the HTTP routes ahead of Vite's middlewares.
      await broker.attach(http);
      http.once('close', () => void broker.close());
    } else {
      // Middleware mode (no HTTP server of Vite's own): HTTP routes and SockJS
      // HTTP transports only; the host app must route upgrades itself.
      await broker.attach(undefined);
      server.middlewares.use(broker.middleware());
    }
  };

  return {
    name: 'stompkit-broker',
    configureServer: mount,
    configurePreviewServer: mount,
  };
}
