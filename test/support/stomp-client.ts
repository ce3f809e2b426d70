/**
 * @stomp/stompjs clients for integration tests, over `ws` (Node 20 has no
 * global WebSocket) or `sockjs-client`, plus a mailbox to await messages.
 */
import { Client, type IFrame, type IMessage, type StompHeaders } from '@stomp/stompjs';
import WebSocket from 'ws';
import SockJS from 'sockjs-client';

export interface ClientOptions {
  login?: string;
  passcode?: string;
  /** WebSocket subprotocols offered (default v12.stomp). */
  protocols?: string[];
  /** SockJS instead of WebSocket: the allowed sockjs-client transports. */
  sockjsTransports?: string[];
  heartbeat?: [number, number];
  headers?: StompHeaders;
  /** Origin header on the WebSocket handshake. */
  origin?: string;
}

/** A connected client plus what the broker said when things went wrong. */
export interface TestClient {
  client: Client;
  connected: IFrame;
  errors: IFrame[];
  /** Resolves when the transport closes. */
  closed: Promise<void>;
  /** The transport chosen (SockJS) or `websocket`. */
  transport: string;
  close(): Promise<void>;
}

/** Connect @stomp/stompjs to `url`; rejects on ERROR or on a transport failure before CONNECTED. */
export function connectClient(url: string, options: ClientOptions = {}): Promise<TestClient> {
  const errors: IFrame[] = [];
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  let sock: { transport?: string } | null = null;
  return new Promise((resolve, reject) => {
    const client = new Client({
      webSocketFactory: () => {
        if (options.sockjsTransports) {
          const s = new SockJS(url, null, { transports: options.sockjsTransports });
          sock = s as unknown as { transport?: string };
          return s;
        }
        return new WebSocket(url, options.protocols ?? ['v12.stomp'], options.origin ? { origin: options.origin } : {});
      },
      connectHeaders: { login: options.login ?? 'guest', passcode: options.passcode ?? 'guest', ...options.headers },
      reconnectDelay: 0,
      heartbeatIncoming: options.heartbeat?.[1] ?? 0,
      heartbeatOutgoing: options.heartbeat?.[0] ?? 0,
    });
    let done = false;
    client.onConnect = (frame) => {
      done = true;
      const tc: TestClient = {
        client,
        connected: frame,
        errors,
        closed,
        transport: sock?.transport ?? 'websocket',
        close: async () => {
          await client.deactivate();
        },
      };
      resolve(tc);
    };
    client.onStompError = (frame) => {
      errors.push(frame);
      if (!done) {
        done = true;
        void client.deactivate();
        reject(Object.assign(new Error(`ERROR ${frame.headers.message ?? ''}`), { frame }));
      }
    };
    client.onWebSocketClose = () => {
      resolveClosed();
      if (!done) {
        done = true;
        void client.deactivate();
        reject(new Error(`transport closed before CONNECTED (${url})`));
      }
    };
    client.activate();
  });
}

/** Messages of one subscription, awaitable in order. */
export interface Mailbox {
  messages: IMessage[];
  /** Wait until at least `n` messages have arrived; returns them all. */
  waitFor(n: number, timeoutMs?: number): Promise<IMessage[]>;
  unsubscribe(): void;
}

/** Subscribe and collect; resolves once the broker confirmed the SUBSCRIBE with a receipt. */
export async function mailbox(tc: TestClient, destination: string, headers: StompHeaders = {}): Promise<Mailbox> {
  const messages: IMessage[] = [];
  const waiters: Array<() => void> = [];
  const receipt = `sub-${Math.random().toString(36).slice(2)}`;
  const confirmed = new Promise<void>((r) => tc.client.watchForReceipt(receipt, () => r()));
  const sub = tc.client.subscribe(
    destination,
    (m) => {
      messages.push(m);
      for (const w of waiters.splice(0)) w();
    },
    { ...headers, receipt },
  );
  await confirmed;
  return {
    messages,
    async waitFor(n, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < n) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`${destination}: ${messages.length} of ${n} messages within ${timeoutMs} ms`);
        await new Promise<void>((r) => {
          const t = setTimeout(r, left);
          waiters.push(() => {
            clearTimeout(t);
            r();
          });
        });
      }
      return messages;
    },
    unsubscribe: () => sub.unsubscribe(),
  };
}

/** Publish and wait for the broker's RECEIPT (so the effect is done, STOMP 1.2 "RECEIPT"). */
export function publishConfirmed(tc: TestClient, destination: string, body: string | Uint8Array, headers: StompHeaders = {}): Promise<void> {
  const receipt = `pub-${Math.random().toString(36).slice(2)}`;
  const p = new Promise<void>((r) => tc.client.watchForReceipt(receipt, () => r()));
  if (typeof body === 'string') tc.client.publish({ destination, body, headers: { ...headers, receipt } });
  else tc.client.publish({ destination, binaryBody: body, headers: { ...headers, receipt, 'content-type': 'application/octet-stream' } });
  return p;
}

/** RabbitMQ-dialect stream declaration headers (repeated on every SEND and SUBSCRIBE). */
export const STREAM_HEADERS: StompHeaders = { 'x-queue-type': 'stream', durable: 'true', 'auto-delete': 'false' };
