/**
 * The room directory service: the one principal that declares public room
 * streams. It follows the directory stream (`/queue/chat.rooms`); for each
 * valid `room.created` it declares the room's stream (a SUBSCRIBE with the
 * stream declaration, confirmed by its RECEIPT, then UNSUBSCRIBE) and then
 * writes `room.ready`. Chat clients configured with its login
 * (`ChatClientOptions.directory`) read and write a room only after that.
 *
 * It speaks plain STOMP over WebSocket, so the same service runs inside the
 * dev broker (`--room-directory`) and beside RabbitMQ (`stompkit-directory`).
 * Work is idempotent: on every (re)connect it reads the directory from its
 * first offset, and declares what has no `room.ready` of its own once the
 * replay has gone quiet.
 */
import { Client, type IFrame, type IMessage, type StompSubscription } from '@stomp/stompjs';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { DIRECTORY_DESTINATION, ROOM_PREFIX, STREAM_DECLARATION, USER_ID_HEADER, type RoomReadyEvent } from '../chat/protocol.js';
import { toDirectoryEvent } from '../chat/validate.js';

/** The login chat clients expect the service under unless told otherwise. */
export const DEFAULT_DIRECTORY_LOGIN = 'directory';

export interface RoomDirectoryOptions {
  /**
   * The broker's WebSocket URL (RabbitMQ Web-STOMP: `ws://host:15674/ws`), or
   * a cluster's URLs: each connection attempt takes the next one.
   */
  url: string | readonly string[];
  login?: string;
  passcode: string;
  /** STOMP `host` (RabbitMQ's virtual host). */
  host?: string;
  /** Instead of a `ws` socket to `url` (an in-process transport, a proxy). */
  webSocketFactory?: () => unknown;
  /** Ms between reconnect attempts. Default 1 000. */
  reconnectDelay?: number;
  /**
   * Heart-beat period asked each way, ms (STOMP 1.2 §"Heart-beating"): a
   * link that goes silent without closing is dropped after about two, and a
   * connection attempt that gets no answer within two (at least 10 s) is
   * given up. Default 10 000.
   */
  heartbeat?: number;
  /** Ms of directory silence after which the replay counts as read. Default 250. */
  settleMs?: number;
  /** Diagnostics (rooms declared, refusals). */
  log?: (line: string) => void;
}

export interface RoomDirectory {
  /**
   * Resolves once the service is connected and the directory stream exists:
   * chat clients may start (before it, their reads of the directory would
   * be refused and their room requests dropped).
   */
  readonly started: Promise<void>;
  /** Rooms declared and announced as ready, in order. */
  readonly ready: ReadonlySet<string>;
  /** Rooms whose declaration the broker refused (logged; not retried until restart). */
  readonly refused: ReadonlyMap<string, string>;
  /** Resolves when the room is ready (for tests and scripts that create rooms). */
  whenReady(roomId: string): Promise<void>;
  stop(): Promise<void>;
}

/** STOMP sub-protocols of a WebSocket connection (STOMP 1.2 over WebSocket). */
const STOMP_PROTOCOLS = ['v12.stomp', 'v11.stomp', 'v10.stomp'];

