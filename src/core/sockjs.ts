/**
 * The SockJS side of `socketOpener`: loaded only when a fallback transport is
 * tried, so neither this adapter nor the SockJS client (its own lazy chunk;
 * imported dynamically so published builds never import it statically) costs
 * apps that stay on WebSocket anything.
 */
import type { TransportName, WebSocketLike } from './types.js';

/** A function that opens one SockJS socket of `transport` on `url`. */
export async function sockjsOpener(url: string, transport: TransportName): Promise<() => WebSocketLike> {
  const module = await import('sockjs-client');
  const SockJS = module.default;
  return () => {
    const socket = new SockJS(url, undefined, { transports: [transport] }) as unknown as WebSocketLike;
    const send = socket.send.bind(socket);
    // SockJS carries text only: binary frames pass as UTF-8 text or are refused.
    socket.send = (data) => {
      if (typeof data === 'string') return send(data);
      const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
      send(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    };
    return socket;
  };
}
