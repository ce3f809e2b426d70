/**
 * Adapters from Node channels (a `ws` WebSocket, a SockJS connection, a TCP
 * socket) to the engine's {@link ConnectionSink}, and the wiring of incoming
 * bytes to the {@link EngineConnection} the engine returns.
 */
import { isUtf8 } from 'node:buffer';
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { Connection as SockJSConnection } from 'sockjs';
import type { BrokerEngine, ConnectionSink } from '../engine/types.js';

/**
 * A frame goes out as a text WebSocket message when it can be one: valid UTF-8
 * and no NUL before the frame's own terminator (readable in browser dev
 * tools; @stomp/stompjs decodes text and binary messages alike). Anything
 * else (binary bodies) goes out as a binary message so no byte is altered.
 */
export function isTextFrame(data: Uint8Array): boolean {
  const nul = data.indexOf(0);
  if (nul !== -1 && nul !== data.length - 1) return false;
  return isUtf8(data);
}

/**
 * Hold a socket's writes until the end of the current tick, so the frames a
 * fan-out produces for one peer in one turn leave in a single `writev`
 * instead of one syscall each (cork is counted, so inner cork/uncork pairs,
 * like `ws`'s per message, do not flush early).
 */
function corker(socket: Socket | undefined): () => void {
  if (!socket) return () => {};
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  return () => {
    if (corked) return;
    corked = true;
    socket.cork();
    process.nextTick(uncork);
  };
}

/** Bytes one connection may hand the engine per turn of the event loop before it waits for the next. */
export const FAIR_SHARE_BYTES = 64 * 1024;
/** Milliseconds of engine work one connection may cause per turn (small frames cost per frame, not per byte). */
export const FAIR_SHARE_MS = 2;
/** Received data is handed on in pieces of at most this size, so a turn can end inside a large chunk. */
export const FAIR_SLICE_BYTES = 16 * 1024;

/**
 * A fair share of the event loop per connection: once a peer has handed
 * the engine {@link FAIR_SHARE_BYTES}, or cost it {@link FAIR_SHARE_MS}, in
 * one turn, the rest of what it sent waits for the next turn and its socket
 * is paused meanwhile, so the others (and `/health`) are served in between.
 * (libuv reads a busy socket up to 32 times per wake-up, 64 KiB each: a
 * single flooding peer would otherwise hold the loop for megabytes of
 * frames.) Flow control pauses the same socket; it reads again only when
 * neither holds it. Order is kept: everything goes through one queue.
 */
export function fairShare(pause: () => void, resume: () => void, receive: (data: Uint8Array) => void) {
  let bytes = 0;
  let ms = 0;
  let turnEnds = false;
  let yielding = false;
  let held = false;
  let closed = false;
  const backlog: Uint8Array[] = [];
  const spent = () => bytes >= FAIR_SHARE_BYTES || ms >= FAIR_SHARE_MS;

  const work = () => {
    while (backlog.length > 0 && !closed) {
      if (spent()) {
        if (!yielding) {
          yielding = true;
          if (!held) pause();
        }
        return;
      }
      const data = backlog.shift()!;
      const piece = data.length > FAIR_SLICE_BYTES ? data.subarray(0, FAIR_SLICE_BYTES) : data;
      if (piece !== data) backlog.unshift(data.subarray(FAIR_SLICE_BYTES));
      if (!turnEnds) {
        turnEnds = true;
        setImmediate(endTurn);
      }
      const start = performance.now();
      receive(piece);
      ms += performance.now() - start;
      bytes += piece.length;
    }
    if (spent() && !yielding && !closed) {
      yielding = true;
      if (!held) pause();
    }
  };

  function endTurn(): void {
    turnEnds = false;
    bytes = 0;
    ms = 0;
    work();
    if (backlog.length === 0 && yielding) {
      yielding = false;
      if (!held && !closed) resume();
    }
  }

  return {
    /** Data from the peer: handed on now, or in a later turn once this one's share is spent. */
    receive(data: Uint8Array): void {
      if (closed) return;
      backlog.push(data);
      work();
    },
    /** Flow control holds the socket. */
    hold(): void {
      held = true;
      pause();
    },
    release(): void {
      held = false;
      if (!yielding) resume();
    },
    /** The connection ended: what still waits is dropped. */
    close(): void {
      closed = true;
      backlog.length = 0;
    },
  };
}