/** Start the service; it connects, and reconnects, until `stop()`. */
export function startRoomDirectory(options: RoomDirectoryOptions): RoomDirectory {
  const login = options.login ?? DEFAULT_DIRECTORY_LOGIN;
  const log = options.log ?? (() => undefined);
  const settleMs = options.settleMs ?? 250;
  const heartbeat = options.heartbeat ?? 10_000;
  const ready = new Set<string>();
  const refused = new Map<string, string>();
  const waiters = new Map<string, Array<() => void>>();
  /** Rooms created and not yet ready, in creation order (this connection's view). */
  let pending: string[] = [];
  /** The room being declared, or null. */
  let declaring: string | null = null;
  let settleTimer: ReturnType<typeof setTimeout> | undefined;
  let generation = 0;
  let markStarted!: () => void;
  const started = new Promise<void>((resolve) => (markStarted = resolve));

  const urls = typeof options.url === 'string' ? [options.url] : [...options.url];
  if (urls.length === 0) throw new TypeError('room directory: give at least one broker URL');
  let attempt = 0;
  const client = new Client({
    webSocketFactory: options.webSocketFactory ?? (() => new WebSocket(urls[attempt++ % urls.length]!, STOMP_PROTOCOLS)),
    connectHeaders: { login, passcode: options.passcode, ...(options.host !== undefined && { host: options.host }) },
    reconnectDelay: options.reconnectDelay ?? 1000,
    heartbeatIncoming: heartbeat,
    heartbeatOutgoing: heartbeat,
    // A silent link never completes a WebSocket close handshake (`ws` waits 30 s): drop it at once.
    discardWebsocketOnCommFailure: true,
    // Without it, an attempt through a path that swallows everything waits forever;
    // never so short that a slow broker's TLS and login cannot finish.
    connectionTimeout: Math.max(2 * heartbeat, 10_000),
  });

  const markReady = (roomId: string): void => {
    if (ready.has(roomId)) return;
    ready.add(roomId);
    for (const wake of waiters.get(roomId) ?? []) wake();
    waiters.delete(roomId);
  };

  const settleLater = (): void => {
    clearTimeout(settleTimer);
    settleTimer = setTimeout(next, settleMs);
  };

  /** Declare the next created room, then announce it. One at a time, in creation order. */
  function next(): void {
    if (declaring !== null || !client.connected) return;
    pending = pending.filter((roomId) => !ready.has(roomId) && !refused.has(roomId));
    const roomId = pending.shift();
    if (roomId === undefined) return;
    declaring = roomId;
    const mine = generation;
    const destination = ROOM_PREFIX + roomId;
    const declared = randomUUID();
    let subscription: StompSubscription | null = null;
    client.watchForReceipt(declared, () => {
      if (mine !== generation) return;
      subscription?.unsubscribe();
      const event: RoomReadyEvent = { id: randomUUID(), type: 'room.ready', roomId, ts: Date.now() };
      const announced = randomUUID();
      client.watchForReceipt(announced, () => {
        if (mine !== generation) return;
        declaring = null;
        log(`room ${roomId}: stream declared, ready`);
        markReady(roomId);
        next();
      });
      client.publish({
        destination: DIRECTORY_DESTINATION,
        body: JSON.stringify(event),
        headers: { ...STREAM_DECLARATION, 'content-type': 'application/json', [USER_ID_HEADER]: login, receipt: announced },
      });
    });
    // A stream subscription declares the stream (STOMP `/queue/` semantics on both brokers); nothing is read.
    subscription = client.subscribe(destination, () => undefined, {
      ...STREAM_DECLARATION,
      ack: 'client',
      'prefetch-count': '1',
      'x-stream-offset': 'next',
      receipt: declared,
    });
  }

  const onDirectoryMessage = (message: IMessage): void => {
    message.ack();
    settleLater();
    let event;
    try {
      event = toDirectoryEvent(JSON.parse(message.body) as unknown);
    } catch {
      return; // Clients drop invalid events too; nothing to declare.
    }
    const author = message.headers[USER_ID_HEADER];
    if (event.type === 'room.ready' && author === login) markReady(event.roomId);
    else if (event.type === 'room.created' && !event.roomId.startsWith('dm.') && !ready.has(event.roomId) && !pending.includes(event.roomId)) {
      pending.push(event.roomId);
    }
  };

  client.onConnect = () => {
    // Stay on this node until it fails.
    attempt = Math.max(0, attempt - 1);
    generation += 1;
    pending = [];
    declaring = null;
    const declared = randomUUID();
    client.watchForReceipt(declared, markStarted);
    client.subscribe(DIRECTORY_DESTINATION, onDirectoryMessage, {
      ...STREAM_DECLARATION,
      ack: 'client',
      'prefetch-count': '200',
      'x-stream-offset': 'first',
      receipt: declared,
    });
    // An empty directory sends nothing: settle anyway.
    settleLater();
  };
  client.onStompError = (frame: IFrame) => {
    const reason = `${frame.headers.message ?? 'ERROR'}${frame.body ? `: ${frame.body.trim()}` : ''}`;
    if (declaring !== null) {
      // The broker would refuse it again on every reconnect: leave the room out until restart.
      refused.set(declaring, reason);
      log(`room ${declaring}: declaring its stream was refused (${reason}); it stays unavailable`);
    } else log(`broker error: ${reason}`);
  };
  let stopping = false;
  client.onWebSocketClose = (event: { code?: number; reason?: string }) => {
    clearTimeout(settleTimer);
    declaring = null;
    if (!stopping) log(`connection closed (${event.code ?? '?'}${event.reason ? ` ${event.reason}` : ''}); reconnecting`);
  };
  client.activate();

  return {
    started,
    ready,
    refused,
    whenReady(roomId) {
      if (ready.has(roomId)) return Promise.resolve();
      return new Promise((resolve) => {
        const list = waiters.get(roomId) ?? [];
        list.push(resolve);
        waiters.set(roomId, list);
      });
    },
    async stop() {
      stopping = true;
      clearTimeout(settleTimer);
      await client.deactivate();
    },
  };
}
