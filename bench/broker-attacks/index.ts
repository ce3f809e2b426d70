/**
 * Does one hostile client stall the broker for everyone else? `GET /health`
 * latency of the broker (its own process, data on disk) while each attack
 * runs, beside the same probe on the idle broker, from one run:
 *   - wildcard: one SUBSCRIBE to `/topic/#.#.….#` (400 `#`) and a flood of
 *     SENDs to three-word keys (before the fix each SEND blocked the event
 *     loop for seconds);
 *   - sockjs: 64 MiB POSTed to `/sockjs/chunking_test` and chunked to
 *     `…/xhr_send`, over and over, no login (before: read without limit);
 *   - send flood: a client writing SENDs to a topic as fast as loopback
 *     takes them.
 * Goal: p99 under 100 ms during each attack. Only 127.0.0.1 is targeted.
 *
 *   npm run bench:broker-attacks   [SECONDS=5]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { child } from '../support/processes.js';

const SECONDS = Number(process.env.SECONDS ?? 5);

function health(port: number): Promise<number> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/health', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(performance.now() - start));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Probes /health every 20 ms for `seconds`; the latencies, sorted. */
async function probe(port: number, seconds: number): Promise<number[]> {
  const out: number[] = [];
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    out.push(await health(port));
    await new Promise((r) => setTimeout(r, 20));
  }
  return out.sort((a, b) => a - b);
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;

function stomp(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1' }, () => {
      s.write('CONNECT\naccept-version:1.2\nhost:/\nlogin:attacker\npasscode:x\n\n\0');
      resolve(s);
    });
    s.on('error', reject);
    s.resume();
  });
}

/** Writes `frame` as fast as the socket drains until `stop()`. */
function flood(s: Socket, frame: string): () => void {
  let running = true;
  const batch = frame.repeat(64);
  const pump = () => {
    while (running && s.write(batch));
    if (running) s.once('drain', pump);
  };
  pump();
  return () => {
    running = false;
  };
}

async function wildcard(port: number): Promise<() => void> {
  const s = await stomp(port);
  s.write(`SUBSCRIBE\nid:w\ndestination:/topic/${Array(400).fill('#').join('.')}\n\n\0`);
  const stop = flood(s, 'SEND\ndestination:/topic/a.b.c\n\nx\0');
  return () => {
    stop();
    s.destroy();
  };
}

async function sendFlood(port: number): Promise<() => void> {
  const s = await stomp(port);
  const stop = flood(s, `SEND\ndestination:/topic/flood\n\n${'y'.repeat(100)}\0`);
  return () => {
    stop();
    s.destroy();
  };
}

/** Streams 64 MiB bodies at the SockJS paths, one after another, until stopped. */
async function sockjs(port: number): Promise<() => void> {
  let running = true;
  const chunk = Buffer.alloc(1024 * 1024, 'z');
  const one = (path: string) =>
    new Promise<void>((resolve) => {
      const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent: false, headers: { 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', () => resolve());
      let sent = 0;
      const pump = () => {
        while (running && sent < 64 && req.write(chunk)) sent++;
        if (running && sent < 64) req.once('drain', pump);
        else req.end();
      };
      pump();
    });
  const loop = async () => {
    for (let i = 0; running; i++) await one(i % 2 ? '/sockjs/chunking_test' : `/sockjs/000/s${i}/xhr_send`);
  };
  void loop();
  return () => {
    running = false;
  };
}

const ATTACKS = { wildcard, sockjs, flood: sendFlood } as const;

// The attacker runs in its own process (`… --attack <name> <port>`): in the
// probing process its busy loop would delay the probe itself.
const asAttacker = process.argv.indexOf('--attack');
if (asAttacker >= 0) {
  const name = process.argv[asAttacker + 1] as keyof typeof ATTACKS;
  await ATTACKS[name](Number(process.argv[asAttacker + 2]));
  process.stdout.write('attacking\n');
} else {
  const dataDir = await mkdtemp(join(tmpdir(), 'stompkit-bench-attacks-'));
  const { proc, port } = await child(['bin/stompkit-broker.js', '--port', '0', '--data-dir', dataDir], undefined, { STOMPKIT_BROKER_SOURCE: '1' });
  try {
    await probe(port, 1); // warm-up
    const rows: [string, number[]][] = [['idle', await probe(port, SECONDS)]];
    for (const [label, name] of [
      ['wildcard subscription + SENDs', 'wildcard'],
      ['SockJS 64 MiB bodies', 'sockjs'],
      ['SEND flood (one client)', 'flood'],
    ] as const) {
      const attacker = await child(['--import', 'tsx', fileURLToPath(import.meta.url), '--attack', name, String(port)], /(attacking)/);
      await new Promise((r) => setTimeout(r, 300));
      rows.push([label, await probe(port, SECONDS)]);
      attacker.proc.kill('SIGKILL');
      await new Promise((r) => setTimeout(r, 500));
    }
    const idle = rows[0]![1];
    console.log(`\nGET /health latency (ms), ${SECONDS} s per row, probe every 20 ms; goal p99 < 100 ms under attack`);
    console.log(`${''.padEnd(32)} ${'probes'.padStart(7)} ${'p50'.padStart(7)} ${'p99'.padStart(7)} ${'max'.padStart(7)}  p50 vs idle`);
    for (const [label, sorted] of rows) {
      console.log(
        `${label.padEnd(32)} ${String(sorted.length).padStart(7)} ${pct(sorted, 50).toFixed(1).padStart(7)} ${pct(sorted, 99).toFixed(1).padStart(7)} ${sorted[sorted.length - 1]!.toFixed(1).padStart(7)}  ${(pct(sorted, 50) / pct(idle, 50)).toFixed(1)}×`,
      );
    }
  } finally {
    proc.kill('SIGTERM');
    await rm(dataDir, { recursive: true, force: true });
  }
  process.exit(0);
}
