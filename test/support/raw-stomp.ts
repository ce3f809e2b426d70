/**
 * A deliberately small STOMP peer over raw TCP for tests that must control
 * the bytes on the wire (hand-typed frames, split frames, bad frames). It
 * parses what the broker sends (STOMP 1.2 "Augmented BNF": command, headers,
 * blank line, body up to NUL or `content-length`) and lets a test wait for
 * the next frame or for the close.
 */
import { connect, type Socket } from 'node:net';

export interface RawFrame {
  command: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface RawStomp {
  socket: Socket;
  /** Write raw bytes (a string is sent as UTF-8). */
  write(data: string | Uint8Array): void;
  /** Send one frame (headers written as given, no escaping). */
  send(command: string, headers?: Record<string, string>, body?: string | Uint8Array): void;
  /** Next frame (heart-beat EOLs skipped and counted). */
  next(timeoutMs?: number): Promise<RawFrame>;
  /** Wait for a frame with this command, failing on anything else. */
  expect(command: string, timeoutMs?: number): Promise<RawFrame>;
  /** Resolves when the broker closes the connection. */
  closed: Promise<void>;
  /** Heart-beat EOLs received so far. */
  heartbeats(): number;
  /** Frames received so far and not yet taken with `next`. */
  buffered(): RawFrame[];
  end(): void;
}

/** Open a raw TCP connection to the broker. */
export async function rawStomp(port: number, host = '127.0.0.1', localAddress?: string): Promise<RawStomp> {
  const socket = connect({ port, host, ...(localAddress && { localAddress }) });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.on('error', () => {});
  let buf = Buffer.alloc(0);
  let beats = 0;
  const frames: RawFrame[] = [];
  const waiters: Array<() => void> = [];
  let isClosed = false;
  const closed = new Promise<void>((resolve) =>
    socket.once('close', () => {
      isClosed = true;
      resolve();
      for (const w of waiters.splice(0)) w();
    }),
  );

  const parse = () => {
    for (;;) {
      // Heart-beats and EOLs between frames.
      let i = 0;
      while (i < buf.length && (buf[i] === 0x0a || (buf[i] === 0x0d && buf[i + 1] === 0x0a))) {
        if (buf[i] === 0x0a) beats++;
        i += buf[i] === 0x0d ? 2 : 1;
      }
      buf = buf.subarray(i);
      const headEnd = buf.indexOf('\n\n');
      const headEndCr = buf.indexOf('\r\n\r\n');
      let end: number;
      let sep: number;
      if (headEndCr !== -1 && (headEnd === -1 || headEndCr < headEnd)) {
        end = headEndCr;
        sep = 4;
      } else if (headEnd !== -1) {
        end = headEnd;
        sep = 2;
      } else return;
      const lines = buf.subarray(0, end).toString('utf8').split(/\r?\n/);
      const command = lines.shift() ?? '';
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const c = line.indexOf(':');
        const name = line.slice(0, c);
        if (!(name in headers)) headers[name] = unescape(line.slice(c + 1), command);
      }
      const start = end + sep;
      let bodyEnd: number;
      if (headers['content-length'] !== undefined) {
        bodyEnd = start + Number(headers['content-length']);
        if (buf.length < bodyEnd + 1) return;
      } else {
        bodyEnd = buf.indexOf(0, start);
        if (bodyEnd === -1) return;
      }
      frames.push({ command, headers, body: Buffer.from(buf.subarray(start, bodyEnd)) });
      buf = buf.subarray(bodyEnd + 1);
      for (const w of waiters.splice(0)) w();
    }
  };
  socket.on('data', (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    parse();
  });

  const next = async (timeoutMs = 5_000): Promise<RawFrame> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const f = frames.shift();
      if (f) return f;
      if (isClosed) throw new Error('connection closed before a frame arrived');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no frame within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  };

  const peer: RawStomp = {
    socket,
    write: (data) => {
      socket.write(data);
    },
    send(command, headers = {}, body = '') {
      const head = [command, ...Object.entries(headers).map(([k, v]) => `${k}:${v}`)].join('\n');
      socket.write(Buffer.concat([Buffer.from(`${head}\n\n`), Buffer.from(body), Buffer.from([0])]));
    },
    next,
    async expect(command, timeoutMs) {
      const f = await next(timeoutMs);
      if (f.command !== command) {
        throw new Error(`expected ${command}, got ${f.command} ${JSON.stringify(f.headers)} ${f.body.toString()}`);
      }
      return f;
    },
    closed,
    heartbeats: () => beats,
    buffered: () => [...frames],
    end: () => socket.end(),
  };
  return peer;
}

/** STOMP 1.2 "Value Encoding" (not applied to CONNECTED). */
function unescape(value: string, command: string): string {
  if (command === 'CONNECTED') return value;
  return value.replace(/\\([rnc\\])/g, (_, c: string) => ({ r: '\r', n: '\n', c: ':', '\\': '\\' })[c] ?? c);
}

/** Connect and expect CONNECTED; returns the peer and the CONNECTED frame. */
export async function rawConnect(
  port: number,
  headers: Record<string, string> = {},
): Promise<{ peer: RawStomp; connected: RawFrame }> {
  const peer = await rawStomp(port);
  peer.send('CONNECT', { 'accept-version': '1.2', host: '/', login: 'guest', passcode: 'guest', ...headers });
  const connected = await peer.expect('CONNECTED');
  return { peer, connected };
}
