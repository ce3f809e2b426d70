/**
 * A WebSocket proxy on 127.0.0.1 in front of a real broker that, once told
 * to, behaves like a broker confirming publishes it dropped (RabbitMQ 3.10
 * after a stream leader failover): on the connections open at that moment,
 * every SEND to a stream destination is swallowed and answered with a forged
 * RECEIPT. Connections made later pass everything through.
 */
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import type { AddressInfo } from 'node:net';

export interface ReceiptForgingProxy {
  /** `ws://127.0.0.1:<port>/ws`: give it to the session as its url. */
  url: string;
  /**
   * From now on, the open connections drop stream SENDs and forge their
   * RECEIPTs; with `unansweredFirst`, the first one dropped gets no RECEIPT
   * at all (as RabbitMQ 3.10 never confirms what it resent under a wrong number).
   */
  poison(options?: { unansweredFirst?: boolean }): void;
  /** Connections opened through the proxy so far. */
  readonly connections: number;
  /** Bodies of the SENDs swallowed so far. */
  readonly swallowed: readonly string[];
  close(): Promise<void>;
}

const STREAM_SEND = /^SEND\n(?:[^\n]*\n)*?destination:(?:\/amq)?\/queue\/chat\.room\./;

export async function startReceiptForgingProxy(target: string): Promise<ReceiptForgingProxy> {
  let opened = 0;
  const swallowed: string[] = [];
  const live = new Set<{ poisoned: boolean; unanswered: number }>();
  const server = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    handleProtocols: (protocols) => [...protocols][0] ?? false,
  });
  server.on('connection', (client, request) => {
    opened++;
    const state = { poisoned: false, unanswered: 0 };
    live.add(state);
    const protocols = String(request.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    const upstream = new WebSocket(target, protocols);
    const early: { data: RawData; binary: boolean }[] = [];
    upstream.on('open', () => {
      for (const { data, binary } of early.splice(0)) upstream.send(data, { binary });
    });
    upstream.on('message', (data, binary) => {
      if (client.readyState === WebSocket.OPEN) client.send(data, { binary });
    });
    client.on('message', (data, binary) => {
      const text = Buffer.isBuffer(data) ? data.toString('latin1') : String(data);
      if (state.poisoned && STREAM_SEND.test(text)) {
        const receipt = /\nreceipt:([^\n]*)\n/.exec(text)?.[1];
        swallowed.push(text.slice(text.indexOf('\n\n') + 2).replace(/\0[\s\S]*$/, ''));
        if (state.unanswered > 0) state.unanswered--;
        else if (receipt !== undefined) client.send(`RECEIPT\nreceipt-id:${receipt}\n\n\0`);
        return;
      }
      if (upstream.readyState === WebSocket.OPEN) upstream.send(data, { binary });
      else early.push({ data, binary });
    });
    const end = (): void => {
      live.delete(state);
      client.terminate();
      upstream.terminate();
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`,
    poison({ unansweredFirst = false } = {}) {
      for (const state of live) Object.assign(state, { poisoned: true, unanswered: +unansweredFirst });
    },
    get connections() {
      return opened;
    },
    swallowed,
    async close() {
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
