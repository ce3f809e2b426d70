/**
 * STOMP frames on the wire (STOMP 1.2 §"STOMP Frames"): the stream parser
 * that turns socket payloads into frames, and our frames into payloads.
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

/** Characters escaped in header values (STOMP 1.2 §"Value Encoding"), and the letter that follows the backslash for each. */
const RAW = '\\\r\n:';
const CODE = '\\rnc';

const NUL = 0;
const LF = 10;
const CR = 13;
const COLON = 58;

/**
 * A stream parser: feed it socket payloads (text or bytes, frames split or
 * batched anyhow); it calls `onFrame` per complete frame and `onPing` per
 * heart-beat EOL between frames. Lengths are in bytes, so a body with
 * `content-length` may contain NUL (§"Header content-length"); CR before LF
 * is dropped (§"Augmented BNF"). The grammar is `@stomp/stompjs`'s
 * `Parser`'s, byte for byte (test/core/frame.test.ts compares the two), in a
 * closure that minifies to a fraction of the class.
 *
 * Repeated headers: the first one counts (STOMP 1.2 §"Repeated Header
 * Entries"). While `escaped()` (STOMP 1.2 negotiated) values are unescaped
 * (§"Value Encoding"), except in CONNECTED, which comes before.
 *
 * `onFrame` must not throw: the rest of the payload would not be read.
 */
export function createParser(
  onFrame: (frame: Frame) => void,
  onPing: () => void,
  escaped: () => boolean = () => false,
): (payload: string | ArrayBuffer) => void {
  const decoder = new TextDecoder();
  let token: number[] = [];
  let command = '';
  let headers: Record<string, string> = {};
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
      headers = {};
      step = headerStart;
    } else if (byte !== CR) token.push(byte);
  };
  const headerStart = (byte: number): void => {
    if (byte === LF) {
      const length = headers['content-length'];
      remaining = length === undefined ? undefined : parseInt(length, 10);
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
      const value = text();
      if (!(key in headers)) {
        headers[key] = escaped() && command !== 'CONNECTED' ? value.replace(/\\[\\rnc]/g, (c) => RAW[CODE.indexOf(c[1]!)]!) : value;
      }
      step = headerStart;
    } else if (byte !== CR) token.push(byte);
  };
  const body = (byte: number): void => {
    // With a length, the byte after the body (its NUL) ends the frame.
    if (remaining === undefined ? byte === NUL : remaining-- === 0) {
      const bytes = take();
      let decoded: string | undefined;
      step = idle;
      onFrame({
        command,
        headers,
        binaryBody: bytes,
        get body() {
          return (decoded ??= decoder.decode(bytes));
        },
      });
    } else token.push(byte);
  };
  let step = idle;
  return (payload) => {
    for (const byte of typeof payload === 'string' ? new TextEncoder().encode(payload) : new Uint8Array(payload)) step(byte);
  };
}

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
