// A stream longer than the broker keeps in memory, over real sockets: its
// history stays on disk and readers from any offset still get every
// message, in order, before and after a restart.
import type { IMessage } from '@stomp/stompjs';
import { startTestBroker, uniqueName, type TestBroker } from '../../support/broker.js';
import { connectClient, publishConfirmed, STREAM_HEADERS, type TestClient } from '../../support/stomp-client.js';

const WINDOW = 64 * 1024;
const COUNT = 3000;
const body = (i: number) => `${String(i).padStart(6, '0')}:${'x'.repeat(993)}`; // 1000 bytes

/** Reads `count` messages from `offset`, acking as it goes (streams need credit back). */
function readFrom(tc: TestClient, destination: string, offset: string, count: number): Promise<IMessage[]> {
  const got: IMessage[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${got.length} of ${count} messages from ${offset}`)), 60_000);
    const sub = tc.client.subscribe(
      destination,
      (m) => {
        got.push(m);
        m.ack();
        if (got.length === count) {
          clearTimeout(timer);
          sub.unsubscribe();
          resolve(got);
        }
      },
      { ...STREAM_HEADERS, ack: 'client', 'prefetch-count': '50', 'x-stream-offset': offset },
    );
  });
}

async function stats(broker: TestBroker, destination: string) {
  const res = await fetch(`${broker.httpUrl}/stats`);
  const all = (await res.json()) as { destinations: { destination: string; storedBytes: number; memoryBytes?: number }[] };
  return all.destinations.find((d) => d.destination === destination)!;
}

describe('stream history beyond the memory window', () => {
  let broker: TestBroker;
  afterEach(async () => {
    await broker?.close();
  });

  it('keeps only the newest bytes in memory and serves every older message from disk, across a restart', async () => {
    broker = await startTestBroker({ limits: { streamMemoryBytes: WINDOW } });
    const s = `/queue/${uniqueName('history')}`;
    const w = await connectClient(broker.wsUrl);
    for (let i = 0; i < COUNT; i += 200) {
      await Promise.all(Array.from({ length: 200 }, (_, k) => publishConfirmed(w, s, body(i + k), STREAM_HEADERS)));
    }
    if (broker.httpUrl) {
      const row = await stats(broker, s);
      expect(row.storedBytes).toBe(COUNT * 1000);
      expect(row.memoryBytes).toBeLessThanOrEqual(WINDOW);
    }
    const all = await readFrom(w, s, 'first', COUNT);
    expect(all.map((m) => m.body)).toEqual(Array.from({ length: COUNT }, (_, i) => body(i)));
    expect(all.map((m) => Number(m.headers['x-stream-offset']))).toEqual(Array.from({ length: COUNT }, (_, i) => i));
    await w.close();

    await broker.stop();
    await broker.start();
    const r = await connectClient(broker.wsUrl);
    const tail = await readFrom(r, s, 'offset=1234', COUNT - 1234);
    expect(tail.map((m) => m.body)).toEqual(Array.from({ length: COUNT - 1234 }, (_, i) => body(1234 + i)));
    if (broker.httpUrl) expect((await stats(broker, s)).memoryBytes).toBeLessThanOrEqual(WINDOW);
    await publishConfirmed(r, s, 'after', STREAM_HEADERS);
    const [next] = await readFrom(r, s, `offset=${COUNT}`, 1);
    expect(next!.body).toBe('after');
    await r.close();
  });
});
