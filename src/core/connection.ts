/**
 * One STOMP connection over one socket, on `@stomp/stompjs`'s stream
 * `Parser` (frames encoded in frame.ts). The library's `Client` is not used:
 * its reconnect loop, ticker and state machine duplicate what the session
 * does, and cost more than half of its size. What remains here is the frame
 * exchange of STOMP 1.2: CONNECT, heart-beats, SUBSCRIBE/MESSAGE/ACK,
 * RECEIPT, ERROR and DISCONNECT.
 */
import { Parser, type IMessage } from '@stomp/stompjs';
import { decodeFrame, encodeFrame, type Frame } from './frame.js';
import type { ServerInfo, SessionError, WebSocketLike } from './types.js';

/** The content of an ERROR frame (STOMP 1.2 §"ERROR"). */
export interface ErrorFrameInfo {
  message: string;
  body: string;
  /** Set when the failed frame carried a `receipt` header. */
  receiptId?: string;
}

export interface ConnectionHandlers {
  onConnected(info: ServerInfo): void;
  onReceipt(receiptId: string): void;
  onErrorFrame(info: ErrorFrameInfo): void;
  /** Called exactly once, when the socket is gone (or never opened). */
  onClosed(error: SessionError): void;
}

export interface ConnectionConfig {
  createSocket: () => WebSocketLike;
  connectHeaders: Record<string, string>;
  /** `[outgoing, incoming]` ms, as in the CONNECT `heart-beat` header. */
  heartbeat: [number, number];
  debug?: (message: string) => void;
}

/**
 * What an ERROR before CONNECTED looks like when credentials were refused.
 * Brokers word it differently (RabbitMQ: "Bad CONNECT" / "Access refused for
 * user …"), so match the usual words in header and body.
 */
const AUTH_ERROR =
  /bad connect|access refused|access denied|auth|login|passcode|password|credential|token|unauthori[sz]ed|forbidden|permission denied/i;

/** Classifies an ERROR frame: refused credentials stop reconnecting. */
export function classifyError(info: ErrorFrameInfo, connected: boolean): SessionError {
  const body = info.body.trim();
  // Some brokers repeat the header at the start of the body.
  const text = !body ? info.message : body.startsWith(info.message) ? body : `${info.message}: ${body}`;
  const kind = !connected && AUTH_ERROR.test(`${info.message}\n${info.body}`) ? 'auth' : 'protocol';
  return { kind, message: text || 'ERROR frame without message' };
}

const NO_CONNECTION = 'There is no underlying STOMP connection';
const noop = (): void => undefined;

export class Connection {
  private socket: WebSocketLike | null = null;
  private closed = false;
  private failure: SessionError | null = null;
  private isConnected = false;
  private escape = false;
  private negotiated: string | undefined;
  private readonly subscriptions = new Map<string, (m: IMessage) => void>();
  private readonly timers: ReturnType<typeof setInterval>[] = [];
  private lastActivity = 0;
  /** Receipt ids written and not yet answered, oldest first (a Set keeps insertion order). */
  private readonly unanswered = new Set<string>();
  /** Subscription ids this connection has UNSUBSCRIBEd (see isStaleSubscriptionError). */
  private readonly ended = new Set<string>();
  private code: number | undefined;
  /** Resolves `disconnect()` once the socket is gone. */
  private onGone: () => void = noop;
  private readonly log: (message: string) => void;

  constructor(
    private readonly config: ConnectionConfig,
    private readonly handlers: ConnectionHandlers,
  ) {
    this.log = config.debug ? redacting(config.debug) : noop;
  }

  get connected(): boolean {
    return this.isConnected && !this.closed;
  }

  /** The WebSocket close code, once the peer closed (undefined when we dropped the socket). */
  get closeCode(): number | undefined {
    return this.code;
  }

  /**
   * The `receipt` of the oldest frame still unanswered: brokers answer in
   * order, so it is the frame a connection that died was refused on.
   */
  get oldestUnanswered(): string | undefined {
    return this.unanswered.values().next().value;
  }

  /** STOMP version negotiated in CONNECTED. */
  get version(): string | undefined {
    return this.negotiated;
  }

