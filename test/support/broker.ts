/**
 * The broker every integration suite talks to.
 *
 * By default a stompkit broker on 127.0.0.1, port 0, with a temporary data
 * directory (durable queues and streams survive `stop()`/`start()`, which
 * reuse the same port and directory). With `STOMPKIT_TEST_BROKER=rabbitmq`
 * the same suites run against the local RabbitMQ (Web-STOMP at
 * ws://127.0.0.1:15674/ws, STOMP/TCP at 61613, guest/guest, no SockJS):
 * `stop()` suspends RabbitMQ's listeners and closes every client connection
 * (`rabbitmqctl suspend_listeners` + `close_all_connections`), so clients see
 * an outage and reconnects are refused until `start()` resumes the listeners.
 * That outage is node-wide (it also drops other suites' connections), so
 * interop runs must not run files in parallel. RabbitMQ options such as
 * `users`, `endpoints`, `limits` and `heartbeat` cannot be applied there and
 * are ignored (suites that need them skip under RabbitMQ; see `isRabbit`).
 * With `STOMPKIT_TEST_BROKER=rabbitmq-cluster` they run against the three
 * nodes of `scripts/rabbitmq-cluster` (started by `npm run test:cluster`):
 * sessions are given the three Web-STOMP endpoints, and the outage is the
 * same on every node at once. On RabbitMQ the room directory service runs
 * beside it while the broker is held (the demo users may not declare room
 * streams: chat clients there use `directory: 'directory'`).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { connect } from 'node:net';
import { randomUUID } from 'node:crypto';
import { createBroker, type Broker, type BrokerOptions, type EndpointOptions } from '../../src/broker/index.js';
import type { BrokerLimits } from '../../src/broker/engine/types.js';
import { startRoomDirectory, type RoomDirectory } from '../../src/directory/index.js';

const run = promisify(execFile);

export interface TestBrokerOptions {
  /** Keep nothing on disk (then `stop()`/`start()` loses durable queues and streams). Default false. */
  memory?: boolean;
  /** login → passcode; without it any login is accepted. */
  users?: Record<string, string>;
  endpoints?: EndpointOptions;
  heartbeat?: [number, number];
  limits?: Partial<BrokerLimits>;
  allowOrigins?: BrokerOptions['allowOrigins'];
  authorize?: BrokerOptions['authorize'];
}

export interface TestBroker {
  kind: 'stompkit' | 'rabbitmq';
  /** Raw WebSocket STOMP endpoint (on the cluster: the first node's). */
  wsUrl: string;
  /** What a session connects to: `wsUrl`, or on the cluster every node's endpoint. */
  url: string | string[];
  /** SockJS endpoint (null on RabbitMQ, which has no SockJS here). */
  sockjsUrl: string | null;
  /** Base HTTP URL (`/health`, `/stats`, `/stompkit.json`); null on RabbitMQ. */
  httpUrl: string | null;
  /** Port of STOMP over TCP (same as the HTTP port for stompkit). */
  tcpPort: number;
  /** Credentials that work (the first of `users`, else guest/guest). */
  login: string;
  passcode: string;
  /** Simulate an outage: every connection dropped, new ones refused. */
  stop(): Promise<void>;
  /** End the outage: same port, same data directory. */
  start(): Promise<void>;
  /** Stop for good and clean up. */
  close(): Promise<void>;
}

/** True when the suites run against RabbitMQ (`npm run test:interop`, `npm run test:cluster`). */
export const isRabbit = /^rabbitmq/.test(process.env.STOMPKIT_TEST_BROKER ?? '');
/** True against the three-node cluster of `scripts/rabbitmq-cluster` (`npm run test:cluster`). */
export const isCluster = process.env.STOMPKIT_TEST_BROKER === 'rabbitmq-cluster';

/** A destination name no other test (or earlier run on a shared broker) uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}.${randomUUID().slice(0, 8)}`;
}

/** Start the broker the suites run against; see the module comment. */
export async function startTestBroker(options: TestBrokerOptions = {}): Promise<TestBroker> {
  return isRabbit ? rabbitBroker() : stompkitBroker(options);
}

