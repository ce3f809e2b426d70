/**
 * `GET /stompkit.json` of an http(s) origin: the endpoints a server
 * advertises (`{ websocket, sockjs }`, at the top or under `endpoints`,
 * relative paths allowed; an optional `sockjsTransports` list narrows the
 * SockJS transports). Loaded lazily by `resolveEndpoints`, so apps given a
 * `ws(s)://` URL never download it; it imports nothing at runtime so it
 * stays one small chunk of its own.
 */
import type { Endpoints, TransportName } from './types.js';

export type Fetch = (url: string) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

/** Reads the manifest of `origin`; `transports` is the known transport names, in order. */
export async function readManifest(origin: string, transports: readonly TransportName[], fetchImpl?: Fetch): Promise<Endpoints> {
  const doFetch = fetchImpl ?? (globalThis.fetch as Fetch | undefined);
  if (!doFetch) throw new Error('url: an http(s) origin needs fetch to read /stompkit.json');
  const manifestUrl = new URL('/stompkit.json', origin).href;
  const response = await doFetch(manifestUrl);
  if (!response.ok) throw new Error(`GET ${manifestUrl} answered ${response.status}`);
  const manifest: unknown = await response.json();
  // The stompkit broker nests them under `endpoints`; a hand-written file may not.
  const root = (manifest ?? {}) as Record<string, unknown>;
  const listed = (typeof root.endpoints === 'object' && root.endpoints !== null ? root.endpoints : root) as Record<string, unknown>;
  const read = (name: 'websocket' | 'sockjs'): string | undefined => {
    const value = listed[name];
    if (typeof value !== 'string' || value === '') return undefined;
    const absolute = new URL(value, origin);
    // A relative WebSocket path is served by the same origin with ws(s):.
    if (name === 'websocket' && absolute.protocol.startsWith('http')) absolute.protocol = absolute.protocol === 'https:' ? 'wss:' : 'ws:';
    return absolute.href;
  };
  const endpoints: Endpoints = {};
  const websocket = read('websocket');
  const sockjs = read('sockjs');
  if (websocket) endpoints.websocket = websocket;
  if (sockjs) endpoints.sockjs = sockjs;
  if (sockjs && Array.isArray(root.sockjsTransports)) {
    endpoints.sockjsTransports = transports.filter((t) => t !== 'websocket' && (root.sockjsTransports as unknown[]).includes(t));
  }
  if (!websocket && !sockjs) throw new Error(`${manifestUrl} lists neither a websocket nor a sockjs endpoint`);
  return endpoints;
}
