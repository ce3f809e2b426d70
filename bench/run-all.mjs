#!/usr/bin/env node
// `npm run bench`: every benchmark under bench/, one after another (they
// measure, so they must not share the two cores with each other).
//
// A benchmark is a folder of bench/. It runs through its npm script when
// package.json has one that names the folder (`bench:fanout` →
// bench/broker-fanout/…), else through its entry file: index.ts/.tsx/.mjs,
// run.mjs, or the folder's only script file. Each prints its own figures (ours
// and a baseline from the same run, as a ratio). A failing benchmark is
// reported and the others still run; the exit code says whether all passed.
//
//   npm run bench                     # all
//   npm run bench -- chat-latency     # only the named folders
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts ?? {};
const only = process.argv.slice(2);

const folders = readdirSync(here)
  .filter((name) => statSync(join(here, name)).isDirectory())
  .filter((name) => only.length === 0 || only.includes(name))
  .sort();
const unknown = only.filter((name) => !folders.includes(name));
if (unknown.length) {
  console.error(`bench: no such benchmark folder: ${unknown.join(', ')} (have: ${readdirSync(here).filter((n) => statSync(join(here, n)).isDirectory()).join(', ')})`);
  process.exit(2);
}

/** How to run one folder: `npm run <script>` or `node [--import tsx] <file>`. */
function command(folder) {
  const script = Object.keys(scripts)
    .filter((name) => name.startsWith('bench:'))
    .find((name) => new RegExp(`(^|\\s|/)bench/${folder}/`).test(scripts[name]));
  if (script) return { label: `npm run ${script}`, cmd: 'npm', args: ['run', '--silent', script] };
  const files = readdirSync(join(here, folder));
  const entry =
    ['index.ts', 'index.tsx', 'index.mjs', 'run.mjs', 'index.js'].find((f) => files.includes(f)) ??
    (files.filter((f) => /\.(m?[jt]sx?)$/.test(f)).length === 1 ? files.find((f) => /\.(m?[jt]sx?)$/.test(f)) : undefined);
  if (!entry) return null;
  const file = join('bench', folder, entry);
  const tsx = /\.tsx?$/.test(entry) ? ['--import', 'tsx'] : [];
  return { label: `node ${tsx.join(' ')} ${file}`.replace(/\s+/g, ' '), cmd: process.execPath, args: [...tsx, file] };
}

const results = [];
for (const folder of folders) {
  const run = command(folder);
  console.log(`\n=== bench/${folder}${run ? `: ${run.label}` : ''}`);
  if (!run) {
    console.log(`  no entry point (add a bench:* script naming bench/${folder}/, or an index.ts)`);
    results.push({ folder, ok: false, seconds: 0, why: 'no entry point' });
    continue;
  }
  const started = Date.now();
  const out = spawnSync(run.cmd, run.args, { cwd: root, stdio: 'inherit', env: process.env });
  const seconds = (Date.now() - started) / 1000;
  const ok = out.status === 0;
  results.push({ folder, ok, seconds, why: ok ? '' : out.error ? out.error.message : `exit ${out.status ?? out.signal}` });
}

console.log('\n=== benchmarks');
for (const r of results) console.log(`  ${r.ok ? 'ok    ' : 'FAILED'} bench/${r.folder} (${r.seconds.toFixed(1)} s)${r.why ? ` — ${r.why}` : ''}`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
