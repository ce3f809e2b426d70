import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type ViteDevServer } from 'vite';
import { demoViteConfig, type DemoConfigOptions } from '../../demo/vite-config';

export interface DemoServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  server: ViteDevServer;
  close(): Promise<void>;
}

/**
 * The demo exactly as `npm run demo` serves it — Vite's dev server with the
 * dev broker plugin on the same origin — on a free port, with a fresh data
 * directory so every test starts from an empty broker.
 */
export async function startDemo(options: DemoConfigOptions = {}): Promise<DemoServer> {
  const dataDir = options.brokerUrl ? undefined : await mkdtemp(join(tmpdir(), 'stompkit-demo-'));
  const server = await createServer({
    ...demoViteConfig({ dataDir, ...options, port: 0 }),
    configFile: false,
    // Tests edit nothing; watching would only cost CPU.
    server: { host: '127.0.0.1', port: 0, watch: null, hmr: false },
  });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('startDemo: Vite is not listening on a TCP port');
  return {
    origin: `http://127.0.0.1:${address.port}`,
    server,
    async close() {
      await server.close();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
