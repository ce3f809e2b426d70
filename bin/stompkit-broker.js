#!/usr/bin/env node
// Runs the built CLI (dist/broker/cli.js) when present, as installed users
// have it; in a fresh clone without a build, runs the TypeScript source
// through tsx (a dev dependency) instead. STOMPKIT_BROKER_SOURCE=1 forces the
// source (tests use it so a stale build is never what they exercise).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

process.env.STOMPKIT_BROKER_CLI = '1';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'broker', 'cli.js');
const source = join(root, 'src', 'broker', 'node', 'cli.ts');

if (existsSync(built) && process.env.STOMPKIT_BROKER_SOURCE !== '1') {
  await import(pathToFileURL(built).href);
} else if (existsSync(source)) {
  try {
    const { register } = await import('tsx/esm/api');
    register();
  } catch {
    console.error('stompkit-broker: no build found (dist/) and tsx is not installed; run `npm run build` first.');
    process.exit(1);
  }
  await import(pathToFileURL(source).href);
} else {
  console.error('stompkit-broker: neither dist/broker/cli.js nor the source was found.');
  process.exit(1);
}
