import { expect, test } from 'vitest';
import { FakeClient, engine, flush } from './harness.js';

test('connections by transport, frames in/out, per-destination rows', async () => {
  const e = await engine();
  const ws = new FakeClient(e, 'websocket');
  const tcp = new FakeClient(e, 'tcp');
  ws.connect();
  tcp.connect();
  ws.frame('SUBSCRIBE', { id: '1', destination: '/topic/a.*' });
  tcp.frame('SEND', { destination: '/topic/a.b' }, 'x');
  tcp.frame('SEND', { destination: '/queue/q' }, 'hello');
  tcp.frame('SEND', { destination: '/queue/s', 'x-queue-type': 'stream' }, 'abc');
  await flush(); // a stream counts a message once stored
  const s = e.stats();
  expect(s.connections).toEqual({ websocket: 1, tcp: 1, sockjs: 0, memory: 0 });
  expect(s.framesIn).toBe(6);
  expect(s.framesOut).toBe(3); // 2 CONNECTED + 1 MESSAGE
  expect(s.destinations).toEqual([
    { destination: '/queue/q', kind: 'queue', subscribers: 0, depth: 1, storedBytes: 5, memoryBytes: 5 },
    { destination: '/queue/s', kind: 'stream', subscribers: 0, depth: 1, storedBytes: 3, memoryBytes: 3 },
    { destination: '/topic/a.*', kind: 'topic', subscribers: 1, depth: 0, storedBytes: 0 },
  ]);
  ws.conn.closed();
  expect(e.stats().connections.websocket).toBe(0);
  expect(e.stats().destinations.find((d) => d.destination === '/topic/a.*')).toBeUndefined();
  await e.close();
  expect(e.stats().connections.tcp).toBe(0);
});
