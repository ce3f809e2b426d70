/**
 * The package in a Next.js (App Router) app, installed from the packed
 * tarball: a server component renders `<StompProvider>` and `<ChatRoom>`
 * (the entries carry 'use client'), `next build` for production, `next
 * start`; the server-rendered HTML already holds the chat, the page hydrates
 * without a warning, and two people chat in Chromium.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../browser/chromium';
import { consumerApp, ourVersion, run, type ConsumerApp } from './app-setup';
import { startCli, type Cli } from '../support/broker-cli';
import { twoPeopleChat } from './chat-check';

/** Next.js 16 runs on Node 20.9+; its version is pinned here, not taken from our dev dependencies. */
const NEXT = '16.5.0';

let app: ConsumerApp;
let broker: Cli;
let next: ChildProcess;
let origin: string;
let browser: Browser;

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

beforeAll(async () => {
  const dev = ['typescript', '@types/react', '@types/react-dom', '@types/node'];
  app = await consumerApp(
    'next-app',
    { next: NEXT, react: await ourVersion('react'), 'react-dom': await ourVersion('react-dom') },
    Object.fromEntries(await Promise.all(dev.map(async (name) => [name, await ourVersion(name)]))),
  );
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
  await app.timed('next build', () => run(app.bin('next'), ['build'], { cwd: app.dir, env }));
  broker = await startCli(['--memory'], { bin: app.bin('stompkit-broker'), cwd: app.dir });
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  next = spawn(app.bin('next'), ['start', '-H', '127.0.0.1', '-p', String(port)], { cwd: app.dir, env, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    next.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (/Ready|started server/i.test(out)) resolve();
    });
    next.once('exit', (code) => reject(new Error(`next start exited with ${code}: ${out}`)));
  });
  browser = await launchChromium();
}, 600_000);

afterAll(async () => {
  console.info(`consumer (Next.js ${NEXT}): ${app?.timings.join(', ')}`);
  await browser?.close();
  next?.kill('SIGTERM');
  broker?.proc.kill('SIGTERM');
  await app?.remove();
});

test('the server renders the page with the provider and the chat kit without touching window', async () => {
  const response = await fetch(`${origin}/?user=alice`);
  expect(response.status).toBe(200);
  const html = await response.text();
  // The chat client starts in the browser: the server HTML holds ChatProvider's fallback.
  expect(html).toContain('Connecting to the chat…');
});

test('a Next.js app built from the packed tarball hydrates without warnings and two people chat', async () => {
  const ws = encodeURIComponent(`ws://127.0.0.1:${broker.port}/ws`);
  const errors = await twoPeopleChat(browser, (user) => `${origin}/?user=${user}&broker=${ws}`, 'hello from Next.js');
  // React reports hydration mismatches as console errors.
  expect(errors).toEqual([]);
});
