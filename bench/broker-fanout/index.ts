/**
 * Fan-out benchmark: 1 publisher → 50 subscribers, 5,000 messages of 100 B
 * over WebSocket, the same @stomp/stompjs client against
 *   (a) the stompkit broker (memory mode, its own process, port 0),
 *   (b) RabbitMQ Web-STOMP at ws://127.0.0.1:15674/ws (skipped if unreachable),
 *   (c) the three-node RabbitMQ cluster of `scripts/rabbitmq-cluster`: the
 *       publisher on node 1, subscribers round-robin over nodes 1..3
 *       (skipped unless all three answer),
 *   (d) a bare `ws` broadcast server (the ceiling, its own process).
 * Every subscriber checks that each message arrives exactly once; the run
 * fails loudly otherwise. Prints deliveries/s and the ratios.
 *
 *   npm run bench:fanout   [SUBSCRIBERS=50 MESSAGES=5000 SIZE=100 ROUNDS=3]
 */
import { join } from 'node:path';
import { Client, type IFrame } from '@stomp/stompjs';
import WebSocket from 'ws';
import { child, reachable, root } from '../support/processes.js';
import { CLUSTER_LOCK, DEFAULT_NODE_LOCK, clusterUrls, lockRabbit } from '../support/rabbitmq.js';

const SUBSCRIBERS = Number(process.env.SUBSCRIBERS ?? 50);
const MESSAGES = Number(process.env.MESSAGES ?? 5000);
const SIZE = Number(process.env.SIZE ?? 100);
const ROUNDS = Number(process.env.ROUNDS ?? 3);

interface Target {
  name: string;
  /** The publisher's endpoint (and the subscribers' unless `subscriberUrls`). */
  url: string;
  /** Subscriber i connects to `subscriberUrls[i % length]` (spread over cluster nodes). */
  subscriberUrls?: string[];
  login: string;
  passcode: string;
}

function stompClient(t: Target, url = t.url): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client({
      brokerURL: url,
      webSocketFactory: () => new WebSocket(url, ['v12.stomp']),
      connectHeaders: { login: t.login, passcode: t.passcode, host: '/' },
      reconnectDelay: 0,
      heartbeatIncoming: 0,
      heartbeatOutgoing: 0,
    });
    client.onConnect = () => resolve(client);
    client.onStompError = (f: IFrame) => reject(new Error(`${t.name}: ERROR ${f.headers.message ?? ''} ${f.body}`));
    client.onWebSocketError = () => reject(new Error(`${t.name}: cannot connect to ${url}`));
    client.activate();
  });
}

/** A round cut short by the broker closing connections (e.g. another suite's RabbitMQ outage). */
class Disturbed extends Error {}

/** One round: returns deliveries/s; throws on loss or duplication. */
async function round(t: Target): Promise<number> {
  const destination = `/topic/bench.fanout.${Math.random().toString(36).slice(2, 8)}`;
  const urls = t.subscriberUrls ?? [t.url];
  const subscribers = await Promise.all(Array.from({ length: SUBSCRIBERS }, (_, i) => stompClient(t, urls[i % urls.length])));
  const publisher = await stompClient(t);
  const seen = subscribers.map(() => new Uint8Array(MESSAGES));
  let delivered = 0;
  let duplicates = 0;
  let disturbed = false;
  const total = SUBSCRIBERS * MESSAGES;
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  let why = '';
  for (const [k, c] of [...subscribers, publisher].entries()) {
    const who = k === subscribers.length ? 'publisher' : `subscriber ${k}`;
    c.onWebSocketClose = (evt: { code?: number; reason?: string }) => {
      why ||= `${who}: close ${evt.code ?? '?'} ${evt.reason ?? ''}`.trim();
      disturbed = true;
      finish();
    };
    c.onStompError = (f: IFrame) => {
      why ||= `${who}: ERROR ${f.headers.message ?? ''}`;
    };
  }
  // Each subscription is confirmed with a receipt so none misses the start.
  await Promise.all(
    subscribers.map(
      (c, i) =>
        new Promise<void>((resolve) => {
          const receipt = `sub-${i}`;
          c.watchForReceipt(receipt, () => resolve());
          c.subscribe(
            destination,
            (m) => {
              const n = Number(m.body.slice(0, 8));
              const s = seen[i]!;
              if (s[n] !== 0) duplicates++;
              s[n] = 1;
              if (++delivered === total) finish();
            },
            { receipt },
          );
        }),
    ),
  );
  const pad = 'x'.repeat(SIZE - 8);
  const start = process.hrtime.bigint();
  for (let n = 0; n < MESSAGES; n++) {
    publisher.publish({ destination, body: String(n).padStart(8, '0') + pad });
  }
  // No progress for 15 s means the rest is not coming.
  let last = -1;
  const watchdog = setInterval(() => {
    if (delivered === last) finish();
    last = delivered;
  }, 15_000);
  await done;
  clearInterval(watchdog);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  for (const c of [...subscribers, publisher]) c.onWebSocketClose = () => {};
  await Promise.all([...subscribers, publisher].map((c) => c.deactivate()));
  if (disturbed) throw new Disturbed(`${t.name}: the broker closed a connection during the round (${why})`);
  if (duplicates > 0) throw new Error(`${t.name}: ${duplicates} duplicate deliveries`);
  if (delivered !== total) throw new Error(`${t.name}: ${total - delivered} of ${total} deliveries lost`);
  return total / seconds;
}

