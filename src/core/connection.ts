/**
 * One STOMP connection over one socket, run by `@stomp/stompjs`'s `Client`:
 * framing, CONNECT, heart-beats (STOMP 1.2 §"Heart-beating"), SUBSCRIBE,
 * MESSAGE, ACK/NACK, RECEIPT, ERROR and DISCONNECT are the library's. The
 * Client lives for one connection only (`reconnectDelay: 0`): reconnecting,
 * transport fallback, the outbox and subscriptions belong to the session,
 * which makes a new connection for each attempt.
 */
import { Client, FrameImpl, type IFrame, type IMessage, type StompConfig, type TickerStrategy } from '@stomp/stompjs';
import type { ServerInfo, SessionError, StompjsOptions, WebSocketLike } from './types.js';

/** A received frame (stompjs's `IFrame`): the body is decoded as UTF-8 when first read. */
export type Frame = Pick<IFrame, 'command' | 'headers' | 'body' | 'binaryBody'>;

/** Sends ACK or NACK for a delivered MESSAGE, with extra headers (e.g. `transaction`). */
export type Acknowledge = (command: 'ACK' | 'NACK', headers?: Record<string, string>) => void;

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

export interface ConnectionConfig extends StompjsOptions {
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
  // A broker's own failure (e.g. an auth service that threw) is worth retrying, whatever its text says.
  const kind = !connected && !/internal error/i.test(info.message) && AUTH_ERROR.test(`${info.message}\n${info.body}`) ? 'auth' : 'protocol';
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
  /** SEND; a string body goes as text, bytes as a binary frame. Throws when not connected or a header cannot be framed. */
  publish(destination: string, headers: Record<string, string>, body: string | Uint8Array): void;
  /** `onMessage` gets each MESSAGE of subscription `id` and how to ACK/NACK it. */
  subscribe(id: string, destination: string, headers: Record<string, string>, onMessage: (frame: Frame, acknowledge: Acknowledge) => void): void;
  unsubscribe(id: string): void;
  /** Writes BEGIN, COMMIT or ABORT (with a `receipt`, which stompjs's own methods cannot carry); throws when not connected. */
  transmit(command: 'BEGIN' | 'COMMIT' | 'ABORT', headers: Record<string, string>): void;
  /** Drops the socket at once (connect timeout, ERROR, silent peer); `onClosed` gets `error`. */
  terminate(error: SessionError): void;
  /**
   * Graceful end: DISCONNECT with a receipt (STOMP 1.2 §"DISCONNECT"), then
   * the socket closes; after `timeoutMs` without the receipt it is dropped.
   */
  disconnect(timeoutMs: number): Promise<void>;
}

/**
 * Whether a blob Worker runs here (absent in Node; a CSP may refuse it by
 * throwing or, per spec, by an error event later): stompjs's worker ticker
 * needs one. Proven by a message from a probe worker; until then, and if it
 * fails, heart-beats use intervals.
 */
