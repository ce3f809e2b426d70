import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import type { UserConfig } from 'vite';
import { stompkitBroker, type BrokerOptions } from '../src/broker/index.js';
import { startRoomDirectory } from '../src/directory/index.js';

const here = fileURLToPath(new URL('.', import.meta.url));

/** Options of the demo's Vite config; the browser tests set them directly. */
export interface DemoConfigOptions {
  /**
   * WebSocket URL of an external broker (RabbitMQ Web-STOMP, or a standalone
   * `createBroker` in tests). When set the dev broker plugin is not mounted.
   */
  brokerUrl?: string;
  /** SockJS URL of that external broker, if it has one. */
  sockjsUrl?: string;
  /** Passcode sent with the sign-in name (RabbitMQ demo users: `stompkit`). */
  passcode?: string;
  /** STOMP `host` header: the RabbitMQ virtual host (`scripts/rabbitmq-setup` puts the demo users in `stompkit`). */
  vhost?: string;
  /** Where the bundled broker keeps streams, so history survives a restart. */
  dataDir?: string;
  /** Keep the bundled broker's data in memory only. */
  memory?: boolean;
  /**
   * Run the room directory service beside the external broker (its users may
   * not declare room streams, as `scripts/rabbitmq-setup` sets up RabbitMQ),
   * and chat through `withRoomDirectory`.
   */
  roomDirectory?: { passcode: string; login?: string };
  /** Anything else for the bundled broker (tests refuse endpoints with `endpoints`). */
  broker?: BrokerOptions;
  port?: number;
  strictPort?: boolean;
}

/** The demo's Vite config: React, and the dev broker on the same origin unless `brokerUrl` is set. */
export function demoViteConfig(options: DemoConfigOptions = {}): UserConfig {
  const { brokerUrl, sockjsUrl, passcode, vhost } = options;
  const directory = brokerUrl && options.roomDirectory ? { login: 'directory', ...options.roomDirectory } : null;
  const env: Record<string, string> = {
    VITE_STOMPKIT_URL: brokerUrl ?? '',
    VITE_STOMPKIT_SOCKJS_URL: sockjsUrl ?? '',
    VITE_STOMPKIT_DIRECTORY: directory?.login ?? '',
  };
  if (passcode !== undefined) env.VITE_STOMPKIT_PASSCODE = passcode;
  if (vhost !== undefined) env.VITE_STOMPKIT_VHOST = vhost;
  const source = (path: string) => resolve(here, '../src', path);
  return {
    root: here,
    // The demo imports the package by its public entry points only, served from source (HMR included).
    resolve: {
      alias: [
        { find: /^stompkit$/, replacement: source('react/index.ts') },
        { find: /^stompkit\/core$/, replacement: source('core/index.ts') },
        { find: /^stompkit\/chat$/, replacement: source('chat/index.ts') },
        { find: /^stompkit\/chat\/upload$/, replacement: source('chat/upload.ts') },
        { find: /^stompkit\/chat\/directory$/, replacement: source('chat/room-directory.ts') },
        { find: /^stompkit\/styles\.css$/, replacement: source('chat/styles.css') },
      ],
    },
    envDir: false,
    logLevel: 'warn',
    plugins: [
      react(),
      ...(brokerUrl && directory
        ? [
            {
              name: 'stompkit-room-directory',
              configureServer(server: { httpServer: { once(event: 'close', listener: () => void): unknown } | null }) {
                const service = startRoomDirectory({ url: brokerUrl.split(',').map((url) => url.trim()), ...directory, ...(vhost !== undefined && { host: vhost }) });
                server.httpServer?.once('close', () => void service.stop());
              },
            },
          ]
        : []),
      ...(brokerUrl
        ? []
        : [
            stompkitBroker({
              ...options.broker,
              ...(options.memory ? { memory: true } : { dataDir: options.dataDir ?? resolve(here, '../.stompkit/demo-data') }),
            }),
          ]),
    ],
    // Explicit values beat whatever .env files or the shell hold, so a test's
    // choice of broker is the one the page sees.
    define: {
      ...Object.fromEntries(Object.entries(env).map(([key, value]) => [`import.meta.env.${key}`, JSON.stringify(value)])),
      // sockjs-client reads `global`, which browsers do not have.
      global: 'globalThis',
    },
    server: {
      host: '127.0.0.1',
      port: options.port ?? 5173,
      strictPort: options.strictPort ?? false,
    },
    optimizeDeps: { include: ['react', 'react-dom/client', 'sockjs-client', '@stomp/stompjs', 'zustand'] },
  };
}
