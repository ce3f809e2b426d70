/**
 * Frame serialization (STOMP 1.2 §"STOMP Frames"). Frames the broker sends
 * always carry `content-length` when they have a body, so binary bodies with
 * NULs survive (§"Header content-length").
 *
 * MESSAGE frames are built from a per-message tail (user headers, body, NUL),
 * encoded once per protocol version and shared by every subscriber, plus a
 * short per-subscriber prefix: this keeps topic fan-out cheap.
 */
import { type StompVersion, escapeHeader, escapesHeaders, utf8 } from './frame.js';

/** A broker heart-beat: a single EOL (§"Heart-beating"). */
export const HEARTBEAT: Uint8Array = new Uint8Array([10]);

const EMPTY = new Uint8Array(0);

function headerLine(name: string, value: string, escape: boolean, version: StompVersion): string {
  if (escape) return `${escapeHeader(name, version)}:${escapeHeader(value, version)}\n`;
  // 1.0 (and CONNECTED) cannot escape: an EOL inside a value would end the header early.
  return `${name.replace(/[\r\n]/g, ' ')}:${value.replace(/[\r\n]/g, ' ')}\n`;
}

function join(head: Uint8Array, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(head.length + body.length + 1);
  out.set(head, 0);
  out.set(body, head.length);
  out[out.length - 1] = 0;
  return out;
}

/** Serialize a whole frame. `content-length` is added when the body is not empty. */
export function encodeFrame(
  command: string,
  headers: Readonly<Record<string, string>>,
  body: Uint8Array = EMPTY,
  version: StompVersion = '1.2',
): Uint8Array {
  const escape = escapesHeaders(command, version);
  let head = `${command}\n`;
  for (const name in headers) head += headerLine(name, headers[name], escape, version);
  if (body.length > 0) head += `content-length:${body.length}\n`;
  head += '\n';
  return join(utf8(head), body);
}

/**
 * The tail of a MESSAGE frame: `headers`, `content-length`, the blank line,
 * the body and the NUL. A {@link MessageEncoder} puts the per-subscriber headers in front.
 */
export function encodeMessageTail(
  headers: Readonly<Record<string, string>>,
  body: Uint8Array,
  version: StompVersion,
): Uint8Array {
  const escape = version !== '1.0';
  let head = '';
  for (const name in headers) head += headerLine(name, headers[name], escape, version);
  head += `content-length:${body.length}\n\n`;
  return join(utf8(head), body);
}

const RED_FALSE = utf8('\nredelivered:false\n');
const RED_TRUE = utf8('\nredelivered:true\n');
const ACK = utf8('ack:');

function writeDigits(out: Uint8Array, at: number, digits: string): number {
  for (let i = 0; i < digits.length; i++) out[at + i] = digits.charCodeAt(i);
  return at + digits.length;
}

/**
 * Builds the MESSAGE frames of one subscription: `subscription`,
 * `destination`, `message-id`, `redelivered`, optional `ack`, then the shared
 * tail. The header bytes that only change with the destination are cached,
 * so a delivery is one allocation and a few copies.
 */
export class MessageEncoder {
  private destination: string | undefined;
  private start: Uint8Array = EMPTY;
  private readonly idPrefix: Uint8Array;

  constructor(
    private readonly subscription: string,
    /** `message-id` up to the delivery tag, e.g. `T_sub@@session@@`. */
    idPrefix: string,
    private readonly version: StompVersion,
  ) {
    const escape = version !== '1.0';
    this.idPrefix = utf8(headerLine('', idPrefix, escape, version).slice(1, -1));
  }

  encode(destination: string, tag: number, redelivered: boolean, withAck: boolean, tail: Uint8Array): Uint8Array {
    if (destination !== this.destination) {
      const escape = this.version !== '1.0';
      this.destination = destination;
      this.start = utf8(
        `MESSAGE\n${headerLine('subscription', this.subscription, escape, this.version)}${headerLine('destination', destination, escape, this.version)}message-id:`,
      );
    }
    const digits = String(tag);
    const red = redelivered ? RED_TRUE : RED_FALSE;
    const idLength = this.idPrefix.length + digits.length;
    const ackLength = withAck ? ACK.length + idLength + 1 : 0;
    const out = new Uint8Array(this.start.length + idLength + red.length + ackLength + tail.length);
    out.set(this.start, 0);
    let at = this.start.length;
    out.set(this.idPrefix, at);
    at = writeDigits(out, at + this.idPrefix.length, digits);
    out.set(red, at);
    at += red.length;
    if (withAck) {
      out.set(ACK, at);
      out.set(this.idPrefix, at + ACK.length);
      at = writeDigits(out, at + ACK.length + this.idPrefix.length, digits);
      out[at++] = 10;
    }
    out.set(tail, at);
    return out;
  }
}
