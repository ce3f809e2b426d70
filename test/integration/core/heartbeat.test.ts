/**
 * A silent broker (its heart-beats stop) is
 * detected and reconnected. The broker here is a tiny WebSocket server that
 * answers CONNECTED promising heart-beats and then says nothing at all, not
 * even to the close handshake, which is what a hung peer looks like.
 */
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { createStompSession, type SessionState, type StompSession } from '../../../src/core/index.js';
import { waitForState } from '../../../src/testing/index.js';
import { socketFactory } from './helpers.js';

let server: WebSocketServer;
let session: StompSession | null = null;
const connects: string[] = [];
const sockets = new Set<ServerSocket>();

beforeEach(async () => {
  connects.length = 0;
  server = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => 'v12.stomp' });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('message', (data) => {
      connects.push(String(data).split('\n')[0]!);
      // STOMP 1.2 §"Heart-beating": we promise a beat every 100 ms... and never send one.
      socket.send(`CONNECTED\nversion:1.2\nheart-beat:100,0\nserver:silent/1\n\n\0`);
      socket.pause(); // read nothing more, answer nothing more
    });
  });
  await new Promise<void>((resolve) => server.once('listening', resolve));
});

afterEach(async () => {
  await session?.close();
  session = null;
  for (const s of sockets) s.terminate();
  sockets.clear();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test('a broker whose heart-beats stop is detected and reconnected', async () => {
  const { port } = server.address() as AddressInfo;
  session = createStompSession({
    url: `ws://127.0.0.1:${port}/ws`,
    socketFactory,
    heartbeat: [0, 100],
    reconnect: { baseDelay: 20, maxDelay: 50 },
  });
  const states: SessionState[] = [];
  session.subscribe(() => states.push(session!.getSnapshot()));
  await waitForState(session, (s) => s.status === 'connected');
  const lost = await waitForState(session, (s) => s.status === 'reconnecting', { timeout: 10_000 });
  expect(lost.error).toEqual({ kind: 'timeout', message: 'the broker stopped sending heart-beats' });
  // Reconnected: a second CONNECT reached the server and the session is connected again.
  await waitForState(session, (s) => s.status === 'connected', { timeout: 10_000 });
  expect(connects.length).toBeGreaterThanOrEqual(2);
  expect(new Set(connects)).toEqual(new Set(['CONNECT']));
  expect(states.map((s) => s.status)).toEqual(expect.arrayContaining(['connected', 'reconnecting', 'connected']));
});
