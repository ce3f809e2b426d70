/**
 * Chat end-to-end latency: alice sends a chat message (a `message.created`
 * room event built by the chat protocol, sent through the session core with
 * its outbox and receipts) to a room stream; bob reads the stream through his
 * own session. For every message we time
 *   send → RECEIPT at alice (the broker has taken it: `send()` resolved), and
 *   send → MESSAGE at bob (the other person sees it),
 * one message at a time (closed loop: pure latency, no queueing), and print
 * p50/p95/p99 for
 *   (a) the stompkit broker, its own process, data on disk (streams durable),
 *   (b) the same with --memory,
 *   (c) RabbitMQ Web-STOMP at ws://127.0.0.1:15674/ws, demo users alice/bob of
 *       scripts/rabbitmq-setup (skipped when nothing listens there),
 *   (d) the three-node RabbitMQ cluster of `scripts/rabbitmq-cluster`: alice
 *       on node 1, bob round-robin over nodes 1..3 round by round (skipped
 *       unless all three answer),
 * interleaved in rounds so load from elsewhere on the machine hits all alike.
 * Every message must arrive exactly once, in order; the run fails otherwise.
 *
 *   npm run bench:chat-latency   [MESSAGES=500 ROUNDS=3 WARMUP=50]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { createStompSession, type StompSession, type WebSocketLike } from '../../src/core/index.js';
import { STOMP_SUBPROTOCOLS } from '../../src/core/transports.js';
import { waitForStatus } from '../../src/testing/index.js';
import { roomEventFrame, streamSubscribeHeaders, type MessageCreatedEvent } from '../../src/chat/protocol.js';
import { child, reachable, root } from '../support/processes.js';
import { CLUSTER_LOCK, DEFAULT_NODE_LOCK, clusterUrls, lockRabbit } from '../support/rabbitmq.js';

const MESSAGES = Number(process.env.MESSAGES ?? 500);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const WARMUP = Number(process.env.WARMUP ?? 50);

interface Target {
  name: string;
  /** Alice's endpoint (and bob's unless `receiverUrls`). */
  url: string;
  /** Bob connects to the next of these each round (spread over cluster nodes). */
  receiverUrls?: string[];
  passcode: string;
  vhost?: string;
}

const roundsRun = new Map<Target, number>();

const socketFactory = (url: string): WebSocketLike => new WebSocket(url, STOMP_SUBPROTOCOLS) as unknown as WebSocketLike;

function session(t: Target, login: string, url = t.url): StompSession {
  return createStompSession({
    url,
    socketFactory,
    connectHeaders: { login, passcode: t.passcode, ...(t.vhost ? { host: t.vhost } : {}) },
    // A drop mid-run must fail the run, not be papered over by a reconnect.
    reconnect: { maxAttempts: 0 },
  });
}

/** A round cut short by a dropped connection (e.g. an interop test's simulated RabbitMQ outage). */
class Disturbed extends Error {}

interface Samples {
  receipt: number[];
  delivery: number[];
}

/** One round in a fresh room: `count` messages, one at a time. */
async function round(t: Target, count: number): Promise<Samples> {
  const roomId = `bench-${randomUUID().slice(0, 8)}`;
  const alice = session(t, 'alice');
  const k = roundsRun.get(t) ?? 0;
  roundsRun.set(t, k + 1);
  const bob = session(t, 'bob', t.receiverUrls ? t.receiverUrls[k % t.receiverUrls.length] : t.url);
  try {
    await Promise.all([waitForStatus(alice, 'connected', { timeout: 10_000 }), waitForStatus(bob, 'connected', { timeout: 10_000 })]);
    let dropped: (() => void) | null = null;
    const drop = new Promise<never>((_, reject) => {
      dropped = () => reject(new Disturbed(`${t.name}: a connection dropped during the round`));
    });
    drop.catch(() => undefined);
    for (const s of [alice, bob]) s.subscribe(() => s.getSnapshot().status !== 'connected' && dropped?.());
    let expected = 0;
    let arrived: ((at: number) => void) | null = null;
    let failure: Error | null = null;
    // Message 0 (untimed) declares the room stream; bob then reads from the
    // start, so its arrival proves his subscription is live before timing.
    // (On RabbitMQ 3.10 a publish racing the stream's creation by another
    // connection can kill the publishing connection; see the README.)
    const first = roomEventFrame(message(roomId, 0), 'alice');
    await alice.send(first.destination, first.body, first.headers);
    const ready = new Promise<void>((resolve) => (arrived = () => resolve()));
    bob.subscribe(
      first.destination,
      (m) => {
        const at = performance.now();
        const n = (m.json as { n?: number } | undefined)?.n;
        m.ack();
        if (n !== expected) failure ??= new Error(`${t.name}: expected message ${expected}, got ${String(n)}`);
        if (m.headers['user-id'] !== 'alice') failure ??= new Error(`${t.name}: user-id is ${m.headers['user-id']}`);
        expected++;
        arrived?.(at);
      },
      streamSubscribeHeaders('first', 50),
    );
    await ready;
    const samples: Samples = { receipt: [], delivery: [] };
    for (let n = 1; n <= count; n++) {
      const event = message(roomId, n);
      const frame = roomEventFrame(event, 'alice');
      const delivered = new Promise<number>((resolve, reject) => {
        arrived = resolve;
        setTimeout(() => reject(new Error(`${t.name}: message ${n} did not arrive within 10 s`)), 10_000).unref();
      });
      const start = performance.now();
      const receipted = alice.send(frame.destination, frame.body, frame.headers).then(() => performance.now());
      const [receiptAt, deliveredAt] = await Promise.race([Promise.all([receipted, delivered]), drop]);
      if (failure) throw failure;
      samples.receipt.push(receiptAt - start);
      samples.delivery.push(deliveredAt - start);
    }
    return samples;
  } finally {
    await Promise.all([alice.close(), bob.close()]);
  }
}