let workerTicks: boolean | undefined;
function canTickInWorker(): boolean {
  if (workerTicks === undefined && typeof Worker === 'function') {
    workerTicks = false;
    try {
      const url = URL.createObjectURL(new Blob(['postMessage(1)'], { type: 'text/javascript' }));
      const probe = new Worker(url);
      probe.onmessage = probe.onerror = (event: Event) => {
        workerTicks = event.type === 'message';
        probe.terminate();
        URL.revokeObjectURL(url);
      };
    } catch {
      // refused outright
    }
  }
  return !!workerTicks;
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
  /** stompjs took the socket (from then on it closes it). */
  let taken = false;
  /** We are dropping the socket: the close stompjs reports then is ours, not the peer's. */
  let dropping = false;
  /** Subscription ids this connection has UNSUBSCRIBEd (see isStaleSubscriptionError). */
  const ended = new Set<string>();
  /** Receipt ids written and not yet answered, oldest first (a Set keeps insertion order). */
  const unanswered = new Set<string>();
  let code: number | undefined;
  const log = config.debug ? redacting(config.debug) : noop;
  const [outgoing, incoming] = config.heartbeat;
  const strategy = config.heartbeatStrategy ?? (canTickInWorker() ? 'worker' : 'interval');

  const finish = (fallback: SessionError): void => {
    if (closed) return;
    closed = true;
    isConnected = false;
    handlers.onClosed(failure ?? fallback);
  };

  // stompjs's own options (StompjsOptions) pass under their names; it has no use for the
  // session's others. Only those given: an undefined would replace a stompjs default.
  const client = new Client({
    ...(Object.fromEntries(Object.entries(config).filter(([, value]) => value !== undefined)) as StompConfig),
    webSocketFactory: () => ((taken = true), socket),
    connectHeaders: config.connectHeaders,
    heartbeatOutgoing: outgoing,
    heartbeatIncoming: incoming,
    heartbeatStrategy: strategy as TickerStrategy,
    // A silent peer will not finish a close handshake either.
    discardWebsocketOnCommFailure: true,
    reconnectDelay: 0,
    debug: log,
    onConnect: (frame) => {
      if (closed) return;
      isConnected = true;
      handlers.onConnected(serverInfo(frame.headers));
    },
    onUnhandledReceipt: (frame) => {
      const id = frame.headers['receipt-id'];
      if (closed) return;
      if (id === undefined) return;
      unanswered.delete(id);
      handlers.onReceipt(id);
    },
    onStompError: (frame) => {
      if (!closed) onError(frame);
    },
    onHeartbeatLost: () => {
      failure ??= { kind: 'timeout', message: 'the broker stopped sending heart-beats' };
    },
    onWebSocketClose: (event: { code?: number; reason?: string }) => {
      if (!dropping) code = event?.code;
      const detail = event?.reason ? `: ${event.reason}` : '';
      finish({ kind: 'network', message: `connection closed (code ${code ?? '?'}${detail})` });
    },
  } satisfies StompConfig);

  /** CONNECTED, not closed, and stompjs has not ended it (after a DISCONNECT receipt it has, before the socket closes). */
  const live = (): boolean => isConnected && !closed && client.connected;
  const requireConnected = (): void => {
    if (!live()) throw new Error('There is no underlying STOMP connection');
  };

  /**
   * Header lines that would break the frame are refused before anything is
   * written. stompjs escapes values on STOMP 1.2 only (§"Value Encoding") and
   * never names: a name with `:` or a line break, or a value with a line
   * break before 1.2, would add or redirect headers.
   */
  const check = (headers: Record<string, string>): Record<string, string> => {
    const version = client.connectedVersion;
    // Names were checked when the send or subscription was made (checkHeaders).
    for (const [name, value] of Object.entries(headers)) {
      // NUL ends a frame; 1.2 escapes line breaks and backslashes; 1.1 decodes escapes but stompjs writes none; 1.0 has none.
      if (/\0/.test(value) || (version !== '1.2' && /[\r\n]/.test(value)) || (version === '1.1' && value.includes('\\'))) {
        throw new TypeError(`header "${name}": its value cannot be carried by STOMP ${version} (NUL, line break or backslash)`);
      }
    }
    return headers;
  };

  /** Writes with `write` and then remembers the receipt asked for (a frame that was not written is not waited on). */
  const tracked = (headers: Record<string, string>, write: () => void): void => {
    write();
    if (headers.receipt !== undefined) unanswered.add(headers.receipt);
  };

  const onError = (frame: IFrame): void => {
    if (isStaleSubscriptionError(frame)) return;
    const info: ErrorFrameInfo = {
      message: frame.headers.message ?? '',
      body: frame.body,
      receiptId: frame.headers['receipt-id'],
    };
    if (info.receiptId !== undefined) unanswered.delete(info.receiptId);
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
  const isStaleSubscriptionError = (frame: IFrame): boolean => {
    if (frame.headers.message !== 'Subscription not found') return false;
    const tag = /subscription with tag 'T_(.+)'/.exec(frame.body)?.[1];
    if (tag === undefined || !ended.has(tag)) return false;
    log(`ERROR for ended ${tag} ignored`);
    return true;
  };

  const terminate = (error: SessionError): void => {
    if (closed) return;
    failure ??= error;
    // stompjs discards the socket it took without waiting for a close
    // handshake (and stops its heart-beat timers); one it never took (closed
    // before its first microtask) is closed here.
    dropping = true;
    void client.deactivate({ force: true });
    if (!taken) {
      try {
        socket?.close();
      } catch {
        // already closing
      }
    }
    finish(error);
  };

  return {
    get connected() {
      return live();
    },
    get closeCode() {
      return code;
    },
    get oldestUnanswered() {
      return unanswered.values().next().value;
    },
    get version() {
      return client.connectedVersion;
    },
    start() {
      try {
        socket = config.createSocket();
      } catch (error) {
        // Reported asynchronously like any other failed open.
        queueMicrotask(() => finish({ kind: 'network', message: `cannot open socket: ${String(error)}` }));
        return;
      }
      client.activate();
    },
    publish(destination, headers, body) {
      requireConnected();
      const all = check({ ...headers, destination });
      tracked(all, () => client.publish(typeof body === 'string' ? { destination, headers: all, body } : { destination, headers: all, binaryBody: body }));
    },
    subscribe(id, destination, headers, onMessage) {
      requireConnected();
      const all = check({ ...headers, id, destination });
      delete all.destination;
      tracked(all, () =>
        client.subscribe(
          destination,
          (message: IMessage) => {
            if (!closed) onMessage(message, (command, extra = {}) => (command === 'ACK' ? message.ack(extra) : message.nack(extra)));
          },
          all,
        ),
      );
    },
    unsubscribe(id) {
      requireConnected();
      ended.add(id);
      client.unsubscribe(id);
    },
    transmit(command, headers) {
      requireConnected();
      const escapeHeaderValues = client.connectedVersion === '1.2';
      const data = new FrameImpl({ command, headers: check(headers), escapeHeaderValues }).serialize();
      log(`>>> ${command}`);
      tracked(headers, () => socket!.send(config.forceBinaryWSFrames && typeof data === 'string' ? new TextEncoder().encode(data) : data));
    },
    terminate,
    async disconnect(timeoutMs) {
      if (closed) return;
      failure ??= CLOSED_BY_APP;
      let timer: ReturnType<typeof setTimeout> | undefined;
      // stompjs sends DISCONNECT with a receipt and closes the socket on it.
      await Promise.race([client.deactivate(), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
      clearTimeout(timer);
      terminate(failure);
    },
  };
}

/** Frames are logged whole; CONNECT carries secrets that must not reach logs. */
export function redacting(debug: (message: string) => void): (message: string) => void {
  return (message) => debug(message.replace(/^(passcode|authorization|(access_|x-)?token):.*$/gim, '$1:<redacted>'));
}

/** What CONNECTED says; a header it lacks is undefined. */
function serverInfo(h: Record<string, string>): ServerInfo {
  const beat = h['heart-beat']?.split(',').map((v) => parseInt(v, 10));
  return {
    version: h.version ?? '1.0',
    server: h.server,
    session: h.session,
    userName: h['user-name'],
    heartbeat: beat?.length === 2 && beat.every(Number.isFinite) ? [beat[0]!, beat[1]!] : undefined,
  };
}

/**
 * Refuses a header name that would break a frame: `:` or a line break would
 * add or redirect header lines, NUL would end the frame, and stompjs does not
 * escape names, so a backslash reaches the broker as a bad escape.
 */
export function checkHeaderName(name: string): void {
  if (!name || /[:\r\n\0\\]/.test(name)) throw new TypeError(`header name ${JSON.stringify(name)} cannot be sent in a STOMP frame`);
}
