// bench/bundle: what an app ships for each library, measured the same way in
// one run. Each entry is bundled by esbuild with its own dependencies, React
// external, minified, with code splitting so a dynamic import becomes its own
// chunk; the "main" size is the entry plus every chunk it imports statically
// (what a page downloads up front), gzip level 9 per file.
//
//   npm run bench:bundle [-- --inputs]
//
// Fails (exit 1) if SockJS code is reachable from the stompkit main chunk:
// the fallback must stay a lazily loaded chunk.
import { build } from 'esbuild';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';

const root = resolve(fileURLToPath(import.meta.url), '../../..');
const require = createRequire(join(root, 'package.json'));
// The stompkit entry carries @stomp/stompjs (the STOMP exchange) inside it:
// its goal is a ratio to react-stomp-hooks measured in the same run.
const GOAL_RATIO = 0.65;

const entries = [
  { name: 'stompkit', entry: join(root, 'src/react/index.ts'), ours: true },
  // The chat kit (when it exists): add more of our entries here the same way.
  ...(existsSync(join(root, 'src/chat/index.ts'))
    ? [{ name: 'stompkit/chat', entry: join(root, 'src/chat/index.ts'), ours: true, noGoal: true }]
    : []),
  // What npm users get: the published build (`npx tsup`) bundled the same way.
  // It is only as fresh as the last build; its build time is printed below.
  ...(existsSync(join(root, 'dist/react/index.js'))
    ? [{ name: 'stompkit (dist)', entry: join(root, 'dist/react/index.js'), ours: true, noGoal: true }]
    : []),
  { name: 'react-stomp-hooks', entry: require.resolve('react-stomp-hooks'), ours: false },
  { name: '@stomp/stompjs (alone)', entry: require.resolve('@stomp/stompjs'), ours: false },
];

const isSockJs = (input) => /node_modules\/sockjs-client\//.test(input);
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