/** A round, retried when something outside the benchmark closed its connections. */
async function steadyRound(t: Target): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await round(t);
    } catch (err) {
      if (!(err instanceof Disturbed) || attempt >= 3) throw err;
      console.log(`  (${err.message}; retrying)`);
      await new Promise((r) => setTimeout(r, 2_000));
    }
  }
}

/**
 * Rounds interleaved across targets (ours, RabbitMQ, ceiling, ours, ...) so a
 * burst of load from elsewhere on the machine hits all of them alike; one
 * warm-up round each, then the median.
 */
async function measureAll(targets: Target[]): Promise<number[]> {
  for (const t of targets) await steadyRound(t);
  const rates = targets.map(() => [] as number[]);
  for (let i = 0; i < ROUNDS; i++) {
    for (const [k, t] of targets.entries()) rates[k]!.push(await steadyRound(t));
  }
  return rates.map((r) => r.sort((a, b) => a - b)[Math.floor(r.length / 2)]!);
}

const tsx = ['--import', 'tsx'];
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

console.log(`broker fan-out: 1 publisher → ${SUBSCRIBERS} subscribers, ${MESSAGES} messages of ${SIZE} B, WebSocket, median of ${ROUNDS}`);

// STOMPKIT_PORT points the run at a broker started by hand (e.g. under --cpu-prof).
const ours = process.env.STOMPKIT_PORT
  ? { proc: null, port: Number(process.env.STOMPKIT_PORT) }
  : await child([join(root, 'bin', 'stompkit-broker.js'), '--memory', '--port', '0'], /ws:\/\/[^:]+:(\d+)\/ws/);
const ceiling = await child([...tsx, join(root, 'bench', 'broker-fanout', 'ceiling-server.ts')], /PORT (\d+)/);
const unlocks: (() => Promise<void>)[] = [];
try {
  const targets: Target[] = [{ name: 'stompkit', url: `ws://127.0.0.1:${ours.port}/ws`, login: 'guest', passcode: 'guest' }];
  const rabbit = await reachable(15674);
  if (rabbit) unlocks.push(await lockRabbit(DEFAULT_NODE_LOCK));
  if (rabbit) targets.push({ name: 'rabbitmq', url: 'ws://127.0.0.1:15674/ws', login: 'guest', passcode: 'guest' });
  const cluster = await clusterUrls();
  if ('urls' in cluster) {
    unlocks.push(await lockRabbit(CLUSTER_LOCK));
    targets.push({ name: 'cluster', url: cluster.urls[0]!, subscriberUrls: cluster.urls, login: 'guest', passcode: 'guest' });
  }
  targets.push({ name: 'ceiling', url: `ws://127.0.0.1:${ceiling.port}/`, login: 'guest', passcode: 'guest' });
  const rates = await measureAll(targets);
  const rate = (name: string) => rates[targets.findIndex((t) => t.name === name)];
  const stompkit = rate('stompkit')!;
  const rabbitmq = rate('rabbitmq');
  const clustered = rate('cluster');
  const top = rate('ceiling')!;
  console.log(`  stompkit broker      ${fmt(stompkit)} deliveries/s`);
  if (rabbitmq !== undefined) console.log(`  RabbitMQ Web-STOMP   ${fmt(rabbitmq)} deliveries/s`);
  else console.log('  RabbitMQ Web-STOMP   skipped: nothing listens on 127.0.0.1:15674 (run scripts/rabbitmq-setup)');
  if (clustered !== undefined) console.log(`  RabbitMQ cluster (3 nodes) ${fmt(clustered)} deliveries/s  (publisher on node 1, subscribers round-robin over nodes 1..3)`);
  else console.log(`  RabbitMQ cluster (3 nodes) skipped: ${'missing' in cluster ? cluster.missing : ''}`);
  console.log(`  bare ws (ceiling)    ${fmt(top)} deliveries/s`);
  if (rabbitmq !== undefined) console.log(`  ours / RabbitMQ      ${(stompkit / rabbitmq).toFixed(2)}×  (goal ≥ 3×)`);
  if (clustered !== undefined && rabbitmq !== undefined) console.log(`  cluster / RabbitMQ single node ${(clustered / rabbitmq).toFixed(2)}×`);
  if (clustered !== undefined) console.log(`  cluster / ours      ${(clustered / stompkit).toFixed(2)}×`);
  console.log(`  ours / ceiling       ${(stompkit / top).toFixed(2)}×  (goal ≥ 0.5×)`);
  console.log('  nothing lost or duplicated in any run');
} finally {
  for (const unlock of unlocks) await unlock();
  ours.proc?.kill('SIGTERM');
  ceiling.proc.kill('SIGTERM');
}
