// sockjs-client (Node) against the broker's /sockjs endpoint on port 0: every
// transport carries STOMP both ways, a broker can refuse some transports so
// clients fall back, and the handshake checks Origin.
import { request } from 'node:http';
import { createBroker, type Broker, type BrokerOptions } from '../../../src/broker/index.js';
import { connectClient, mailbox, publishConfirmed, type TestClient } from '../../support/stomp-client.js';
import { uniqueName } from '../../support/broker.js';

const brokers: Broker[] = [];
const clients: TestClient[] = [];

async function start(options: BrokerOptions = {}): Promise<{ port: number; sockjs: string }> {
  const b = createBroker({ memory: true, ...options });
  brokers.push(b);
  const { port } = await b.listen(0, '127.0.0.1');
  return { port, sockjs: `http://127.0.0.1:${port}/sockjs` };
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(brokers.splice(0).map((b) => b.close()));
});

/** Status of one request, or 'no answer' if none came within `waitMs`. */
function status(port: number, path: string, method: string, headers: Record<string, string>, waitMs = 5_000): Promise<number | 'no answer'> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      clearTimeout(timer);
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    const timer = setTimeout(() => {
      req.destroy();
      resolve('no answer');
    }, waitMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end();
  });
}

describe('STOMP over SockJS', () => {
  it.each(['websocket', 'xhr-streaming', 'eventsource', 'xhr-polling'])('carries STOMP both ways over %s', async (transport) => {
    const { sockjs } = await start();
    const c = await connectClient(sockjs, { sockjsTransports: [transport] });
    clients.push(c);
    expect(c.transport).toBe(transport);
    expect(c.connected.headers.version).toBe('1.2');
    const t = `/topic/${uniqueName('sj')}`;
    const box = await mailbox(c, t);
    // Several frames, with text that needs JSON escaping on SockJS' wire.
    for (const body of ['one', 'quote " and \\ backslash', 'ünïcødé ✓', 'line\nbreak']) await publishConfirmed(c, t, body);
    expect((await box.waitFor(4)).map((m) => m.body)).toEqual(['one', 'quote " and \\ backslash', 'ünïcødé ✓', 'line\nbreak']);
  });

  it('lets a client fall back when the broker refuses /ws and offers only polling', async () => {
    const { port, sockjs } = await start({ endpoints: { websocket: false, sockjsTransports: ['xhr-polling'] } });
    await expect(connectClient(`ws://127.0.0.1:${port}/ws`)).rejects.toThrow();
    const c = await connectClient(sockjs, { sockjsTransports: ['websocket', 'xhr-streaming', 'eventsource', 'xhr-polling'] });
    clients.push(c);
    expect(c.transport).toBe('xhr-polling');
    const t = `/topic/${uniqueName('fallback')}`;
    const box = await mailbox(c, t);
    await publishConfirmed(c, t, 'over polling');
    expect((await box.waitFor(1))[0]!.body).toBe('over polling');
  });

  it('never serves a switched-off transport (held, so sockjs-client times it out and moves on)', async () => {
    const { port } = await start({ endpoints: { sockjsTransports: ['xhr-polling'] } });
    expect(await status(port, '/sockjs/000/abc/xhr', 'POST', {})).toBe(200);
    expect(await status(port, '/sockjs/000/abc/xhr_streaming', 'POST', {}, 500)).toBe('no answer');
    expect(await status(port, '/sockjs/000/abc/eventsource', 'GET', {}, 500)).toBe('no answer');
  });

  it('cuts off a SockJS peer that stops polling once its queued bytes pass the limit', async () => {
    const { port } = await start({ limits: { maxPendingBytes: 256 * 1024, consumerStallMs: 1000 } });
    const session = `/sockjs/000/${uniqueName('s').replace('.', '')}`;
    const post = (path: string, body = '') =>
      new Promise<string>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: session + path, method: 'POST', headers: { 'content-type': 'text/plain' } }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.on('end', () => resolve(text));
        });
        req.on('error', reject);
        req.end(body);
      });
    // The SockJS protocol by hand: open, send frames upstream, poll downstream.
    expect(await post('/xhr')).toBe('o\n');
    const t = `/topic/${uniqueName('sjflood')}`;
    await post('/xhr_send', JSON.stringify(['CONNECT\naccept-version:1.2\nhost:/\n\n\0', `SUBSCRIBE\ndestination:${t}\nid:1\nreceipt:r\n\n\0`]));
    let seen = '';
    while (!seen.includes('RECEIPT')) seen += await post('/xhr');
    // Stop polling; another client floods the topic.
    const fast = await connectClient(`ws://127.0.0.1:${port}/ws`);
    clients.push(fast);
    const chunk = 'z'.repeat(16 * 1024);
    for (let i = 0; i < 64; i++) await publishConfirmed(fast, t, chunk);
    // The broker gave up on it: the next polls drain what was queued, ending in ERROR and the close frame.
    let tail = '';
    while (!tail.includes('c[')) tail += await post('/xhr');
    expect(tail).toMatch(/ERROR\\nmessage:Slow consumer/i);
    const delivered = (tail.match(/MESSAGE\\n/g) ?? []).length;
    expect(delivered).toBeLessThan(64);
  });

  it('takes an xhr_send body in many small chunks whole, with characters split between chunks; refuses an unknown content type', async () => {
    const { port } = await start({ limits: { maxFrameSize: 512 * 1024 } });
    const session = `/sockjs/000/${uniqueName('s').replace('.', '')}`;
    /** POSTs `body` in pieces of `piece` bytes (chunked encoding), as a slow or hostile client would. */
    const post = (path: string, body = '', piece = Infinity, type = 'text/plain') =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: session + path, method: 'POST', headers: { 'content-type': type } }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.on('error', reject);
        const bytes = Buffer.from(body);
        for (let at = 0; at < bytes.length; at += piece) req.write(bytes.subarray(at, Math.min(bytes.length, at + piece)));
        req.end();
      });
    expect((await post('/xhr')).text).toBe('o\n');
    const t = `/topic/${uniqueName('sjchunks')}`;
    await post('/xhr_send', JSON.stringify(['CONNECT\naccept-version:1.2\nhost:/\n\n\0', `SUBSCRIBE\ndestination:${t}\nid:1\nreceipt:r\n\n\0`]));
    let seen = '';
    while (!seen.includes('RECEIPT')) seen += (await post('/xhr')).text;
    // 3-byte characters in 1,000-byte pieces: most pieces end inside a character.
    const text = '✓'.repeat(60_000);
    const sent = await post('/xhr_send', JSON.stringify([`SEND\ndestination:${t}\n\n${text}\0`]), 1000);
    expect(sent.status).toBe(204);
    let polled = '';
    while (!polled.includes('MESSAGE')) polled += (await post('/xhr')).text;
    const frames = JSON.parse(polled.slice(polled.indexOf('a['), polled.lastIndexOf(']') + 1).slice(1)) as string[];
    const message = frames.find((f) => f.startsWith('MESSAGE'))!;
    expect(message.slice(message.indexOf('\n\n') + 2, -1)).toBe(text);
    // sockjs answers a body of a type it does not take with an error, never a frame.
    const refused = await post('/xhr_send', JSON.stringify([`SEND\ndestination:${t}\n\nnope\0`]), Infinity, 'image/png');
    expect(refused.status).toBe(500);
  });

  it('ends a SockJS session with ERROR rather than corrupt it with a body that is not UTF-8', async () => {
    const { port, sockjs } = await start();
    const c = await connectClient(sockjs, { sockjsTransports: ['xhr-streaming'] });
    clients.push(c);
    const t = `/topic/${uniqueName('sjbin')}`;
    const box = await mailbox(c, t);
    const ws = await connectClient(`ws://127.0.0.1:${port}/ws`);
    clients.push(ws);
    // Valid UTF-8 with NULs crosses intact; invalid UTF-8 cannot.
    await publishConfirmed(ws, t, new TextEncoder().encode('a\0b ✓'));
    expect((await box.waitFor(1))[0]!.body).toBe('a\0b ✓');
    await publishConfirmed(ws, t, new Uint8Array([0, 255, 1]));
    await c.closed;
    expect(c.errors[0]?.headers.message).toMatch(/text-only/);
    expect(box.messages).toHaveLength(1);
  });

  it('counts every SockJS request body as it streams: 413 past the limit, chunked or not; chunking_test refused', async () => {
    const { port, sockjs } = await start({ limits: { maxFrameSize: 16 * 1024 } });
    // A live session, so the upstream path is one sockjs would accept.
    const c = await connectClient(sockjs, { sockjsTransports: ['xhr-polling'] });
    clients.push(c);
    const chunked = (path: string, megabytes: number) =>
      new Promise<{ status: number; sent: number }>((resolve, reject) => {
        let sent = 0;
        const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' } }, (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, sent });
        });
        req.on('error', (err) => (sent > 0 ? resolve({ status: 0, sent }) : reject(err)));
        const chunk = Buffer.alloc(64 * 1024, 'a');
        const pump = () => {
          while (sent < megabytes * 1024 * 1024) {
            sent += chunk.length;
            if (!req.write(chunk)) return void req.once('drain', pump);
          }
          req.end();
        };
        pump();
      });
    const upstream = await chunked('/sockjs/000/nosuchsession/xhr_send', 64);
    expect(upstream.status).toBe(413);
    expect(upstream.sent).toBeLessThan(64 * 1024 * 1024); // cut off, not read to the end
    expect(await status(port, '/sockjs/chunking_test', 'POST', { 'content-length': '0' })).toBe(404);
    expect(await status(port, '/sockjs/000/x/xhr_send', 'POST', { 'content-length': String(10 * 1024 * 1024) })).toBe(413);
    expect(await status(port, '/health', 'GET', {})).toBe(200);
    // The live session is untouched.
    const t = `/topic/${uniqueName('sj')}`;
    const box = await mailbox(c, t);
    await publishConfirmed(c, t, 'still here');
    expect((await box.waitFor(1)).map((m) => m.body)).toEqual(['still here']);
  });

  it('turns SockJS off entirely when asked', async () => {
    const { port, sockjs } = await start({ endpoints: { sockjs: false } });
    expect(await status(port, '/sockjs/info', 'GET', {})).toBe(404);
    await expect(connectClient(sockjs, { sockjsTransports: ['xhr-polling'] })).rejects.toThrow();
  });

  it('answers 403 to a foreign Origin on every SockJS request', async () => {
    const { port } = await start();
    expect(await status(port, '/sockjs/info', 'GET', { Origin: 'https://evil.example' })).toBe(403);
    expect(await status(port, '/sockjs/000/abc/xhr', 'POST', { Origin: 'https://evil.example' })).toBe(403);
    expect(await status(port, '/sockjs/info', 'GET', { Origin: 'http://localhost:5173' })).toBe(200);
    expect(await status(port, '/sockjs/info', 'GET', {})).toBe(200);
  });
});
