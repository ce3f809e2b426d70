/**
 * The real broker CLI (the bin, on the TypeScript source) as its own process,
 * so a test can `kill -9` it and start it again on the same port and data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'bin', 'stompkit-broker.js');

export interface Cli {
  proc: ChildProcess;
  port: number;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface CliOptions {
  /** Run under `ulimit -n`. */
  fileLimit?: number;
  /** Another `stompkit-broker` bin, e.g. one an app installed from the packed tarball (it runs its own dist). Default: this repository's, on the source. */
  bin?: string;
  cwd?: string;
  /** How long the start may take, ms (a data directory with many logs loads for a while). Default 20 000. */
  startTimeout?: number;
}

/**
 * Starts the CLI with `args` (`--port 0` unless `args` names a port) and waits
 * for its URLs.
 */
export function startCli(args: string[], { fileLimit, bin: other, cwd = root, startTimeout = 20_000 }: CliOptions = {}): Promise<Cli> {
  const argv = [other ?? bin, ...(args.includes('--port') ? [] : ['--port', '0']), ...args];
  const [command, commandArgs] =
    fileLimit === undefined ? [process.execPath, argv] : ['bash', ['-c', `ulimit -n ${fileLimit} && exec "$0" "$@"`, process.execPath, ...argv]];
  const proc = spawn(command, commandArgs, {
    cwd,
    env: { ...process.env, ...(other === undefined && { STOMPKIT_BROKER_SOURCE: '1' }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`CLI did not start within ${startTimeout} ms: ${out}`)), startTimeout);
    const check = () => {
      const m = /STOMP\/TCP\s+tcp:\/\/[^:]+:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, port: Number(m[1]), output: () => out, exited });
      }
    };
    proc.stdout!.on('data', check);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`CLI exited with ${code}: ${out}`));
    });
  });
}

