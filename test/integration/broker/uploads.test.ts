// The dev broker's upload endpoint over real HTTP: stored and served back
// with safe headers, limited in size and type, signed in with the broker's
// users, refused to other sites' pages.
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBroker, type Broker } from '../../../src/broker/index.js';

let broker: Broker;
let base: string;
let dir: string;
const auth = `Basic ${Buffer.from('alice:a-pass').toString('base64')}`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stompkit-uploads-'));
  broker = createBroker({ dataDir: dir, users: { alice: 'a-pass' }, uploads: { maxBytes: 64 * 1024 } });
  const { port } = await broker.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await broker.close();
  await rm(dir, { recursive: true, force: true });
});

const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100, 1)]);

const post = (body: Buffer, headers: Record<string, string>, name = 'cat.png') =>
  fetch(`${base}/uploads?name=${encodeURIComponent(name)}`, { method: 'POST', body: new Uint8Array(body), headers });

test('an upload is stored and served back with its type, nosniff, a sandbox and a disposition', async () => {
  const res = await post(png, { 'content-type': 'image/png', authorization: auth }, 'chat cät.png');
  expect(res.status).toBe(201);
  const file = (await res.json()) as { url: string; name: string; size: number; type: string };
  expect(file).toMatchObject({ name: 'chat cät.png', size: png.length, type: 'image/png' });
  expect(file.url).toMatch(/^\/uploads\/[0-9a-f]{32}\/chat%20c%C3%A4t\.png$/);
  const got = await fetch(`${base}${file.url}`);
  expect(got.status).toBe(200);
  expect(Buffer.from(await got.arrayBuffer())).toEqual(png);
  expect(got.headers.get('content-type')).toBe('image/png');
  expect(got.headers.get('x-content-type-options')).toBe('nosniff');
  expect(got.headers.get('content-security-policy')).toContain('sandbox');
  expect(got.headers.get('content-disposition')).toBe(`inline; filename="chat c_t.png"; filename*=UTF-8''chat%20c%C3%A4t.png`);
});

test('a PDF is served as an attachment; an unknown id is 404', async () => {
  const res = await post(Buffer.from('%PDF-1.4'), { 'content-type': 'application/pdf', authorization: auth }, 'notes.pdf');
  const { url } = (await res.json()) as { url: string };
  expect((await fetch(`${base}${url}`)).headers.get('content-disposition')).toMatch(/^attachment; /);
  expect((await fetch(`${base}/uploads/${'0'.repeat(32)}/x.png`)).status).toBe(404);
});

test('without a login of the broker, with a type off the list, or too large: refused, and nothing stored', async () => {
  expect((await post(png, { 'content-type': 'image/png' })).status).toBe(401);
  expect((await post(png, { 'content-type': 'image/png', authorization: `Basic ${Buffer.from('alice:wrong').toString('base64')}` })).status).toBe(401);
  expect((await post(Buffer.from('<script>alert(1)</script>'), { 'content-type': 'text/html', authorization: auth })).status).toBe(415);
  expect((await post(Buffer.alloc(65 * 1024), { 'content-type': 'image/png', authorization: auth })).status).toBe(413);
});

test('a body that lies about its length (chunked) is counted as it streams: 413', async () => {
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(`${base}/uploads?name=big.png`, { method: 'POST', headers: { 'content-type': 'image/png', authorization: auth, 'transfer-encoding': 'chunked' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    for (let i = 0; i < 20; i++) req.write(Buffer.alloc(8 * 1024));
    req.end();
  });
  expect(status).toBe(413);
});

test("another site's page may not post files with the user's browser", async () => {
  const res = await post(png, { 'content-type': 'image/png', authorization: auth, origin: 'https://evil.example' });
  expect(res.status).toBe(403);
});