/** Serve one `ws` WebSocket with the engine. */
export function serveWebSocket(engine: BrokerEngine, ws: WebSocket, remoteAddress: string | undefined): void {
  let open = true;
  // `ws` keeps its socket on `_socket`; without it we just do not batch.
  const cork = corker((ws as unknown as { _socket?: Socket })._socket);

  const sink: ConnectionSink = {
    transport: 'websocket',
    binary: true,
    remoteAddress,
    write(data) {
      if (!open || ws.readyState !== ws.OPEN) return;
      cork();
      ws.send(data, { binary: !isTextFrame(data) });
    },
    pendingBytes: () => ws.bufferedAmount,
    pause: () => share.hold(),
    resume: () => share.release(),
    close() {
      if (!open) return;
      open = false;
      // `close` runs the closing handshake after queued messages are sent.
      ws.close(1000);
      // A peer that never answers the closing handshake must not hold the socket.
      setTimeout(() => ws.terminate(), 5_000).unref();
    },
  };
  const conn = engine.open(sink);
  // `ws` stops reading its socket while paused.
  const share = fairShare(
    () => ws.pause(),
    () => ws.resume(),
    (data) => conn.receive(data),
  );
  ws.on('message', (data, _isBinary) => share.receive(toBytes(data)));
  ws.on('close', () => {
    open = false;
    share.close();
    conn.closed('websocket closed');
  });
  ws.on('error', () => {
    // `close` follows every error; nothing else to do here.
  });
}

function toBytes(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}

/** The parts of sockjs' internal session used to measure what is queued for a slow peer. */
interface SockJSInternals {
  _session?: {
    send_buffer?: string[];
    recv?: { response?: { writableLength?: number }; connection?: { writableLength?: number } } | null;
  };
}

/** STOMP 1.2 ERROR frame for a frame that a text-only channel cannot carry. */
const TEXT_ONLY_ERROR =
  'ERROR\nmessage:Binary body on a text-only transport\ncontent-type:text/plain\n\n' +
  'A message body that is not UTF-8 cannot be carried over SockJS; use the WebSocket or TCP endpoint for binary bodies.\0';

/** Serve one SockJS connection with the engine. SockJS carries text only. */
export function serveSockJS(engine: BrokerEngine, sock: SockJSConnection): void {
  let open = true;
  const decoder = new TextDecoder();
  const internals = sock as unknown as SockJSInternals;
  const sink: ConnectionSink = {
    transport: 'sockjs',
    binary: false,
    remoteAddress: sock.remoteAddress,
    write(data) {
      if (!open) return;
      if (!isUtf8(data)) {
        // Decoding would swap bytes for U+FFFD, break `content-length` and
        // desynchronise every later frame. Say so and end the session instead.
        sock.write(TEXT_ONLY_ERROR);
        sink.close();
        return;
      }
      sock.write(decoder.decode(data));
    },
    pendingBytes() {
      // sockjs queues strings per session until a receiver (poll, stream)
      // takes them; count those plus what the receiving response still holds.
      const session = internals._session;
      let total = 0;
      for (const s of session?.send_buffer ?? []) total += s.length;
      const recv = session?.recv;
      total += recv?.response?.writableLength ?? recv?.connection?.writableLength ?? 0;
      return total;
    },
    close() {
      if (!open) return;
      open = false;
      sock.close();
    },
  };
  const conn = engine.open(sink);
  sock.on('data', (message: string) => conn.receive(message));
  sock.on('close', () => {
    open = false;
    conn.closed('sockjs closed');
  });
}

/** Serve one plain TCP socket (STOMP over TCP) with the engine. */
export function serveTcp(engine: BrokerEngine, socket: Socket, firstBytes: Buffer): void {
  let open = true;
  const cork = corker(socket);

  const sink: ConnectionSink = {
    transport: 'tcp',
    binary: true,
    remoteAddress: socket.remoteAddress,
    write(data) {
      if (!open || socket.destroyed) return;
      cork();
      socket.write(data);
    },
    pendingBytes: () => socket.writableLength,
    pause: () => share.hold(),
    resume: () => share.release(),
    close() {
      if (!open) return;
      open = false;
      socket.end();
      // A peer that never reads must not keep the socket (and its buffers) alive.
      setTimeout(() => socket.destroy(), 5_000).unref();
    },
  };
  socket.setNoDelay(true);
  const conn = engine.open(sink);
  const share = fairShare(
    () => socket.pause(),
    () => socket.resume(),
    (data) => conn.receive(data),
  );
  socket.on('data', (chunk: Buffer) => share.receive(chunk));
  socket.on('close', () => {
    open = false;
    share.close();
    conn.closed('tcp closed');
  });
  socket.on('error', () => {
    // `close` follows.
  });
  if (firstBytes.length > 0) share.receive(firstBytes);
}
