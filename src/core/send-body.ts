/**
 * What a send carries: its body encoded for the wire (strings and bytes as
 * they are, anything else as JSON), its idempotency key, and bytes as text
 * for storage.
 */
import type { SendBody } from './types.js';

/**
 * Strings and bytes go as they are; anything else as JSON with
 * `content-type: application/json` (unless the caller set a content-type).
 */
export function encodeBody(
  body: SendBody,
  headers: Record<string, string>,
): { body: string | Uint8Array; headers: Record<string, string> } {
  if (typeof body === 'string' || body instanceof Uint8Array) return { body, headers };
  let text: string | undefined;
  try {
    text = JSON.stringify(body);
  } catch (error) {
    throw new TypeError(`send: body cannot be serialised as JSON: ${String(error)}`);
  }
  if (text === undefined) throw new TypeError(`send: body of type ${typeof body} cannot be serialised as JSON`);
  const hasType = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
  return { body: text, headers: hasType ? headers : { ...headers, 'content-type': 'application/json' } };
}

/** A unique id: `crypto.randomUUID` where there is one (secure contexts). */
export function randomId(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
}

export function toBase64(bytes: Uint8Array): string {
  return btoa(Array.from(bytes, (byte) => String.fromCharCode(byte)).join(''));
}

export function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
}
