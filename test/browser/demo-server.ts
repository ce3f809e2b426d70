import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type InlineConfig, type ViteDevServer } from 'vite';
import type { Browser } from 'playwright-core';
import { demoViteConfig, type DemoConfigOptions } from '../../demo/vite-config';
import { launchChromium } from './chromium';

export interface DemoServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  server: ViteDevServer;
  close(): Promise<void>;
}

const viteCache = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../node_modules/.vite');

/**
 * The demo's Vite config as the tests serve it. Demos with and without the
 * dev broker plugin pre-bundle the same dependencies under different config
 * hashes, so each kind keeps its own cache: sharing one would re-bundle it at
 * every switch, and servers running side by side would overwrite each other's.
 * The global setup fills both before any test file starts.
 */
export function demoServerConfig(options: DemoConfigOptions = {}): InlineConfig {
  return {
    ...demoViteConfig({ ...options, port: 0 }),
    configFile: false,
    cacheDir: join(viteCache, options.brokerUrl ? 'demo-external-broker' : 'demo-dev-broker'),
    // Tests edit nothing; watching would only cost CPU.
    server: { host: '127.0.0.1', port: 0, watch: null, hmr: false },
  };
}

/**
 * The demo exactly as `npm run demo` serves it — Vite's dev server with the
 * dev broker plugin on the same origin — on a free port, with a fresh data
 * directory so every test starts from an empty broker.
 */
export async function startDemo(options: DemoConfigOptions = {}): Promise<DemoServer> {
  const dataDir = options.brokerUrl ? undefined : await mkdtemp(join(tmpdir(), 'stompkit-demo-'));
  const server = await createServer(demoServerConfig({ dataDir, ...options }));
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

/** What a scenario file shares: the demo and one Chromium, started before its tests and closed after. */
export interface DemoFixture {
  readonly demo: DemoServer;
  readonly browser: Browser;
}

/** Registers `beforeAll`/`afterAll` that start the demo and Chromium for this file's tests. */
export function useDemoInChromium(options: DemoConfigOptions = {}): DemoFixture {
  let demo: DemoServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    demo = await startDemo(options);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });
  return {
    get demo() {
      if (!demo) throw new Error('the demo is not started (used outside a test?)');
      return demo;
    },
    get browser() {
      if (!browser) throw new Error('Chromium is not started (used outside a test?)');
      return browser;
    },
  };
}
