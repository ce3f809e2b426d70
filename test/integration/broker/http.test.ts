// The broker's HTTP side on its single port: /health, /stats, /stompkit.json,
// telling HTTP from STOMP by the first bytes, and what it answers otherwise.
import { request } from 'node:http';
import { connect } from 'node:net';
import { createBroker, type Broker, type BrokerStats } from '../../../src/broker/index.js';
import { connectClient, mailbox, publishConfirmed, STREAM_HEADERS, type TestClient } from '../../support/stomp-client.js';
import { rawConnect, type RawStomp } from '../../support/raw-stomp.js';
import { uniqueName } from '../../support/broker.js';

let broker: Broker;
let port: number;
const clients: TestClient[] = [];
const peers: RawStomp[] = [];

beforeAll(async () => {
  broker = createBroker({ memory: true, heartbeat: [4000, 6000] });
  port = (await broker.listen(0, '127.0.0.1')).port;
});
afterAll(() => broker.close());
afterEach(async () => {
  for (const p of peers.splice(0)) p.socket.destroy();
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

function get(path: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('HTTP on the broker port', () => {
  it('answers /health', async () => {
    const r = await get('/health');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ status: 'ok' });
  });

  it('reports connections by transport, frames and destinations in /stats', async () => {
    const ws = await connectClient(`ws://127.0.0.1:${port}/ws`);
    const sj = await connectClient(`http://127.0.0.1:${port}/sockjs`, { sockjsTransports: ['xhr-polling'] });
    clients.push(ws, sj);
    const { peer } = await rawConnect(port);
    peers.push(peer);
    const q = `/queue/${uniqueName('stats')}`;
    const s = `/queue/${uniqueName('stats-stream')}`;
    await mailbox(sj, q, { ack: 'client', 'prefetch-count': '1' });
    await publishConfirmed(ws, q, 'a'.repeat(10));
    await publishConfirmed(ws, q, 'b'.repeat(10));
    await publishConfirmed(ws, s, 'c'.repeat(7), STREAM_HEADERS);
    const r = await get('/stats');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/application\/json/);
    const stats = JSON.parse(r.body) as BrokerStats;
    expect(stats.connections).toMatchObject({ websocket: 1, sockjs: 1, tcp: 1 });
    expect(stats.framesIn).toBeGreaterThanOrEqual(7);
    expect(stats.framesOut).toBeGreaterThanOrEqual(6);
    const queue = stats.destinations.find((d) => d.destination === q);
    expect(queue).toMatchObject({ kind: 'queue', subscribers: 1 });
    expect(queue!.depth).toBeGreaterThanOrEqual(1);
    const stream = stats.destinations.find((d) => d.destination === s);
    expect(stream).toMatchObject({ kind: 'stream', depth: 1, storedBytes: 7 });
    // The same numbers through the API.
    expect(broker.stats().connections.websocket).toBe(1);
  });

  it('describes its endpoints and heart-beats in /stompkit.json, from the Host the client used', async () => {
    const direct = JSON.parse((await get('/stompkit.json')).body);
    expect(direct.endpoints).toEqual({ websocket: `ws://127.0.0.1:${port}/ws`, sockjs: `http://127.0.0.1:${port}/sockjs` });
    expect(direct.heartbeat).toMatchObject({ server: [4000, 6000], heartbeatIncoming: 4000, heartbeatOutgoing: 6000 });
    expect(direct.sockjsTransports).toEqual(['websocket', 'xhr-streaming', 'eventsource', 'xhr-polling']);
    // Behind a dev server or proxy the Host header is what the browser sees.
    const proxied = JSON.parse((await get('/stompkit.json', { Host: 'localhost:5173' })).body);
    expect(proxied.endpoints).toEqual({ websocket: 'ws://localhost:5173/ws', sockjs: 'http://localhost:5173/sockjs' });
    const tls = JSON.parse((await get('/stompkit.json', { Host: 'chat.example', 'X-Forwarded-Proto': 'https' })).body);
    expect(tls.endpoints.websocket).toBe('wss://chat.example/ws');
  });

  it('lets an allowed page read /stompkit.json cross-origin, not a foreign one', async () => {
    const ok = await get('/stompkit.json', { Origin: 'http://localhost:5173' });
    expect(ok.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    const foreign = await get('/stompkit.json', { Origin: 'https://evil.example' });
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers 404 with a hint elsewhere, and to unknown upgrades', async () => {
    const r = await get('/nope');
    expect(r.status).toBe(404);
    expect(r.body).toMatch(/STOMP broker/);
    const socket = connect({ host: '127.0.0.1', port });
    socket.write('GET /elsewhere HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
    const answer = await new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString()));
      socket.on('close', () => resolve(text));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 404/);
  });

  it('keeps HTTP keep-alive and STOMP over TCP apart on the same port', async () => {
    // An HTTP method word without an HTTP request line is STOMP: "CONNECT" alone.
    const { peer, connected } = await rawConnect(port);
    peers.push(peer);
    expect(connected.command).toBe('CONNECTED');
    const [a, b] = await Promise.all([get('/health'), get('/health', {}, 'HEAD')]);
    expect([a.status, b.status]).toEqual([200, 200]);
  });

  it('mounts on an existing HTTP server with attach() and as middleware, leaving the app its routes', async () => {
    const { createServer } = await import('node:http');
    const app = createServer((_req, res) => res.end('the app'));
    const guest = createBroker({ memory: true });
    await guest.attach(app);
    const mw = createBroker({ memory: true });
    await mw.attach();
    const viaMiddleware = createServer((req, res) => mw.middleware()(req, res, () => res.end('next')));
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    await new Promise<void>((r) => viaMiddleware.listen(0, '127.0.0.1', r));
    const portOf = (srv: typeof app) => (srv.address() as { port: number }).port;
    try {
      const at = (srv: typeof app, path: string) => fetch(`http://127.0.0.1:${portOf(srv)}${path}`).then((r) => r.text());
      expect(await at(app, '/')).toBe('the app');
      expect(JSON.parse(await at(app, '/health'))).toEqual({ status: 'ok' });
      expect(await at(viaMiddleware, '/elsewhere')).toBe('next');
      expect(JSON.parse(await at(viaMiddleware, '/health'))).toEqual({ status: 'ok' });
      const c = await connectClient(`ws://127.0.0.1:${portOf(app)}/ws`);
      expect(guest.stats().connections.websocket).toBe(1);
      await c.close();
    } finally {
      await guest.close();
      await mw.close();
      app.closeAllConnections();
      viaMiddleware.closeAllConnections();
      await new Promise((r) => app.close(r));
      await new Promise((r) => viaMiddleware.close(r));
    }
    // After close() the app has its server back to itself.
    expect(app.listeners('request')).toHaveLength(1);
  });
});
