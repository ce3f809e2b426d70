/**
 * The dev broker's upload endpoint, for chat attachments during development
 * (production apps bring their own storage: see `uploadFile` in the README).
 *
 * - `POST /uploads?name=<file name>` with the file as the body and its media
 *   type as `Content-Type`: 201 `{ url, name, size, type }`. The type must be
 *   on the allow-list (415 otherwise), the body at most `maxBytes` (counted
 *   as it streams; 413 past it). With `--users`, HTTP Basic credentials of
 *   one of them are required (401 otherwise).
 * - `GET /uploads/<id>/<name>`: the file, with its stored type,
 *   `X-Content-Type-Options: nosniff`, a sandboxing CSP, and
 *   `Content-Disposition` (`inline` for images, `attachment` for the rest).
 *   Ids are 128 random bits: the URL is the capability (an `<img>` cannot
 *   send credentials), as with presigned URLs.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';

export interface UploadOptions {
  /** Where files go; absent: memory (the oldest dropped past `maxStoredBytes`). */
  dir?: string;
  /** Largest file accepted. Default 10 MiB. */
  maxBytes?: number;
  /** Media types accepted. Default: PNG, JPEG, GIF, WebP, PDF, plain text. */
  types?: readonly string[];
  /** Memory mode: most bytes kept. Default 256 MiB. */
  maxStoredBytes?: number;
}

export const DEFAULT_UPLOAD_TYPES: readonly string[] = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'text/plain'];

interface Stored {
  name: string;
  type: string;
  size: number;
}

export interface UploadRoutes {
  /** Answer `req` if it is an upload route. `login` checks credentials (absent: anyone may upload). */
  request(req: IncomingMessage, res: ServerResponse, login?: (req: IncomingMessage) => Promise<boolean>): boolean;
}

const ID = /^[0-9a-f]{32}$/;

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff', ...headers });
  res.end(body);
}

/** `filename*` per RFC 6266 / RFC 5987, plus an ASCII fallback. */
function disposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export function createUploads(options: UploadOptions = {}): UploadRoutes {
  const maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
  const types = new Set(options.types ?? DEFAULT_UPLOAD_TYPES);
  const maxStored = options.maxStoredBytes ?? 256 * 1024 * 1024;
  const memory = new Map<string, Stored & { body: Buffer }>();
  let memoryBytes = 0;
  const ready = options.dir ? mkdir(options.dir, { recursive: true }) : Promise.resolve(undefined);

  async function save(id: string, meta: Stored, body: Buffer): Promise<void> {
    if (!options.dir) {
      memory.set(id, { ...meta, body });
      memoryBytes += body.length;
      for (const [old, file] of memory) {
        if (memoryBytes <= maxStored) break;
        memory.delete(old);
        memoryBytes -= file.body.length;
      }
      return;
    }
    await ready;
    await writeFile(join(options.dir, id), body);
    await writeFile(join(options.dir, `${id}.json`), JSON.stringify(meta));
  }

  async function load(id: string): Promise<(Stored & { body: Buffer }) | null> {
    if (!options.dir) return memory.get(id) ?? null;
    try {
      const meta = JSON.parse(await readFile(join(options.dir, `${id}.json`), 'utf8')) as Stored;
      return { ...meta, body: await readFile(join(options.dir, id)) };
    } catch {
      return null;
    }
  }

  function upload(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const name = (url.searchParams.get('name') ?? 'file').slice(0, 255).replace(/[\p{Cc}/\\]/gu, '_') || 'file';
    if (!types.has(type)) {
      req.resume();
      send(res, 415, `This broker accepts uploads of ${[...types].join(', ')}\n`, { connection: 'close' });
      return;
    }
    if (Number(req.headers['content-length'] ?? 0) > maxBytes) {
      req.resume();
      send(res, 413, `Files may be at most ${maxBytes} bytes\n`, { connection: 'close' });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > maxBytes) {
        refused = true;
        chunks.length = 0;
        res.once('finish', () => req.socket.destroy());
        send(res, 413, `Files may be at most ${maxBytes} bytes\n`, { connection: 'close' });
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (refused) return;
      const id = randomBytes(16).toString('hex');
      const meta: Stored = { name, type, size };
      save(id, meta, Buffer.concat(chunks)).then(
        () => {
          res.writeHead(201, { 'content-type': 'application/json', 'x-content-type-options': 'nosniff' });
          res.end(JSON.stringify({ url: `/uploads/${id}/${encodeURIComponent(name)}`, ...meta }));
        },
        (err: unknown) => send(res, 500, `Could not store the file: ${String(err)}\n`),
      );
    });
  }

  function download(req: IncomingMessage, res: ServerResponse, id: string): void {
    void load(id).then((file) => {
      if (!file) {
        send(res, 404, 'No such upload\n');
        return;
      }
      res.writeHead(200, {
        'content-type': file.type,
        'content-length': String(file.body.length),
        'content-disposition': disposition(file.type.startsWith('image/') ? 'inline' : 'attachment', file.name),
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; sandbox",
        'cache-control': 'private, max-age=31536000, immutable',
      });
      res.end(req.method === 'HEAD' ? undefined : file.body);
    });
  }

  return {
    request(req, res, login) {
      const url = new URL(req.url ?? '/', 'http://broker');
      const parts = url.pathname.split('/');
      if (parts[1] !== 'uploads') return false;
      const method = req.method ?? 'GET';
      if (url.pathname === '/uploads' && method === 'POST') {
        const checked = login ? login(req) : Promise.resolve(true);
        void checked.then((ok) => {
          if (ok) upload(req, res, url);
          else {
            req.resume();
            send(res, 401, 'Sign in with a user of this broker to upload\n', { 'www-authenticate': 'Basic realm="stompkit uploads"', connection: 'close' });
          }
        });
        return true;
      }
      if ((method === 'GET' || method === 'HEAD') && parts.length === 4 && ID.test(parts[2]!)) {
        download(req, res, parts[2]!);
        return true;
      }
      send(res, 404, 'Not Found\n');
      return true;
    },
  };
}