async function stompkitBroker(options: TestBrokerOptions): Promise<TestBroker> {
  const dataDir = options.memory ? undefined : await mkdtemp(join(tmpdir(), 'stompkit-test-'));
  const make = () =>
    createBroker({
      memory: options.memory,
      dataDir,
      users: options.users,
      endpoints: options.endpoints,
      heartbeat: options.heartbeat,
      limits: options.limits,
      allowOrigins: options.allowOrigins,
      authorize: options.authorize,
    });
  let broker: Broker | null = make();
  const { port } = await broker.listen(0, '127.0.0.1');
  const first = options.users ? Object.entries(options.users)[0] : undefined;
  return {
    kind: 'stompkit',
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    url: `ws://127.0.0.1:${port}/ws`,
    sockjsUrl: `http://127.0.0.1:${port}/sockjs`,
    httpUrl: `http://127.0.0.1:${port}`,
    tcpPort: port,
    login: first?.[0] ?? 'guest',
    passcode: first?.[1] ?? 'guest',
    async stop() {
      const b = broker;
      broker = null;
      await b?.close();
    },
    async start() {
      if (broker) return;
      const b = make();
      // The port was just freed; a moment of TIME_WAIT-free rebinding can still race, so retry briefly.
      for (let attempt = 0; ; attempt++) {
        try {
          await b.listen(port, '127.0.0.1');
          break;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 50) throw err;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      broker = b;
    },
    async close() {
      const b = broker;
      broker = null;
      await b?.close();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The cluster's nodes: 1..3 (scripts/rabbitmq-cluster), each with its Web-STOMP and STOMP ports. */
export const CLUSTER_NODES = [1, 2, 3].map((n) => ({ n, ws: 15690 + n, tcp: 61630 + n, url: `ws://127.0.0.1:${15690 + n}/ws` }));
export const CLUSTER_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', 'rabbitmq-cluster');

/** rabbitmqctl against the default node, or against cluster node `node`. */
export async function rabbitctl(node: number | null, ...args: string[]): Promise<string> {
  const [file, argv] = node === null ? ['rabbitmqctl', ['-q', ...args]] : [CLUSTER_SCRIPT, ['ctl', String(node), '-q', ...args]];
  try {
    return (await run(file, argv, { timeout: 60_000 })).stdout;
  } catch (err) {
    throw new Error(`rabbitmqctl ${args.join(' ')} failed: ${(err as Error).message}`);
  }
}

/**
 * RabbitMQ is one node shared by every process on this machine, and `stop()`
 * cuts every connection on it. Two interop runs at once (two engineers, or
 * `npm test` with the variable set next to `npm run test:interop`) would cut
 * each other's connections mid-test, so a RabbitMQ test broker holds a lock
 * file from `startTestBroker()` to `close()`. Re-entrant within a process; a
 * lock left by a dead process is taken over.
 */
const LOCK = join(tmpdir(), isCluster ? 'stompkit-rabbitmq-cluster-tests.lock' : 'stompkit-rabbitmq-tests.lock');
let lockDepth = 0;

async function acquireRabbitLock(): Promise<void> {
  if (lockDepth++ > 0) return;
  for (;;) {
    try {
      const handle = await open(LOCK, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = Number(await readFile(LOCK, 'utf8').catch(() => ''));
    if (owner === process.pid) return;
    if (!owner || !processAlive(owner)) {
      await rm(LOCK, { force: true });
      continue;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function releaseRabbitLock(): Promise<void> {
  if (lockDepth === 0 || --lockDepth > 0) return;
  const owner = Number(await readFile(LOCK, 'utf8').catch(() => ''));
  if (owner === process.pid) await rm(LOCK, { force: true });
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function rabbitBroker(): Promise<TestBroker> {
  await acquireRabbitLock();
  const nodes = isCluster ? CLUSTER_NODES : [{ n: null, ws: 15674, tcp: 61613, url: 'ws://127.0.0.1:15674/ws' }];
  const everyNode = (...args: string[]) => Promise.all(nodes.map(({ n }) => rabbitctl(n, ...args)));
  // A run killed mid-outage leaves the listeners suspended; undo that first.
  await Promise.all(nodes.map(async ({ n, ws }) => (await listening(ws)) || rabbitctl(n, 'resume_listeners')));
  let stopped = false;
  let closed = false;
  const directory: RoomDirectory = startRoomDirectory({
    url: nodes.map((node) => node.url),
    passcode: process.env.DEMO_PASSCODE ?? 'stompkit',
    host: process.env.DEMO_VHOST ?? 'stompkit',
    reconnectDelay: 300,
  });
  const broker: TestBroker = {
    kind: 'rabbitmq',
    wsUrl: nodes[0]!.url,
    url: isCluster ? nodes.map((node) => node.url) : nodes[0]!.url,
    sockjsUrl: null,
    httpUrl: null,
    tcpPort: nodes[0]!.tcp,
    login: 'guest',
    passcode: 'guest',
    async stop() {
      // Refuse new connections first so clients cannot slip back in between.
      await everyNode('suspend_listeners');
      stopped = true;
      await everyNode('close_all_connections', 'stompkit test: simulated outage');
    },
    async start() {
      if (!stopped) return;
      await everyNode('resume_listeners');
      stopped = false;
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        if (stopped) await broker.start();
        await directory.stop();
      } finally {
        await releaseRabbitLock();
      }
    },
  };
  return broker;
}
