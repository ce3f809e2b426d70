/**
 * Transports: native WebSocket first, then SockJS's HTTP transports
 * (streaming, EventSource, long-polling; all POST upstream). SockJS and its
 * adapter (sockjs.ts) are loaded with a dynamic import so bundlers put them in
 * their own chunks, fetched only by apps that actually fall back. The winner
 * is remembered per URL for the tab.
 */
import type { Endpoints, StompSessionOptions, StorageAdapter, TransportName, WebSocketLike } from './types.js';
import type { Fetch } from './manifest.js';
import { webStorage } from './storage.js';

/** Default order of fallback. */
export const ALL_TRANSPORTS: readonly TransportName[] = ['websocket', 'xhr-streaming', 'eventsource', 'xhr-polling'];

/** WebSocket subprotocols of STOMP (STOMP 1.2 §"Connecting", as registered for Web-STOMP). */
export const STOMP_SUBPROTOCOLS = ['v12.stomp', 'v11.stomp', 'v10.stomp'];

/** After this long on a fallback, the next connect tries WebSocket first again. */
export const DEFAULT_WEBSOCKET_RETRY_AFTER = 5 * 60_000;

/**
 * Turns the `url` option into the broker endpoints to fail over between, in
 * order: a `ws(s)://` URL is one WebSocket endpoint; anything else (an
 * `http(s)://` origin, whose `GET /stompkit.json` lists `{ websocket, sockjs }`
 * or a list of them; an Endpoints object; a list of any of these) is read by
 * manifest.ts. A malformed url or an unsupported scheme throws a TypeError
 * (not worth retrying).
 */
export async function resolveEndpoints(
  url: StompSessionOptions['url'],
  fetchImpl?: Fetch,
  customSocket = false,
): Promise<Endpoints[]> {
  if (typeof url == 'string' && /^wss?:/i.test(url)) return [{ websocket: url }];
  // Any other url is read by manifest.ts, so apps given a ws(s) URL never
  // download it. Offline, loading it fails with a TypeError; that is worth
  // retrying, unlike a malformed url, so it becomes a plain Error.
  const reader = await import('./manifest.js').catch((error: unknown) => {
    throw new Error(`url: cannot load the reader of ${String(url)}: ${String(error)}`);
  });
  return reader.resolveList(url, ALL_TRANSPORTS, fetchImpl, customSocket);
}

/** The transport that last reached CONNECTED for a URL, since when, and on which of its endpoints. */
export interface RememberedTransport {
  transport: TransportName;
  at: number;
  /** Index of the endpoint (of several) it connected to. */
  e?: number;
}

/** Per-URL memory of the winning transport; made by {@link createTransportMemory}. */
export interface TransportMemory {
  get(url: string): RememberedTransport | null;
  set(url: string, remembered: RememberedTransport): void;
}

/**
 * Per-URL memory of the winning transport, in `sessionStorage` (one tab) when
 * there is one, else in the session's storage adapter.
 */
export function createTransportMemory(fallback: StorageAdapter, prefix: string): TransportMemory {
  const storage = webStorage('sessionStorage') ?? fallback;
  const key = (url: string): string => `${prefix}:transport:${url}`;
  return {
    get(url) {
      try {
        const raw = storage.getItem(key(url));
        if (raw === null) return null;
        const value = JSON.parse(raw) as RememberedTransport;
        if (ALL_TRANSPORTS.includes(value.transport) && typeof value.at === 'number') return value;
      } catch {
        // unreadable memory is no memory
      }
      return null;
    },
    set(url, remembered) {
      try {
        storage.setItem(key(url), JSON.stringify(remembered));
      } catch {
        // best effort: forgetting costs one slower connect
      }
    },
  };
}

/**
 * The transports to try, in order: those allowed whose endpoint exists,
 * starting at the remembered winner unless it is older than `retryAfter`
 * (then WebSocket gets another chance first).
 */
export function planTransports(
  allowed: readonly TransportName[],
  endpoints: Endpoints,
  remembered: RememberedTransport | null,
  now: number,
  retryAfter: number,
): TransportName[] {
  const available = allowed.filter((t) =>
    t === 'websocket' ? !!endpoints.websocket : !!endpoints.sockjs && (endpoints.sockjsTransports?.includes(t) ?? true),
  );
  if (!remembered || now - remembered.at >= retryAfter) return available;
  const start = available.indexOf(remembered.transport);
  if (start <= 0) return available;
  return [...available.slice(start), ...available.slice(0, start)];
}

/**
 * A function that opens one socket of `transport`. Loads SockJS on first use.
 */
export async function socketOpener(
  transport: TransportName,
  endpoints: Endpoints,
  socketFactory?: (url: string) => WebSocketLike,
): Promise<() => WebSocketLike> {
  if (transport === 'websocket') {
    const url = endpoints.websocket;
    if (!url) throw new Error('no websocket endpoint');
    if (socketFactory) return () => socketFactory(url);
    const Native = (globalThis as { WebSocket?: new (url: string, protocols: string[]) => WebSocketLike }).WebSocket;
    if (!Native) throw new Error('no global WebSocket: pass `socketFactory` (e.g. with the `ws` package)');
    return () => new Native(url, STOMP_SUBPROTOCOLS);
  }
  const url = endpoints.sockjs;
  if (!url) throw new Error('no sockjs endpoint');
  // The adapter and the SockJS client load on the first fallback (sockjs.ts).
  const { sockjsOpener } = await import('./sockjs.js');
  return sockjsOpener(url, transport);
}
