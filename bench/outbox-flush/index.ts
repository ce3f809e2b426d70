/**
 * bench/outbox-flush: 10,000 sends queued while offline, then flushed through
 * the session to the dev broker until every one is confirmed, against a plain
 * @stomp/stompjs `Client` publishing the same 10,000 frames with receipts.
 * Both run in Chromium against the same broker (a child process), alternated,
 * median of the runs; the long tasks (> 50 ms on the main thread) seen while
 * flushing are counted for both.
 *
 *   npm run bench:outbox-flush [-- --runs 5 --sends 10000]
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { child, root } from '../support/processes';
import type { RunResult } from './page';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const runs = arg('runs', 5);
const sends = arg('sends', 10_000);
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const bundle = await build({
  entryPoints: [join(root, 'bench/outbox-flush/page.ts')],
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  define: { global: 'globalThis', 'process.env.NODE_ENV': '"production"' },
  write: false,
  logLevel: 'error',
});
const script = bundle.outputFiles[0]!.text;
const page = createServer((req, res) => {
  if (req.url === '/page.js') {
    res.writeHead(200, { 'content-type': 'text/javascript' });
    res.end(script);
  } else {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>outbox-flush</title><script type="module" src="/page.js"></script>');
  }
});
await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;

const broker = await child([join(root, 'bin/stompkit-broker.js'), '--memory', '--port', '0'], undefined, { STOMPKIT_BROKER_SOURCE: '1' });
const url = `ws://127.0.0.1:${broker.port}/ws`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const tab = await browser.newPage();
  await tab.goto(origin);
  await tab.waitForFunction(() => window.outboxFlush !== undefined);
  const results: { ours: RunResult[]; baseline: RunResult[] } = { ours: [], baseline: [] };
  console.log(`outbox-flush: ${sends} sends, ${runs} runs each, alternated, Chromium, dev broker (memory) on loopback`);
  for (let i = 0; i < runs; i++) {
    for (const side of i % 2 === 0 ? (['baseline', 'ours'] as const) : (['ours', 'baseline'] as const)) {
      const destination = `/queue/bench.flush.${side}.${i}`;
      const r = await tab.evaluate(([s, u, n, d]) => window.outboxFlush[s](u, n, d), [side, url, sends, destination] as const);
      if (r.confirmed !== sends) throw new Error(`${side}: ${r.confirmed} of ${sends} confirmed`);
      results[side].push(r);
      console.log(`  run ${i + 1} ${side.padEnd(8)} ${r.ms.toFixed(0).padStart(6)} ms, long tasks: ${r.longTasks.length ? r.longTasks.join(', ') + ' ms' : 'none'}`);
    }
  }
  const oursMs = median(results.ours.map((r) => r.ms));
  const baseMs = median(results.baseline.map((r) => r.ms));
  const worst = (rs: RunResult[]) => Math.max(0, ...rs.flatMap((r) => r.longTasks));
  console.log('\nside | median ms to the last confirmation | longest task while flushing');
  console.log(`stompkit session (outbox, persisted) | ${oursMs.toFixed(0)} | ${worst(results.ours) || 'none over 50 ms'}`);
  console.log(`@stomp/stompjs Client (publish + receipts) | ${baseMs.toFixed(0)} | ${worst(results.baseline) || 'none over 50 ms'}`);
  const ratio = oursMs / baseMs;
  console.log(`\nours / baseline: ${ratio.toFixed(2)}x (goal <= 1.5x): ${ratio <= 1.5 ? 'met' : 'NOT met'}`);
  console.log(`long tasks over 50 ms while our outbox flushed: ${results.ours.flatMap((r) => r.longTasks).length} (goal 0)`);
} finally {
  await browser.close();
  broker.proc.kill('SIGTERM');
  page.close();
}