/** A round, retried (up to 3 times) when something else on the machine cut its connections. */
async function steadyRound(t: Target, count: number): Promise<Samples> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await round(t, count);
    } catch (error) {
      if (!(error instanceof Disturbed) || attempt >= 3) throw error;
      console.log(`  (${error.message}; retrying)`);
      await new Promise((r) => setTimeout(r, 2_000));
    }
  }
}

function message(roomId: string, n: number): MessageCreatedEvent & { n: number } {
  return { type: 'message.created', id: randomUUID(), roomId, ts: Date.now(), text: `message ${n}`, n };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const ms = (n: number) => n.toFixed(2).padStart(7);

console.log(`chat end-to-end latency: ${MESSAGES} messages one at a time per round, ${ROUNDS} rounds (+${WARMUP} warm-up), WebSocket, ms`);
const dataDir = await mkdtemp(join(tmpdir(), 'stompkit-bench-'));
const bin = join(root, 'bin', 'stompkit-broker.js');
const disk = await child([bin, '--port', '0', '--data-dir', dataDir]);
const memory = await child([bin, '--port', '0', '--memory']);
const unlocks: (() => Promise<void>)[] = [];
try {
  const targets: Target[] = [
    { name: 'stompkit (disk)', url: `ws://127.0.0.1:${disk.port}/ws`, passcode: 'any' },
    { name: 'stompkit (--memory)', url: `ws://127.0.0.1:${memory.port}/ws`, passcode: 'any' },
  ];
  const vhost = process.env.DEMO_VHOST ?? 'stompkit';
  if (await reachable(15674)) {
    unlocks.push(await lockRabbit(DEFAULT_NODE_LOCK));
    targets.push({ name: 'RabbitMQ Web-STOMP', url: 'ws://127.0.0.1:15674/ws', passcode: 'stompkit', vhost });
  }
  const cluster = await clusterUrls();
  if ('urls' in cluster) {
    unlocks.push(await lockRabbit(CLUSTER_LOCK));
    targets.push({ name: 'RabbitMQ cluster (3 nodes)', url: cluster.urls[0]!, receiverUrls: cluster.urls, passcode: 'stompkit', vhost });
  }
  for (const t of targets) await steadyRound(t, WARMUP);
  const all = targets.map((): Samples => ({ receipt: [], delivery: [] }));
  for (let r = 0; r < ROUNDS; r++) {
    for (const [k, t] of targets.entries()) {
      const s = await steadyRound(t, MESSAGES);
      all[k]!.receipt.push(...s.receipt);
      all[k]!.delivery.push(...s.delivery);
    }
  }
  console.log(`  ${'broker'.padEnd(26)} ${'receipt p50'.padStart(11)} ${'p95'.padStart(7)} ${'p99'.padStart(7)}   ${'delivery p50'.padStart(12)} ${'p95'.padStart(7)} ${'p99'.padStart(7)}`);
  const p50s = new Map<string, number>();
  for (const [k, t] of targets.entries()) {
    const receipt = all[k]!.receipt.sort((a, b) => a - b);
    const delivery = all[k]!.delivery.sort((a, b) => a - b);
    p50s.set(t.name, percentile(delivery, 50));
    console.log(
      `  ${t.name.padEnd(26)} ${ms(percentile(receipt, 50)).padStart(11)} ${ms(percentile(receipt, 95))} ${ms(percentile(receipt, 99))}   ${ms(percentile(delivery, 50)).padStart(12)} ${ms(percentile(delivery, 95))} ${ms(percentile(delivery, 99))}`,
    );
  }
  const ours = p50s.get('stompkit (disk)')!;
  const single = p50s.get('RabbitMQ Web-STOMP');
  const clustered = p50s.get('RabbitMQ cluster (3 nodes)');
  if (single !== undefined) console.log(`  delivery p50, RabbitMQ / stompkit (disk): ${(single / ours).toFixed(2)}×`);
  else console.log('  RabbitMQ Web-STOMP skipped: nothing listens on 127.0.0.1:15674 (run scripts/rabbitmq-setup)');
  if (clustered !== undefined && single !== undefined) console.log(`  delivery p50, RabbitMQ cluster / RabbitMQ single node: ${(clustered / single).toFixed(2)}×`);
  if (clustered !== undefined) console.log(`  delivery p50, RabbitMQ cluster / stompkit (disk): ${(clustered / ours).toFixed(2)}×`);
  else console.log(`  RabbitMQ cluster (3 nodes) skipped: ${'missing' in cluster ? cluster.missing : ''}`);
  console.log(`  every message arrived once, in order, from alice, on every broker (${all[0]!.delivery.length} per broker)`);
} finally {
  for (const unlock of unlocks) await unlock();
  disk.proc.kill('SIGTERM');
  memory.proc.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 200));
  await rm(dataDir, { recursive: true, force: true });
}
