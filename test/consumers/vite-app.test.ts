/**
 * The package as a user installs it: `npm pack`, a fresh Vite + React app
 * that depends on the tarball (no workspace link, no `src/` path), built for
 * production, served as static files, the broker started with the package's
 * own `stompkit-broker` bin, and two people chatting in Chromium.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { launchChromium, newPage, collectErrors } from '../browser/chromium';
import { serveStatic, type StaticServer } from '../browser/static-server';

const run = promisify(execFile);
const root = resolve(__dirname, '../..');
let dir: string;
let broker: ChildProcess;
let brokerPort = 0;
let site: StaticServer;
let browser: Browser;
const timings: string[] = [];

async function timed<T>(what: string, fn: () => Promise<T>): Promise<T> {
  const start = Date.now();
  const result = await fn();
  timings.push(`${what} ${((Date.now() - start) / 1000).toFixed(1)} s`);
  return result;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stompkit-consumer-'));
  const { stdout } = await timed('npm pack', () => run('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: root }));
  const tarball = join(dir, stdout.trim().split('\n').at(-1)!);
  const app = join(dir, 'app');
  await cp(join(__dirname, 'vite-app'), app, { recursive: true });
  const ours = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  const pick = (name: string) => ours.devDependencies[name]!;
  await writeFile(
    join(app, 'package.json'),
    JSON.stringify({
      name: 'stompkit-consumer-vite',
      private: true,
      type: 'module',
      dependencies: { stompkit: `file:${tarball}`, react: pick('react'), 'react-dom': pick('react-dom') },
      devDependencies: {
        vite: pick('vite'),
        '@vitejs/plugin-react': pick('@vitejs/plugin-react'),
        typescript: pick('typescript'),
        '@types/react': pick('@types/react'),
        '@types/react-dom': pick('@types/react-dom'),
      },
    }),
  );
  await timed('npm install', () => run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: app }));
  // The package's types, as the app's TypeScript sees them through the exports map.
  await timed('tsc', () => run(join(app, 'node_modules/.bin/tsc'), ['-p', app], { cwd: app }));
  await timed('vite build', () => run(join(app, 'node_modules/.bin/vite'), ['build'], { cwd: app }));
  site = await serveStatic(join(app, 'dist'));
  broker = spawn(join(app, 'node_modules/.bin/stompkit-broker'), ['--memory', '--port', '0'], { cwd: app, stdio: ['ignore', 'pipe', 'inherit'] });
  brokerPort = await new Promise<number>((resolvePort, reject) => {
    let out = '';
    broker.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /ws:\/\/[^:]+:(\d+)\/ws/.exec(out);
      if (m) resolvePort(Number(m[1]));
    });
    broker.once('exit', (code) => reject(new Error(`stompkit-broker exited with ${code}: ${out}`)));
  });
  browser = await launchChromium();
}, 600_000);

afterAll(async () => {
  console.info(`consumer (Vite): ${timings.join(', ')}`);
  await browser?.close();
  await site?.close();
  broker?.kill('SIGTERM');
  await rm(dir, { recursive: true, force: true });
});

test('a Vite app built from the packed tarball: two people chat, no console errors', async () => {
  const url = (user: string) => `${site.origin}/?user=${user}&broker=${encodeURIComponent(`ws://127.0.0.1:${brokerPort}/ws`)}`;
  const alice = await newPage(browser);
  const bob = await newPage(browser);
  const errors = [...[alice, bob].map(({ page }) => collectErrors(page))];
  await alice.page.goto(url('alice'));
  await bob.page.goto(url('bob'));
  const box = alice.page.getByRole('textbox', { name: /^Message #/ });
  await box.fill('hello from the package');
  await box.press('Enter');
  await bob.page.locator('article.sk-message', { hasText: 'hello from the package' }).waitFor({ timeout: 30_000 });
  await alice.page.locator('article.sk-message[data-state="sent"]', { hasText: 'hello from the package' }).waitFor({ timeout: 30_000 });
  expect(errors.flat()).toEqual([]);
  await alice.context.close();
  await bob.context.close();
});
