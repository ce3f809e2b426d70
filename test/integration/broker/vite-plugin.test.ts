// The Vite plugin mounts the broker on a real Vite dev server: /ws, /sockjs
// and /stompkit.json answer on Vite's own port, same-origin with the app,
// and Vite's pages still work.
import { createServer, type ViteDevServer } from 'vite';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stompkitBroker } from '../../../src/broker/index.js';
import { connectClient, mailbox, publishConfirmed } from '../../support/stomp-client.js';

let server: ViteDevServer;
let base: string;
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'stompkit-vite-'));
  await writeFile(join(root, 'index.html'), '<!doctype html><title>app</title><p>hello from vite</p>');
  server = await createServer({
    root,
    configFile: false,
    logLevel: 'silent',
    plugins: [stompkitBroker({ memory: true, roomDirectory: true })],
    server: { port: 0, host: '127.0.0.1', strictPort: false },
  });
  await server.listen();
  const address = server.httpServer!.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  base = `127.0.0.1:${address.port}`;
});
afterAll(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

describe('stompkitBroker() Vite plugin', () => {
  it('serves STOMP over WebSocket at /ws on the dev server port', async () => {
    const page = `http://${base}`;
    const c = await connectClient(`ws://${base}/ws`, { origin: page });
    const box = await mailbox(c, '/topic/vite');
    await publishConfirmed(c, '/topic/vite', 'same origin');
    expect((await box.waitFor(1))[0]!.body).toBe('same origin');
    await c.close();
  });

  it('serves SockJS at /sockjs on the dev server port', async () => {
    const c = await connectClient(`http://${base}/sockjs`, { sockjsTransports: ['xhr-streaming'] });
    expect(c.transport).toBe('xhr-streaming');
    await c.close();
  });

  it('runs the room directory service once the dev server listens', async () => {
    const destinations = async () =>
      ((await (await fetch(`http://${base}/stats`)).json()) as { destinations: { destination: string }[] }).destinations.map((d) => d.destination);
    await vi.waitFor(() => expect(destinations()).resolves.toContain('/queue/chat.rooms'));
    const c = await connectClient(`ws://${base}/ws`, { origin: `http://${base}`, headers: { login: 'alice' } });
    const created = { id: 'c1', type: 'room.created', roomId: 'vite-room', ts: 1, name: 'Vite' };
    await publishConfirmed(c, '/amq/queue/chat.rooms', JSON.stringify(created), { 'user-id': 'alice' });
    await vi.waitFor(() => expect(destinations()).resolves.toContain('/queue/chat.room.vite-room'));
    await c.close();
  });

  it('describes itself with the dev server origin and leaves Vite pages alone', async () => {
    const json = (await (await fetch(`http://${base}/stompkit.json`)).json()) as { endpoints: Record<string, string> };
    expect(json.endpoints).toEqual({ websocket: `ws://${base}/ws`, sockjs: `http://${base}/sockjs` });
    const page = await fetch(`http://${base}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('hello from vite');
  });
});
