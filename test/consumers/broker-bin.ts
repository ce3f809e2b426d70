import { spawn, type ChildProcess } from 'node:child_process';

/** Starts an app's installed `stompkit-broker` bin on a free port and waits for its WebSocket URL. */
export function startBrokerBin(bin: string, cwd: string): Promise<{ proc: ChildProcess; port: number }> {
  const proc = spawn(bin, ['--memory', '--port', '0'], { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /ws:\/\/[^:]+:(\d+)\/ws/.exec(out);
      if (m) resolve({ proc, port: Number(m[1]) });
    });
    proc.once('exit', (code) => reject(new Error(`stompkit-broker exited with ${code}: ${out}`)));
  });
}
