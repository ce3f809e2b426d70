/**
 * STOMP frame encoding (STOMP 1.2 §"STOMP Frames"). Parsing the byte stream is
 * `@stomp/stompjs`'s `Parser`; this file turns its raw frames into messages
 * and our frames into socket payloads.
 */
import type { IMessage, IRawFrameType } from '@stomp/stompjs';

/** A received frame; `ack`/`nack` are filled in for MESSAGE frames. */
export type Frame = IMessage;

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\r': '\\r', '\n': '\\n', ':': '\\c' };
const UNESCAPES: Record<string, string> = { '\\\\': '\\', '\\r': '\r', '\\n': '\n', '\\c': ':' };

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
  const bytes = typeof body === 'string' ? null : body;
  const length = typeof body === 'string' ? new TextEncoder().encode(body).length : body.length;
  let head = command;
  for (const [name, value] of Object.entries(headers)) {
    head += `\n${name}:${escape && command !== 'CONNECT' ? value.replace(/[\\\r\n:]/g, (c) => ESCAPES[c]!) : value}`;
  }
  if (bytes || length) head += `\ncontent-length:${length}`;
  head += '\n\n';
  if (!bytes) return { head, data: `${head}${body as string}\0` };
  const top = new TextEncoder().encode(head);
  const out = new Uint8Array(top.length + bytes.length + 1);
  out.set(top);
  out.set(bytes, top.length);
  return { head, data: out.buffer };
}

/**
 * A received frame. Repeated headers: the first one counts (STOMP 1.2
 * §"Repeated Header Entries"); values are unescaped except in CONNECTED.
 */
export function decodeFrame(raw: IRawFrameType, escape: boolean): Frame {
  const headers: Record<string, string> = {};
  const command = raw.command ?? '';
  for (const [name, value] of raw.headers) {
    if (name in headers) continue;
    headers[name] = escape && command !== 'CONNECTED' ? value.replace(/\\[\\rnc]/g, (c) => UNESCAPES[c]!) : value;
  }
  const bytes = raw.binaryBody ?? new Uint8Array(0);
  let text: string | undefined;
  return {
    command,
    headers,
    isBinaryBody: true,
    binaryBody: bytes,
    get body() {
      return (text ??= new TextDecoder().decode(bytes));
    },
    ack: () => undefined,
    nack: () => undefined,
  };
}
