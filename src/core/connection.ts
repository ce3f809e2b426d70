/**
 * One STOMP connection over one socket (frames parsed and encoded in
 * frame.ts, in the grammar of `@stomp/stompjs`'s `Parser`). The library's
 * `Client` is not used: its reconnect loop, ticker and state machine
 * duplicate what the session does, and cost more than half of its size. What remains here is the frame
 * exchange of STOMP 1.2: CONNECT, heart-beats, SUBSCRIBE/MESSAGE/ACK,
 * RECEIPT, ERROR and DISCONNECT.
 */
import { createParser, encodeFrame, type Acknowledge, type Frame } from './frame.js';
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
 * user …"), so match the usual words in header and body ("auth" covers
 * "unauthorized" too).
 */
const AUTH_ERROR = /bad connect|access (refused|denied)|auth|login|pass(code|word)|credential|token|forbidden|permission denied/i;

/** Classifies an ERROR frame: refused credentials stop reconnecting. */
export function classifyError(info: ErrorFrameInfo, connected: boolean): SessionError {
  const body = info.body.trim();
  // Some brokers repeat the header at the start of the body.
  const text = !body ? info.message : body.startsWith(info.message) ? body : `${info.message}: ${body}`;
  const kind = !connected && AUTH_ERROR.test(`${info.message}\n${info.body}`) ? 'auth' : 'protocol';
  return { kind, message: text || 'ERROR frame without message' };
}

/** Why a connection the application ended is gone (the session ends its connection attempts with it too). */
export const CLOSED_BY_APP: SessionError = { kind: 'closed', message: 'closed by the application' };
const noop = (): void => undefined;

/** One STOMP connection; made by {@link createConnection}. */
export interface Connection {
  /** CONNECTED and the socket not gone. */
  readonly connected: boolean;
  /** The WebSocket close code, once the peer closed (undefined when we dropped the socket). */
  readonly closeCode: number | undefined;
  /**
   * The `receipt` of the oldest frame still unanswered: brokers answer in
   * order, so it is the frame a connection that died was refused on.
   */
  readonly oldestUnanswered: string | undefined;
  /** STOMP version negotiated in CONNECTED. */
  readonly version: string | undefined;
  /** Opens the socket and sends CONNECT once it is open (STOMP 1.2 §"Connecting"). */
  start(): void;
  publish(destination: string, headers: Record<string, string>, body: string | Uint8Array): void;
  /** `onMessage` gets each MESSAGE of subscription `id` and how to ACK/NACK it. */
  subscribe(id: string, destination: string, headers: Record<string, string>, onMessage: (frame: Frame, acknowledge: Acknowledge) => void): void;
  unsubscribe(id: string): void;
  /**
   * Writes one frame; throws when there is no CONNECTED connection (only
   * CONNECT itself goes out before). A string body goes as text, bytes as a
   * binary WebSocket frame.
   */
  transmit(command: string, headers: Record<string, string>, early?: boolean, body?: string | Uint8Array): void;
  /** Drops the socket at once (connect timeout, ERROR, silent peer); `onClosed` gets `error`. */
  terminate(error: SessionError): void;
  /**
   * Graceful end: DISCONNECT with a receipt (STOMP 1.2 §"DISCONNECT"), then
   * the socket closes; after `timeoutMs` without the receipt it is dropped.
   */
  disconnect(timeoutMs: number): Promise<void>;
}

/**
 * A connection over the socket `config.createSocket` makes once `start()` is
 * called. Its state is closure-local, so it minifies to short names.
 */
