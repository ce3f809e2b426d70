/**
 * Any `url` option but a `ws(s)://` URL — a list of endpoints (a cluster),
 * an Endpoints object, an http(s) origin — and `GET /stompkit.json` of an
 * http(s) origin: the endpoints a server advertises (`{ websocket, sockjs }`,
 * or a list of them, at the top or under `endpoints`, relative paths
 * allowed; an optional `sockjsTransports` list narrows the SockJS
 * transports). Loaded lazily by `resolveEndpoints`, so apps given one
 * `ws(s)://` URL never download it; it imports nothing at runtime so it
 * stays one small chunk of its own.
 */
import type { Endpoints, StompSessionOptions, TransportName } from './types.js';

export type Fetch = (url: string) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

/**
 * The endpoints of the `url` option, in order: each entry of a list in turn
 * (an origin whose manifest cannot be read is left out while others can be;
 * a malformed entry is a TypeError).
 */
export async function resolveList(
  url: StompSessionOptions['url'],
  transports: readonly TransportName[],
  fetchImpl: Fetch | undefined,
  customSocket: boolean,
): Promise<Endpoints[]> {
  const list: readonly (string | Endpoints)[] = Array.isArray(url) ? url : [url];
  if (!list.length) throw new TypeError('url: the list of endpoints is empty');
  const settled = await Promise.allSettled(
    list.map(async (entry) => (typeof entry == 'string' ? resolveUrl(entry, transports, fetchImpl, customSocket) : [checkEndpoints(entry)])),
  );
  const endpoints: Endpoints[] = [];
  let failure: unknown;
  for (const result of settled) {
    if (result.status == 'fulfilled') endpoints.push(...result.value);
    else if (result.reason instanceof TypeError) throw result.reason;
    else failure ??= result.reason;
  }
  if (!endpoints.length) throw failure;
  return endpoints;
}

function checkEndpoints(endpoints: Endpoints): Endpoints {
  if (!endpoints || (typeof endpoints.websocket !== 'string' && typeof endpoints.sockjs !== 'string')) {
    throw new TypeError('url: an Endpoints object needs `websocket` or `sockjs`');
  }
  return endpoints;
}

/**
 * The endpoints of one url: itself for `ws(s)://` or a custom scheme with
 * `customSocket`, its manifest's for an http(s) origin.
 */
export async function resolveUrl(
  url: string,
  transports: readonly TransportName[],
  fetchImpl: Fetch | undefined,
  customSocket: boolean,
): Promise<Endpoints[]> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`url: "${url}" is not an absolute URL`);
  }
  const http = parsed.protocol === 'http:' || parsed.protocol === 'https:';
  // A `socketFactory` decides what its URLs mean (e.g. `memory://` of stompkit/testing).
  if ((customSocket && !http) || /^wss?:$/.test(parsed.protocol)) return [{ websocket: url }];
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
export async function readManifest(origin: string, transports: readonly TransportName[], fetchImpl?: Fetch): Promise<Endpoints[]> {
  const doFetch = fetchImpl ?? (globalThis.fetch as Fetch | undefined);
  if (!doFetch) throw new Error('url: an http(s) origin needs fetch to read /stompkit.json');
  const manifestUrl = new URL('/stompkit.json', origin).href;
  const response = await doFetch(manifestUrl);
  if (!response.ok) throw new Error(`GET ${manifestUrl} answered ${response.status}`);
  const manifest: unknown = await response.json();
  // The stompkit broker nests them under `endpoints`; a hand-written file may
  // not; a cluster's lists one `{ websocket, sockjs }` per node there.
  const root = (manifest ?? {}) as Record<string, unknown>;
  const nested = typeof root.endpoints === 'object' && root.endpoints !== null ? root.endpoints : root;
  const served = Array.isArray(root.sockjsTransports) ? (root.sockjsTransports as unknown[]) : null;
  const all = (Array.isArray(nested) ? nested : [nested]) as Record<string, unknown>[];
  const endpoints = all.flatMap((listed) => {
    const read = (name: 'websocket' | 'sockjs'): string | undefined => {
      const value = listed?.[name];
      if (typeof value !== 'string' || value === '') return undefined;
      const absolute = new URL(value, origin);
      // A relative WebSocket path is served by the same origin with ws(s):.
      if (name === 'websocket' && absolute.protocol.startsWith('http')) absolute.protocol = absolute.protocol === 'https:' ? 'wss:' : 'ws:';
      return absolute.href;
    };
    const found: Endpoints = {};
    const websocket = read('websocket');
    const sockjs = read('sockjs');
    if (websocket) found.websocket = websocket;
    if (sockjs) found.sockjs = sockjs;
    if (sockjs && served) found.sockjsTransports = transports.filter((t) => t !== 'websocket' && served.includes(t));
    return websocket || sockjs ? [found] : [];
  });
  if (!endpoints.length) throw new Error(`${manifestUrl} lists neither a websocket nor a sockjs endpoint`);
  return endpoints;
}
