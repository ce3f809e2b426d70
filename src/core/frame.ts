/**
 * STOMP frames on the wire (STOMP 1.2 §"STOMP Frames"): the stream parser,
 * raw frames into messages, and our frames into socket payloads.
 */
/** A received frame; its body is decoded as UTF-8 when first read. */
export interface Frame {
  command: string;
  headers: Record<string, string>;
  binaryBody: Uint8Array;
  readonly body: string;
}

/** Sends ACK or NACK for a delivered MESSAGE, with extra headers (e.g. `transaction`). */
export type Acknowledge = (command: 'ACK' | 'NACK', headers?: Record<string, string>) => void;

/** A frame as the parser read it: headers in order, repeats kept, nothing unescaped. */
export interface RawFrame {
  command: string | undefined;
  headers: [string, string][];
  binaryBody: Uint8Array | undefined;
}

const NUL = 0;
const LF = 10;
const CR = 13;
const COLON = 58;

/**
 * A stream parser: feed it socket payloads (text or bytes, frames split or
 * batched anyhow); it calls `onFrame` per complete frame and `onPing` per
 * heart-beat EOL between frames. Lengths are in bytes, so a body with
 * `content-length` may contain NUL (§"Header content-length"); CR before LF
 * is dropped (§"Augmented BNF"). The same grammar, byte for byte, as
 * `@stomp/stompjs`'s `Parser` (test/core/frame.test.ts compares the two), in
 * a closure that minifies to a fraction of the class.
 *
 * `onFrame` must not throw: the rest of the payload would not be read.
 */
export function createParser(onFrame: (frame: RawFrame) => void, onPing: () => void): (payload: string | ArrayBuffer) => void {
  const decoder = new TextDecoder();
  let token: number[] = [];
  let command: string | undefined;
  let headers: [string, string][] = [];
  let key = '';
  /** Body bytes still to read; undefined when the body ends at NUL. */
  let remaining: number | undefined;
  const take = (): Uint8Array => {
    const bytes = new Uint8Array(token);
    token = [];
    return bytes;
  };
  const text = (): string => decoder.decode(take());
  // One function per state; a byte that starts the next state is handed on to it.
  const idle = (byte: number): void => {
    if (byte === LF) onPing();
    else if (byte !== NUL && byte !== CR) (step = inCommand)(byte);
  };
  const inCommand = (byte: number): void => {
    if (byte === LF) {
      command = text();
      headers = [];
      step = headerStart;
    } else if (byte !== CR) token.push(byte);
  };
  const headerStart = (byte: number): void => {
    if (byte === LF) {
      // The first content-length counts, as for any repeated header.
      const length = headers.find(([name]) => name === 'content-length');
      remaining = length ? parseInt(length[1], 10) : undefined;
      step = body;
    } else if (byte !== CR) (step = headerName)(byte);
  };
  const headerName = (byte: number): void => {
    if (byte === COLON) {
      key = text();
      step = headerValue;
    } else token.push(byte);
  };
  const headerValue = (byte: number): void => {
    if (byte === LF) {
      headers.push([key, text()]);
      step = headerStart;
    } else if (byte !== CR) token.push(byte);
  };
  const body = (byte: number): void => {
    // With a length, the byte after the body (its NUL) ends the frame.
    if (remaining === undefined ? byte === NUL : remaining-- === 0) {
      step = idle;
      onFrame({ command, headers, binaryBody: take() });
    } else token.push(byte);
  };
  let step = idle;
  return (payload) => {
    for (const byte of typeof payload === 'string' ? new TextEncoder().encode(payload) : new Uint8Array(payload)) step(byte);
  };
}

/** Characters escaped in header values (STOMP 1.2 §"Value Encoding"), and the letter that follows the backslash for each. */
const RAW = '\\\r\n:';
const CODE = '\\rnc';

/**
 * Header and body of a frame to send: text when the body is a string,
 * bytes when it is binary. With `escape` (STOMP 1.2 negotiated) header
 * values are escaped (§"Value Encoding"; CONNECT is never escaped). A body
 * gets `content-length` (§"Header content-length") so it may contain NUL.
 */
export function encodeFrame(
  command: string,
  headers: Record<string, string>,
  body: string | Uint8Array = '',
  escape = false,
): { head: string; data: string | ArrayBuffer } {
  const encoder = new TextEncoder();
  const text = typeof body === 'string';
  const bytes = text ? encoder.encode(body) : body;
  let head = command;
  for (const [name, value] of Object.entries(headers)) {
    head += `\n${name}:${escape && command !== 'CONNECT' ? value.replace(/[\\\r\n:]/g, (c) => `\\${CODE[RAW.indexOf(c)]}`) : value}`;
  }
  if (!text || bytes.length) head += `\ncontent-length:${bytes.length}`;
  head += '\n\n';
  if (text) return { head, data: `${head}${body}\0` };
  const top = encoder.encode(head);
  const out = new Uint8Array(top.length + bytes.length + 1);
  out.set(top);
  out.set(bytes, top.length);
  return { head, data: out.buffer };
}

/**
 * A received frame. Repeated headers: the first one counts (STOMP 1.2
 * §"Repeated Header Entries"); values are unescaped except in CONNECTED.
 */
export function decodeFrame(raw: RawFrame, escape: boolean): Frame {
  const headers: Record<string, string> = {};
  const command = raw.command ?? '';
  for (const [name, value] of raw.headers) {
    if (name in headers) continue;
    headers[name] = escape && command !== 'CONNECTED' ? value.replace(/\\[\\rnc]/g, (c) => RAW[CODE.indexOf(c[1]!)]!) : value;
  }
  const bytes = raw.binaryBody ?? new Uint8Array(0);
  let text: string | undefined;
  return {
    command,
    headers,
    binaryBody: bytes,
    get body() {
      return (text ??= new TextDecoder().decode(bytes));
    },
  };
}
