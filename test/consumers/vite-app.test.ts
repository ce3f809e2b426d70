/**
 * The package as a user installs it: `npm pack`, a fresh Vite + React app
 * that depends on the tarball (no workspace link, no `src/` path), its
 * TypeScript checking the package's types, a production build served as
 * static files, the broker started from the package's own `stompkit-broker`
 * bin, and two people chatting in Chromium.
 */
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../browser/chromium';
import { serveStatic, type StaticServer } from '../browser/static-server';
import { consumerApp, ourVersion, run, type ConsumerApp } from './app-setup';
import { startCli, type Cli } from '../support/broker-cli';
import { twoPeopleChat } from './chat-check';

let app: ConsumerApp;
let broker: Cli;
let site: StaticServer;
let browser: Browser;

beforeAll(async () => {
  const dev = ['vite', '@vitejs/plugin-react', 'typescript', '@types/react', '@types/react-dom'];
  app = await consumerApp(
    'vite-app',
    { react: await ourVersion('react'), 'react-dom': await ourVersion('react-dom') },
    Object.fromEntries(await Promise.all(dev.map(async (name) => [name, await ourVersion(name)]))),
  );
  await app.timed('tsc', () => run(app.bin('tsc'), ['-p', app.dir], { cwd: app.dir }));
  await app.timed('vite build', () => run(app.bin('vite'), ['build'], { cwd: app.dir }));
  site = await serveStatic(join(app.dir, 'dist'));
  broker = await startCli(['--memory'], { bin: app.bin('stompkit-broker'), cwd: app.dir });
  browser = await launchChromium();
}, 600_000);

afterAll(async () => {
  console.info(`consumer (Vite): ${app?.timings.join(', ')}`);
  await browser?.close();
  await site?.close();
  broker?.proc.kill('SIGTERM');
  await app?.remove();
});

test('a Vite app built from the packed tarball: two people chat, no console errors', async () => {
  const ws = encodeURIComponent(`ws://127.0.0.1:${broker.port}/ws`);
  const errors = await twoPeopleChat(browser, (user) => `${site.origin}/?user=${user}&broker=${ws}`, 'hello from the package');
  expect(errors).toEqual([]);
});
