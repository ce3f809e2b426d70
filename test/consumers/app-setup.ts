/**
 * What the consumer tests share: the package packed once per run, and a
 * fresh app made from a template folder that depends on the tarball (no
 * workspace link), with dependency versions taken from this repository.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

export const run = promisify(execFile);
const root = resolve(__dirname, '../..');

export interface ConsumerApp {
  dir: string;
  /** `what took how long`, for the test's report. */
  timings: string[];
  timed<T>(what: string, fn: () => Promise<T>): Promise<T>;
  bin(name: string): string;
  remove(): Promise<void>;
}

/** Packs the repository (dist must be built), copies `template` and installs it with the tarball. */
export async function consumerApp(template: string, dependencies: Record<string, string>, devDependencies: Record<string, string>): Promise<ConsumerApp> {
  const base = await mkdtemp(join(tmpdir(), `stompkit-consumer-${template}-`));
  const timings: string[] = [];
  const timed = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    const start = Date.now();
    const result = await fn();
    timings.push(`${what} ${((Date.now() - start) / 1000).toFixed(1)} s`);
    return result;
  };
  const { stdout } = await timed('npm pack', () => run('npm', ['pack', '--silent', '--pack-destination', base], { cwd: root }));
  const tarball = join(base, stdout.trim().split('\n').at(-1)!);
  const dir = join(base, 'app');
  await cp(join(__dirname, template), dir, { recursive: true });
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({ name: `stompkit-consumer-${template}`, private: true, type: 'module', dependencies: { stompkit: `file:${tarball}`, ...dependencies }, devDependencies }),
  );
  await timed('npm install', () => run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: dir, env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } }));
  return { dir, timings, timed, bin: (name) => join(dir, 'node_modules/.bin', name), remove: () => rm(base, { recursive: true, force: true }) };
}

/** A version range this repository uses (dev dependencies), so consumer apps test what we test. */
export async function ourVersion(name: string): Promise<string> {
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  const version = pkg.devDependencies[name];
  if (!version) throw new Error(`${name} is not a dev dependency of stompkit`);
  return version;
}
