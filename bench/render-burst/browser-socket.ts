/**
 * Delivery as a browser talking to RabbitMQ sees it: one STOMP frame per
 * WebSocket message (RabbitMQ Web-STOMP sends one frame per message), each
 * message its own task. Node and the in-memory transport may hand over a
 * whole burst in one chunk inside one task, which would let React batch the
 * baseline's per-message setState for free and flatter it. Both apps in the
 * bench get this same wrapper.
 */
import type { WebSocketLike } from '../../src/core/types';

type Data = string | ArrayBuffer;

/** Splits a chunk after every NUL (the STOMP frame terminator, STOMP 1.2 "Frames"). */
function frames(data: Data): Data[] {
  if (typeof data === 'string') {
    const parts = data.split('\0');
    const out = parts.slice(0, -1).map((p) => `${p}\0`);
    if (parts[parts.length - 1]) out.push(parts[parts.length - 1]);
    return out;
  }
  const bytes = new Uint8Array(data);
  const out: Data[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0) {
      out.push(bytes.slice(start, i + 1).buffer);
      start = i + 1;
    }
  }
  if (start < bytes.length) out.push(bytes.slice(start).buffer);
  return out;
}

export function browserLikeSocket(inner: WebSocketLike): WebSocketLike {
  const queue: (() => void)[] = [];
  let pumping = false;
  // One event per macrotask, the next scheduled only after the previous ran, so
  // whatever React schedules in between (its own task) runs before the next event.
  const pump = () => {
    const next = queue.shift();
    if (!next) {
      pumping = false;
      return;
    }
    next();
    setImmediate(pump);
  };
  const enqueue = (fn: () => void) => {
    queue.push(fn);
    if (!pumping) {
      pumping = true;
      setImmediate(pump);
    }
  };
  const outer: WebSocketLike = {
    get url() {
      return inner.url;
    },
    get readyState() {
      return inner.readyState;
    },
    get binaryType() {
      return inner.binaryType;
    },
    set binaryType(value: string) {
      inner.binaryType = value;
    },
    onopen: null,
    onclose: null,
    onerror: null,
    onmessage: null,
    send: (data) => inner.send(data),
    close: (code, reason) => inner.close(code, reason),
  };
  inner.onopen = (event) => enqueue(() => outer.onopen?.(event));
  inner.onmessage = (event) => {
    for (const data of frames(event.data)) enqueue(() => outer.onmessage?.({ data }));
  };
  inner.onerror = (event) => enqueue(() => outer.onerror?.(event));
  inner.onclose = (event) => enqueue(() => outer.onclose?.(event));
  return outer;
}