  /** Opens the socket and sends CONNECT once it is open (STOMP 1.2 §"Connecting"). */
  start(): void {
    let socket: WebSocketLike;
    try {
      socket = this.socket = this.config.createSocket();
    } catch (error) {
      // Reported asynchronously like any other failed open.
      queueMicrotask(() => this.finish({ kind: 'network', message: `cannot open socket: ${String(error)}` }));
      return;
    }
    socket.binaryType = 'arraybuffer';
    const parser = new Parser(
      (raw) => this.receive(decodeFrame(raw, this.escape)),
      () => this.log('<<< PONG'),
    );
    socket.onmessage = (event) => {
      this.lastActivity = Date.now();
      parser.parseChunk(event.data);
    };
    socket.onclose = (event) => {
      this.code = event?.code;
      const detail = event?.reason ? `: ${event.reason}` : '';
      this.finish({ kind: 'network', message: `connection closed (code ${event?.code ?? '?'}${detail})` });
    };
    // A failed socket also closes; the close says why.
    socket.onerror = noop;
    const [out, incoming] = this.config.heartbeat;
    const open = (): void =>
      this.transmit('CONNECT', { ...this.config.connectHeaders, 'accept-version': '1.2,1.1,1.0', 'heart-beat': `${out},${incoming}` }, true);
    if (socket.readyState === 1) open();
    else socket.onopen = open;
  }

  publish(destination: string, headers: Record<string, string>, body: string | Uint8Array): void {
    this.transmit('SEND', { ...headers, destination }, false, body);
  }

  subscribe(id: string, destination: string, headers: Record<string, string>, onMessage: (m: IMessage) => void): void {
    this.transmit('SUBSCRIBE', { ...headers, id, destination });
    this.subscriptions.set(id, onMessage);
  }

  unsubscribe(id: string): void {
    this.subscriptions.delete(id);
    this.ended.add(id);
    this.transmit('UNSUBSCRIBE', { id });
  }

  /**
   * Writes one frame; throws when there is no CONNECTED connection (only
   * CONNECT itself goes out before). A string body goes as text, bytes as a
   * binary WebSocket frame.
   */
  transmit(command: string, headers: Record<string, string>, early = false, body?: string | Uint8Array): void {
    const socket = this.socket;
    if (!socket || this.closed || !(early || this.isConnected)) throw new Error(NO_CONNECTION);
    const { head, data } = encodeFrame(command, headers, body, this.escape);
    this.log(`>>> ${head}`);
    socket.send(data);
    if (headers.receipt !== undefined) this.unanswered.add(headers.receipt);
  }

  /** Drops the socket at once (connect timeout, ERROR, silent peer); `onClosed` gets `error`. */
  terminate(error: SessionError): void {
    if (this.closed) return;
    this.failure ??= error;
    const socket = this.socket;
    if (socket) {
      // A peer that stopped answering may never finish a close handshake
      // either: stop listening and report the close now.
      socket.onmessage = socket.onopen = socket.onclose = noop;
      try {
        const kill = (socket as { terminate?: () => void }).terminate;
        if (typeof kill === 'function') kill.call(socket);
        else socket.close();
      } catch {
        // already closing
      }
    }
    this.finish(error);
  }

  /**
   * Graceful end: DISCONNECT with a receipt (STOMP 1.2 §"DISCONNECT"), then
   * the socket closes; after `timeoutMs` without the receipt it is dropped.
   */
  async disconnect(timeoutMs: number): Promise<void> {
    if (this.closed) return;
    this.failure ??= { kind: 'closed', message: 'closed by the application' };
    let timer: ReturnType<typeof setTimeout> | undefined;
    await new Promise<void>((resolve) => {
      this.onGone = resolve;
      timer = setTimeout(resolve, timeoutMs);
      try {
        this.transmit('DISCONNECT', { receipt: 'disconnect' });
      } catch {
        this.socket?.close();
      }
    });
    clearTimeout(timer);
    if (!this.closed) this.terminate(this.failure);
  }

  private receive(frame: Frame): void {
    this.log(`<<< ${frame.command}`);
    const h = frame.headers;
    switch (frame.command) {
      case 'CONNECTED':
        this.isConnected = true;
        this.negotiated = h.version;
        this.escape = h.version === '1.2';
        this.heartbeat(h);
        return this.handlers.onConnected(serverInfo(frame));
      case 'MESSAGE':
        return this.deliver(frame);
      case 'RECEIPT': {
        const id = h['receipt-id'];
        if (id !== undefined) this.unanswered.delete(id);
        if (id === 'disconnect') this.socket?.close();
        else if (id !== undefined) this.handlers.onReceipt(id);
        return;
      }
      case 'ERROR':
        return this.onError(frame);
    }
  }

