/**
 * The STOMP frame as the engine sees it, protocol versions, and header value
 * escaping (STOMP 1.2 §"Value Encoding"; 1.1 the same minus `\r`; 1.0 none).
 */

/** Protocol versions the broker speaks, lowest first. */
export const SUPPORTED_VERSIONS = ['1.0', '1.1', '1.2'] as const;
export type StompVersion = (typeof SUPPORTED_VERSIONS)[number];

/** Index of a version, used to cache per-version encodings. */
export function versionIndex(version: StompVersion): 0 | 1 | 2 {
  return version === '1.2' ? 2 : version === '1.1' ? 1 : 0;
}

/** One parsed frame. Headers keep arrival order; a repeated header keeps its first value (STOMP 1.2 §"Repeated Header Entries"). */
export interface Frame {
  command: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

/**
 * A protocol error: the connection answers with ERROR (`message` header = `message`,
 * body = `detail`) and closes.
 */
export class StompError extends Error {
  readonly detail: string;
  /** Extra headers for the ERROR frame (e.g. `version` on a failed negotiation). */
  readonly headers: Record<string, string>;
  constructor(message: string, detail?: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'StompError';
    this.detail = detail ?? message;
    this.headers = headers;
  }
}

/** Commands whose headers are never escaped (STOMP 1.2 §"Value Encoding"). */
export function escapesHeaders(command: string, version: StompVersion): boolean {
  return version !== '1.0' && command !== 'CONNECT' && command !== 'CONNECTED' && command !== 'STOMP';
}

const NEEDS_ESCAPE_12 = /[\\\r\n:]/;
const NEEDS_ESCAPE_11 = /[\\\n:]/;

/** Escape a header name or value for `version` (1.2: `\\ \r \n :`; 1.1: no `\r`). */
export function escapeHeader(value: string, version: StompVersion): string {
  if (version === '1.0') return value;
  const re = version === '1.2' ? NEEDS_ESCAPE_12 : NEEDS_ESCAPE_11;
  if (!re.test(value)) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\') out += '\\\\';
    else if (c === '\n') out += '\\n';
    else if (c === ':') out += '\\c';
    else if (c === '\r' && version === '1.2') out += '\\r';
    else out += c;
  }
  return out;
}

/**
 * Undo escaping. An undefined escape sequence is a fatal protocol error
 * (STOMP 1.2 §"Value Encoding": "MUST treat ... as a fatal protocol error").
 */
export function unescapeHeader(value: string, version: StompVersion): string {
  if (version === '1.0' || value.indexOf('\\') < 0) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = value[++i];
    if (n === '\\') out += '\\';
    else if (n === 'n') out += '\n';
    else if (n === 'c') out += ':';
    else if (n === 'r' && version === '1.2') out += '\r';
    else throw new StompError('Malformed frame', `Undefined escape sequence "\\${n ?? ''}" in header "${value}"`);
  }
  return out;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Text of UTF-8 bytes (invalid sequences become U+FFFD). */
export function text(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}
