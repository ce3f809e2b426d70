/**
 * Any `url` option but a `ws(s)://` URL, and `GET /stompkit.json` of an
 * http(s) origin: the endpoints a server advertises (`{ websocket, sockjs }`,
 * at the top or under `endpoints`, relative paths allowed; an optional
 * `sockjsTransports` list narrows the SockJS transports). Loaded lazily by
 * `resolveEndpoints`, so apps given a `ws(s)://` URL or endpoints never
 * download it; it imports nothing at runtime so it stays one small chunk of
 * its own.
 */
import type { Endpoints, TransportName } from './types.js';

export type Fetch = (url: string) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

/**
 * The endpoints of `url` (see `resolveEndpoints`): its manifest for an
 * http(s) origin, the url itself for a custom scheme with `customSocket`.
 */
export async function resolveUrl(
  url: string,
  transports: readonly TransportName[],
  fetchImpl: Fetch | undefined,
  customSocket: boolean,
): Promise<Endpoints> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`url: "${url}" is not an absolute URL`);
  }
  const http = parsed.protocol === 'http:' || parsed.protocol === 'https:';
  // A `socketFactory` decides what its URLs mean (e.g. `memory://` of stompkit/testing).
  if (customSocket && !http) return { websocket: url };
  if (!http) throw new TypeError(`url: unsupported scheme "${parsed.protocol}" (use ws:, wss:, http: or https:)`);
  // Offline the fetch fails with a TypeError; that is worth retrying, unlike
  // a malformed url, so it becomes a plain Error.
  try {
    return await readManifest(parsed.origin, transports, fetchImpl);
  } catch (error) {
    throw error instanceof TypeError ? new Error(`url: cannot read ${parsed.origin}/stompkit.json: ${error.message}`) : error;
  }
}

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
