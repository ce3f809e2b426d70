/**
 * Engine-only fan-out: 1 publisher → 50 topic subscribers, 5,000 messages of
 * 100 B, through `createEngine` with in-memory sinks (no sockets), so it
 * measures the engine's own cost per delivery. Baseline in the same run: a
 * bare loop that writes the same serialized MESSAGE bytes to 50 sinks (the
 * ceiling for any STOMP broker: one copy per delivery and nothing else).
 *
 * Run: npx tsx bench/broker-engine/fanout.ts
 */
import { createEngine } from '../../src/broker/engine/index.js';
import type { ConnectionSink } from '../../src/broker/engine/types.js';

const SUBSCRIBERS = 50;
const MESSAGES = 5000;
const enc = new TextEncoder();
const body = 'x'.repeat(100);

function frame(command: string, headers: Record<string, string>, text = ''): Uint8Array {
  let s = `${command}\n`;
  for (const [k, v] of Object.entries(headers)) s += `${k}:${v}\n`;
  return enc.encode(`${s}\n${text}\0`);
}

async function ours(): Promise<number> {
  const engine = createEngine({ heartbeat: [0, 0] });
  await engine.start();
  let received = 0;
  let counting = false;
  const sink: ConnectionSink = {
    transport: 'memory',
    binary: true,
    write: () => {
      if (counting) received++;
    },
    pendingBytes: () => 0,
    close: () => {},
  };
  for (let i = 0; i < SUBSCRIBERS; i++) {
    const c = engine.open(sink);
    c.receive(frame('CONNECT', { 'accept-version': '1.2' }));
    c.receive(frame('SUBSCRIBE', { id: 's', destination: '/topic/bench' }));
  }
  const pub = engine.open(sink);
  pub.receive(frame('CONNECT', { 'accept-version': '1.2' }));
  counting = true;
  const send = frame('SEND', { destination: '/topic/bench', 'content-type': 'text/plain' }, body);
  const t0 = performance.now();
  for (let i = 0; i < MESSAGES; i++) pub.receive(send);
  const ms = performance.now() - t0;
  await engine.close();
  if (received !== SUBSCRIBERS * MESSAGES) throw new Error(`lost deliveries: ${received}`);
  return (received / ms) * 1000;
}

function ceiling(): number {
  const message = frame(
    'MESSAGE',
    { subscription: 's', destination: '/topic/bench', 'message-id': 'T_s@@session@@1', redelivered: 'false', 'content-length': '100' },
    body,
  );
  const sinks: Uint8Array[][] = Array.from({ length: SUBSCRIBERS }, () => []);
  let delivered = 0;
  const t0 = performance.now();
  for (let i = 0; i < MESSAGES; i++) {
    for (const s of sinks) {
      const copy = message.slice();
      s.length = 0;
      s.push(copy);
      delivered++;
    }
  }
  return (delivered / (performance.now() - t0)) * 1000;
}

await ours(); // warm-up: let the JIT settle before measuring
const a = await ours();
const b = ceiling();
console.log(`engine fan-out: ${Math.round(a).toLocaleString()} deliveries/s`);
console.log(`copy-only ceiling: ${Math.round(b).toLocaleString()} deliveries/s`);
console.log(`ratio ours/ceiling: ${(a / b).toFixed(2)}`);