export function createConnection(config: ConnectionConfig, handlers: ConnectionHandlers): Connection {
  let socket: WebSocketLike | null = null;
  let closed = false;
  let failure: SessionError | null = null;
  let isConnected = false;
  let escape = false;
  let negotiated: string | undefined;
  const subscriptions = new Map<string, (frame: Frame, acknowledge: Acknowledge) => void>();
  /** Subscription ids this connection has UNSUBSCRIBEd (see isStaleSubscriptionError). */
  const ended = new Set<string>();
  const timers: ReturnType<typeof setInterval>[] = [];
  let lastActivity = 0;
  /** Receipt ids written and not yet answered, oldest first (a Set keeps insertion order). */
  const unanswered = new Set<string>();
  let code: number | undefined;
  /** Resolves `disconnect()` once the socket is gone. */
  let onGone: () => void = noop;
  const log = config.debug ? redacting(config.debug) : noop;

  const transmit = (command: string, headers: Record<string, string>, early = false, body?: string | Uint8Array): void => {
    // Connected (or CONNECT itself, sent from the open socket) implies a socket.
    if (closed || !(early || isConnected)) throw new Error('There is no underlying STOMP connection');
    const { head, data } = encodeFrame(command, headers, body, escape);
    log(`>>> ${head}`);
    socket!.send(data);
    if (headers.receipt !== undefined) unanswered.add(headers.receipt);
  };

  const finish = (fallback: SessionError): void => {
    if (closed) return;
    closed = true;
    isConnected = false;
    for (const timer of timers) clearInterval(timer);
    onGone();
    handlers.onClosed(failure ?? fallback);
  };

  const terminate = (error: SessionError): void => {
    if (closed) return;
    failure ??= error;
    if (socket) {
      // A peer that stopped answering may never finish a close handshake
      // either: stop listening and report the close now.
      socket.onmessage = socket.onopen = socket.onclose = noop;
      try {
        // `ws` in Node can drop a socket without the close handshake.
        const dying = socket as WebSocketLike & { terminate?: () => void };
        if (dying.terminate) dying.terminate();
        else dying.close();
      } catch {
        // already closing
      }
    }
    finish(error);
  };

  const receive = (frame: Frame): void => {
    log(`<<< ${frame.command}`);
    const h = frame.headers;
    switch (frame.command) {
      case 'CONNECTED': {
        isConnected = true;
        negotiated = h.version;
        escape = negotiated === '1.2';
        const beat = h['heart-beat']?.split(',').map((v) => parseInt(v, 10));
        // Heart-beats exist since STOMP 1.1.
        if (escape || negotiated === '1.1') heartbeat(beat?.[0] || 0, beat?.[1] || 0);
        return handlers.onConnected(serverInfo(h, beat));
      }
      case 'MESSAGE':
        return deliver(frame);
      case 'RECEIPT': {
        const id = h['receipt-id'];
        if (id === undefined) return;
        unanswered.delete(id);
        return id === 'disconnect' ? socket?.close() : handlers.onReceipt(id);
      }
      case 'ERROR':
        return onError(frame);
    }
  };

  /** MESSAGE (STOMP 1.2 §"MESSAGE") to its subscription, with ACK/NACK (§"ACK": 1.2 names the `ack` header, 1.1 `message-id`). */
  const deliver = (frame: Frame): void => {
    const h = frame.headers;
    const subscription = h.subscription ?? '';
    subscriptions.get(subscription)?.(frame, (command, extra = {}) => {
      const headers: Record<string, string> = { ...extra, subscription };
      if (negotiated === '1.2') headers.id = h.ack ?? '';
      else headers['message-id'] = h['message-id'] ?? '';
      transmit(command, headers);
    });
  };

  /** STOMP 1.2 §"Heart-beating": each side beats at the slower of what one offers and the other wants. */
  const heartbeat = (serverOut: number, serverIn: number): void => {
    const [out, incoming] = config.heartbeat;
    if (out && serverIn) {
      timers.push(setInterval(() => socket?.readyState === 1 && socket.send('\n'), Math.max(out, serverIn)));
    }
    if (incoming && serverOut) {
      const ttl = Math.max(incoming, serverOut);
      lastActivity = Date.now();
      timers.push(
        setInterval(() => {
          // Two periods of silence, as stompjs's default grace.
          if (Date.now() - lastActivity > 2 * ttl) terminate({ kind: 'timeout', message: 'the broker stopped sending heart-beats' });
        }, ttl),
      );
    }
  };

  const onError = (frame: Frame): void => {
    if (isStaleSubscriptionError(frame)) return;
    const info: ErrorFrameInfo = {
      message: frame.headers.message ?? '',
      body: frame.body,
      receiptId: frame.headers['receipt-id'],
    };
    failure ??= classifyError(info, isConnected);
    handlers.onErrorFrame(info);
    // The broker closes after ERROR (§"ERROR"); do not wait for it.
    terminate(failure);
  };

  /**
   * RabbitMQ 3.10 answers a MESSAGE that raced our UNSUBSCRIBE (a stream
   * reader hands out credit per chunk, so messages can be in flight) with
   * ERROR `Subscription not found` ("There is no current subscription with
   * tag 'T_<id>'.") and keeps the connection open. It is about a subscription
   * this client already ended, so it is not a failure: ending the connection
   * here would abort whatever else it carries (e.g. the next history page).
   */
  const isStaleSubscriptionError = (frame: Frame): boolean => {
    if (frame.headers.message !== 'Subscription not found') return false;
    const tag = /subscription with tag 'T_(.+)'/.exec(frame.body)?.[1];
    if (tag === undefined || !ended.has(tag)) return false;
    log(`ERROR for ended subscription ${tag} ignored`);
    return true;
  };

  return {
    get connected() {
      return isConnected && !closed;
    },
    get closeCode() {
      return code;
    },
    get oldestUnanswered() {
      return unanswered.values().next().value;
    },
    get version() {
      return negotiated;
    },
    start() {
      let opened: WebSocketLike;
      try {
        opened = socket = config.createSocket();
      } catch (error) {
        // Reported asynchronously like any other failed open.
        queueMicrotask(() => finish({ kind: 'network', message: `cannot open socket: ${String(error)}` }));
        return;
      }
      opened.binaryType = 'arraybuffer';
      const parse = createParser(
        (frame) => {
          try {
            receive(frame);
          } catch (error) {
            // The parser must go on with the rest of the payload.
            log(`frame handler threw: ${String(error)}`);
          }
        },
        () => log('<<< PONG'),
        () => escape,
      );
      opened.onmessage = (event) => {
        lastActivity = Date.now();
        parse(event.data);
      };
      opened.onclose = (event) => {
        code = event?.code;
        const detail = event?.reason ? `: ${event.reason}` : '';
        finish({ kind: 'network', message: `connection closed (code ${code ?? '?'}${detail})` });
      };
      // A failed socket also closes; the close says why.
      opened.onerror = noop;
      const [out, incoming] = config.heartbeat;
      const open = (): void =>
        transmit('CONNECT', { ...config.connectHeaders, 'accept-version': '1.2,1.1,1.0', 'heart-beat': `${out},${incoming}` }, true);
      if (opened.readyState === 1) open();
      else opened.onopen = open;
    },
    publish(destination, headers, body) {
      transmit('SEND', { ...headers, destination }, false, body);
    },
    subscribe(id, destination, headers, onMessage) {
      transmit('SUBSCRIBE', { ...headers, id, destination });
      subscriptions.set(id, onMessage);
    },
    unsubscribe(id) {
      subscriptions.delete(id);
      ended.add(id);
      transmit('UNSUBSCRIBE', { id });
    },
    transmit,
    terminate,
    async disconnect(timeoutMs) {
      if (closed) return;
      failure ??= CLOSED_BY_APP;
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        onGone = resolve;
        timer = setTimeout(resolve, timeoutMs);
        try {
          transmit('DISCONNECT', { receipt: 'disconnect' });
        } catch {
          socket?.close();
        }
      });
      clearTimeout(timer);
      if (!closed) terminate(failure);
    },
  };
}

/** Frames are logged whole; CONNECT carries secrets that must not reach logs. */
export function redacting(debug: (message: string) => void): (message: string) => void {
  return (message) => debug(message.replace(/^(passcode|authorization|(access_|x-)?token):.*$/gim, '$1:<redacted>'));
}

/** What CONNECTED says (`h`, its headers; `beat`, its `heart-beat` parsed); a header it lacks is undefined. */
function serverInfo(h: Record<string, string>, beat: number[] | undefined): ServerInfo {
  return {
    version: h.version ?? '1.0',
    server: h.server,
    session: h.session,
    userName: h['user-name'],
    heartbeat: beat?.length === 2 && beat.every(Number.isFinite) ? [beat[0]!, beat[1]!] : undefined,
  };
}
