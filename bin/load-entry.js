// Loads a CLI entry: the built file (dist/) when present, as installed users
// have it; in a fresh clone without a build, the TypeScript source through
// tsx (a dev dependency). STOMPKIT_BROKER_SOURCE=1 forces the source (tests
// use it so a stale build is never what they exercise).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Import `dist/<built>` or, failing that, `<source>`; exits with a clear message when neither can run. */
export async function loadEntry(command, built, source) {
  const builtFile = join(root, 'dist', built);
  const sourceFile = join(root, source);
  if (existsSync(builtFile) && process.env.STOMPKIT_BROKER_SOURCE !== '1') return import(pathToFileURL(builtFile).href);
  if (!existsSync(sourceFile)) {
    console.error(`${command}: neither dist/${built} nor the source was found.`);
    process.exit(1);
  }
  try {
    const { register } = await import('tsx/esm/api');
    register();
  } catch {
    console.error(`${command}: no build found (dist/) and tsx is not installed; run \`npm run build\` first.`);
    process.exit(1);
  }
  return import(pathToFileURL(sourceFile).href);
}