  /** MESSAGE (STOMP 1.2 §"MESSAGE") to its subscription, with ACK/NACK (§"ACK": 1.2 names the `ack` header, 1.1 `message-id`). */
  private deliver(frame: Frame): void {
    const h = frame.headers;
    const subscription = h.subscription ?? '';
    const handler = this.subscriptions.get(subscription);
    if (!handler) return;
    const acknowledge =
      (command: string) =>
      (extra: Record<string, string> = {}): void => {
        const headers: Record<string, string> = { ...extra, subscription };
        if (this.negotiated === '1.2') headers.id = h.ack ?? '';
        else headers['message-id'] = h['message-id'] ?? '';
        this.transmit(command, headers);
      };
    frame.ack = acknowledge('ACK');
    frame.nack = acknowledge('NACK');
    handler(frame);
  }

  /** STOMP 1.2 §"Heart-beating": each side beats at the slower of what one offers and the other wants. */
  private heartbeat(h: Record<string, string>): void {
    const [serverOut, serverIn] = (h['heart-beat'] ?? '0,0').split(',').map((v) => Number.parseInt(v, 10) || 0);
    const [out, incoming] = this.config.heartbeat;
    if (h.version !== '1.1' && h.version !== '1.2') return;
    if (out && serverIn) {
      this.timers.push(setInterval(() => this.socket?.readyState === 1 && this.socket.send('\n'), Math.max(out, serverIn!)));
    }
    if (incoming && serverOut) {
      const ttl = Math.max(incoming, serverOut);
      this.lastActivity = Date.now();
      this.timers.push(
        setInterval(() => {
          // Two periods of silence, as stompjs's default grace.
          if (Date.now() - this.lastActivity > 2 * ttl) this.terminate({ kind: 'timeout', message: 'the broker stopped sending heart-beats' });
        }, ttl),
      );
    }
  }

  private onError(frame: Frame): void {
    if (this.isStaleSubscriptionError(frame)) return;
    const info: ErrorFrameInfo = {
      message: frame.headers.message ?? '',
      body: frame.body,
      receiptId: frame.headers['receipt-id'],
    };
    this.failure ??= classifyError(info, this.isConnected);
    this.handlers.onErrorFrame(info);
    // The broker closes after ERROR (§"ERROR"); do not wait for it.
    this.terminate(this.failure);
  }

  /**
   * RabbitMQ 3.10 answers a MESSAGE that raced our UNSUBSCRIBE (a stream
   * reader hands out credit per chunk, so messages can be in flight) with
   * ERROR `Subscription not found` ("There is no current subscription with
   * tag 'T_<id>'.") and keeps the connection open. It is about a subscription
   * this client already ended, so it is not a failure: ending the connection
   * here would abort whatever else it carries (e.g. the next history page).
   */
  private isStaleSubscriptionError(frame: Frame): boolean {
    if (frame.headers.message !== 'Subscription not found') return false;
    const tag = /subscription with tag 'T_(.+)'/.exec(frame.body)?.[1];
    if (tag === undefined || !this.ended.has(tag)) return false;
    this.log(`ignored ERROR for ended subscription ${tag}: ${frame.body}`);
    return true;
  }

  private finish(fallback: SessionError): void {
    if (this.closed) return;
    this.closed = true;
    this.isConnected = false;
    for (const timer of this.timers) clearInterval(timer);
    this.onGone();
    this.handlers.onClosed(this.failure ?? fallback);
  }
}

/** Frames are logged whole; CONNECT carries secrets that must not reach logs. */
export function redacting(debug: (message: string) => void): (message: string) => void {
  return (message) => debug(message.replace(/^(passcode|authorization|token|access_token|x-token):.*$/gim, '$1:<redacted>'));
}

function serverInfo(frame: Frame): ServerInfo {
  const h = frame.headers;
  const info: ServerInfo = { version: h.version ?? '1.0' };
  if (h.server !== undefined) info.server = h.server;
  if (h.session !== undefined) info.session = h.session;
  if (h['user-name'] !== undefined) info.userName = h['user-name'];
  const beat = h['heart-beat']?.split(',').map((v) => Number.parseInt(v, 10));
  if (beat && beat.length === 2 && beat.every((n) => Number.isFinite(n))) info.heartbeat = [beat[0]!, beat[1]!];
  return info;
}
