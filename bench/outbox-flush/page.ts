/**
 * Runs in Chromium (bundled by index.ts): the two sides of the outbox-flush
 * benchmark, each against the same broker, reporting time to the last
 * confirmation and the long tasks (> 50 ms) seen meanwhile.
 */
import { Client } from '@stomp/stompjs';
import { createStompSession, localStorageAdapter } from '../../src/core/index';

export interface RunResult {
  ms: number;
  confirmed: number;
  longTasks: number[];
}

const longTasks: { start: number; duration: number }[] = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) longTasks.push({ start: entry.startTime, duration: entry.duration });
}).observe({ type: 'longtask', buffered: true });

/** Long tasks that overlap [from, to] (performance.now() times). */
const tasksBetween = (from: number, to: number): number[] =>
  longTasks.filter((t) => t.start + t.duration >= from && t.start <= to).map((t) => Math.round(t.duration));

/** Ours: `n` sends queued while not connected (persisted in localStorage), then connect() and wait for every RECEIPT. */
async function ours(url: string, n: number, destination: string): Promise<RunResult> {
  localStorage.clear();
  const session = createStompSession({ url, autoConnect: false, storage: localStorageAdapter(), storageKey: `bench-${Math.random()}` });
  const sends = Array.from({ length: n }, (_, i) => session.send(destination, `message ${i}`));
  // Let the queued state settle (persisted, listeners told) before the clock starts.
  await new Promise((r) => setTimeout(r, 50));
  const start = performance.now();
  session.connect();
  const receipts = await Promise.all(sends);
  const end = performance.now();
  await session.close();
  return { ms: end - start, confirmed: receipts.length, longTasks: tasksBetween(start, end) };
}

/** Baseline: a plain @stomp/stompjs Client publishing the same `n` frames with receipts once connected. */
function baseline(url: string, n: number, destination: string): Promise<RunResult> {
  return new Promise((resolve) => {
    let confirmed = 0;
    const start = performance.now();
    const client = new Client({
      brokerURL: url,
      reconnectDelay: 0,
      onConnect: () => {
        for (let i = 0; i < n; i++) {
          const receipt = `r-${i}`;
          client.watchForReceipt(receipt, () => {
            if (++confirmed < n) return;
            const end = performance.now();
            void client.deactivate().then(() => resolve({ ms: end - start, confirmed, longTasks: tasksBetween(start, end) }));
          });
          client.publish({ destination, body: `message ${i}`, headers: { receipt } });
        }
      },
    });
    client.activate();
  });
}

declare global {
  interface Window {
    outboxFlush: { ours: typeof ours; baseline: typeof baseline };
  }
}
window.outboxFlush = { ours, baseline };