async function measure({ name, entry }) {
  const outdir = mkdtempSync(join(tmpdir(), 'stompkit-bundle-'));
  try {
    const result = await build({
      entryPoints: { index: entry },
      bundle: true,
      minify: true,
      splitting: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2020',
      jsx: 'automatic',
      external: ['react', 'react-dom', 'react/jsx-runtime', 'react-dom/client'],
      define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
      outdir,
      write: false,
      metafile: true,
      logLevel: 'error',
    });
    const files = new Map(result.outputFiles.map((f) => [relative(root, f.path), f.contents]));
    const outputs = result.metafile.outputs;
    const entryOut = Object.keys(outputs).find((o) => outputs[o].entryPoint && o.endsWith('.js'));
    // Everything reachable by static imports from the entry is the main chunk set.
    const main = new Set();
    const visit = (out) => {
      if (main.has(out)) return;
      main.add(out);
      for (const imp of outputs[out].imports) if (imp.kind === 'import-statement' && !imp.external) visit(imp.path);
    };
    visit(entryOut);
    const size = (out) => {
      const bytes = files.get(out);
      return { min: bytes.byteLength, gzip: gzipSync(bytes, { level: 9 }).byteLength };
    };
    const sum = (outs) => outs.map(size).reduce((a, b) => ({ min: a.min + b.min, gzip: a.gzip + b.gzip }), { min: 0, gzip: 0 });
    const lazy = Object.keys(outputs).filter((o) => o.endsWith('.js') && !main.has(o));
    const sockjsIn = (outs) => outs.some((o) => Object.keys(outputs[o].inputs).some(isSockJs));
    const inputs = {};
    for (const o of main) for (const [k, v] of Object.entries(outputs[o].inputs)) inputs[k] = (inputs[k] ?? 0) + v.bytesInOutput;
    return {
      name,
      inputs,
      main: sum([...main]),
      lazy: sum(lazy),
      lazyChunks: lazy.length,
      sockjsInMain: sockjsIn([...main]),
      sockjsLazy: sockjsIn(lazy),
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const results = [];
for (const e of entries) results.push({ ...e, ...(await measure(e)) });

console.log('bundle size: esbuild --bundle --minify --splitting, React external, gzip -9\n');
console.log(['entry', 'main min', 'main min+gzip', 'lazy chunks min+gzip', 'SockJS in main'].join(' | '));
for (const r of results) {
  const lazy = r.lazyChunks ? `${kb(r.lazy.gzip)} (${r.lazyChunks} chunk${r.lazyChunks > 1 ? 's' : ''}${r.sockjsLazy ? ', SockJS' : ''})` : '-';
  console.log([r.name, kb(r.main.min), kb(r.main.gzip), lazy, r.sockjsInMain ? 'yes' : 'no'].join(' | '));
}

const ours = results.find((r) => r.name === 'stompkit');
// `npm run bench:bundle -- --inputs`: what the stompkit main chunk is made of (minified bytes).
if (process.argv.includes('--inputs')) {
  console.log('\nstompkit main chunk by input (min bytes):');
  const rows = Object.entries(ours.inputs).sort((a, b) => b[1] - a[1]);
  for (const [input, bytes] of rows) console.log(`${String(bytes).padStart(8)}  ${relative(root, input)}`);
}
const peer = results.find((r) => r.name === 'react-stomp-hooks');
const ratio = ours.main.gzip / peer.main.gzip;
const stompjs = results.find((r) => r.name === '@stomp/stompjs (alone)');
console.log(`\nstompkit / react-stomp-hooks (main, min+gzip): ${ratio.toFixed(2)} (${kb(ours.main.gzip)} / ${kb(peer.main.gzip)}); @stomp/stompjs alone: ${(stompjs.main.gzip / peer.main.gzip).toFixed(2)}`);
console.log(`goal stompkit <= ${GOAL_RATIO}x react-stomp-hooks: ${ratio <= GOAL_RATIO ? "met" : "NOT met"} (${ratio.toFixed(3)}x, ${ours.main.gzip} B vs ${peer.main.gzip} B)`);
const shipped = results.find((r) => r.name === 'stompkit (dist)');
if (shipped) {
  const built = statSync(join(root, 'dist/react/index.js')).mtime.toISOString();
  console.log(`stompkit as published (dist, built ${built}): ${kb(shipped.main.gzip)} main min+gzip; the goal above is measured on src`);
}
const chat = results.find((r) => r.name === 'stompkit/chat');
const CHAT_GOAL_BYTES = 35 * 1024; // all of chat (protocol, store, client, hooks, components with their virtualized log, zustand), React external
if (chat) console.log(`goal stompkit/chat <= ${kb(CHAT_GOAL_BYTES)} gzip: ${chat.main.gzip <= CHAT_GOAL_BYTES ? 'met' : 'NOT met'} (${kb(chat.main.gzip)})`);

let failed = false;
for (const r of results.filter((x) => x.ours)) {
  if (r.sockjsInMain) {
    console.error(`FAIL: SockJS code is in the main chunk of ${r.name}; it must only be reached by a dynamic import.`);
    failed = true;
  }
}
if (!failed) console.log('check: no SockJS code in the main chunk of our entries');

// The published build (`npx tsup`), when present: sockjs-client stays external
// and is only ever reached by `import('sockjs-client')`.
const dist = join(root, 'dist');
if (existsSync(join(dist, 'react/index.js'))) {
  const files = readdirSync(dist, { recursive: true }).filter((f) => String(f).endsWith('.js'));
  const staticImport = /(?:from\s*|import\s*)["']sockjs-client["']/;
  const offenders = files.filter((f) => staticImport.test(readFileSync(join(dist, String(f)), 'utf8')));
  const head = readFileSync(join(dist, 'react/index.js'), 'utf8').slice(0, 13);
  if (offenders.length > 0) {
    console.error(`FAIL: dist imports sockjs-client statically in ${offenders.join(', ')}`);
    failed = true;
  } else console.log('check: dist reaches sockjs-client only through a dynamic import');
  if (head !== "'use client';") {
    console.error("FAIL: dist/react/index.js does not start with 'use client';");
    failed = true;
  } else console.log("check: dist/react/index.js starts with 'use client';");
}
process.exit(failed ? 1 : 0);
