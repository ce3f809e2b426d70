/**
 * Client frames (STOMP 1.2 §"Client Frames"): what each command does to the
 * router, the subscriptions and the transactions of one connection.
 *
 * RabbitMQ 3.10.8 findings on `/temp-queue/` mirrored here (raw STOMP):
 * - A SEND with `reply-to:/temp-queue/foo` (to any destination) creates a
 *   private queue `amq.gen-<22 base64url chars>` for the sending connection
 *   and the receiver sees `reply-to:/reply-queue/amq.gen-…`. Later SENDs
 *   with the same `/temp-queue/foo` reuse that queue; another name gets
 *   another queue.
 * - Replies sent to that `/reply-queue/` reach the requester without any
 *   SUBSCRIBE: MESSAGE `subscription:/temp-queue/foo`,
 *   `destination:/queue/amq.gen-…`, `message-id:T_/temp-queue/foo@@<session>@@<n>`,
 *   no `ack` header (auto ack). The queue goes with the connection; a reply
 *   sent after that is dropped silently (RECEIPT, no ERROR).
 * - SUBSCRIBE or SEND to `/temp-queue/foo` itself: ERROR `Invalid
 *   destination`, "'/temp-queue/foo' is not a valid destination for
 *   'SUBSCRIBE'" (or 'SEND'). `reply-to:/temp-queue/` (no name): ERROR
 *   `Processing error`. Other `reply-to` values pass through unchanged.
 */
import type { AuthResult, DestinationAction } from './types.js';
import { type Frame, StompError } from './frame.js';
import type { AckMode } from './message.js';
import { type Target, canonicalDestination, invalidDestination, resolveDestination } from './destination.js';
import { parseOffsetSpec } from './stream-args.js';
import { Subscription, parseAckTag } from './subscription.js';
import type { Connection } from './connection.js';
import { TopicQueue } from './topic-queue.js';

const ACK_MODES: readonly string[] = ['auto', 'client', 'client-individual'];

/** Headers of a SEND that are about the frame, not the message. */
const FRAME_ONLY = new Set(['destination', 'transaction', 'content-length']);

function required(frame: Frame, name: string): string {
  const value = frame.headers[name];
  if (value === undefined || value === '') {
    if (name === 'destination') {
      throw new StompError('Missing destination', `"${frame.command}" must include a 'destination' header`);
    }
    throw new StompError('Missing header', `"${frame.command}" must include a '${name}' header`);
  }
  return value;
}

const isPromise = <T>(v: T | Promise<T>): v is Promise<T> =>
  typeof (v as { then?: unknown } | null)?.then === 'function';

export class Commands {
  /** Authorization answers per action+destination, so hot paths skip the hook. */
  private readonly allowed = new Map<string, boolean>();
  /** `/temp-queue/<name>` → this connection's private queue and its implicit subscription. */
  private readonly temps = new Map<string, { queue: string; sub: Subscription }>();

  constructor(private readonly conn: Connection) {}

  handle(frame: Frame): Promise<void> | void {
    const conn = this.conn;
    if (frame.command === 'CONNECT' || frame.command === 'STOMP') {
      if (conn.connected) throw new StompError('Bad command', 'Already connected');
      return this.connect(frame);
    }
    if (!conn.connected) {
      if (frame.command === 'SEND' || frame.command === 'SUBSCRIBE' || frame.command === 'DISCONNECT') {
        throw new StompError('Not connected', `"${frame.command}" before CONNECT`);
      }
      throw new StompError('Bad command', `Could not interpret command "${frame.command}"`);
    }
    switch (frame.command) {
      case 'SEND':
        return this.send(frame);
      case 'SUBSCRIBE':
        return this.subscribe(frame);
      case 'UNSUBSCRIBE':
        return this.unsubscribe(frame);
      case 'ACK':
      case 'NACK':
        return this.ack(frame);
      case 'BEGIN':
        conn.transactions.begin(required(frame, 'transaction'));
        return conn.receipt(frame.headers['receipt']);
      case 'COMMIT':
        return conn.receipt(frame.headers['receipt'], conn.transactions.commit(required(frame, 'transaction')));
      case 'ABORT':
        conn.transactions.abort(required(frame, 'transaction'));
        return conn.receipt(frame.headers['receipt']);
      case 'DISCONNECT':
        return conn.disconnect(frame.headers['receipt']);
      default:
        throw new StompError('Bad command', `Could not interpret command "${frame.command}"`);
    }
  }

  /** Give a closed subscription's unacked messages back and unbind it. */
  detach(sub: Subscription): void {
    if (sub.target.kind === 'topic') this.conn.ctx.router.topics.unbind(sub.target.key, sub.feeder ?? sub);
    const unacked = sub.takeAll();
    sub.source?.detach(sub, unacked);
  }

  private slow(): void {
    const limit = this.conn.ctx.limits.maxPendingBytes;
    this.conn.fail(new StompError('Slow consumer', `More than ${limit} unacknowledged bytes are held for this client; closing`), undefined);
  }

  private connect(frame: Frame): Promise<void> | void {
    const conn = this.conn;
    conn.markConnecting();
    const login = frame.headers['login'];
    const hook = conn.ctx.options.authenticate;
    if (!hook) return conn.accept(frame, login);
    const address = conn.sink.remoteAddress;
    const { throttle, clock } = conn.ctx;
    const check = (): Promise<void> | void => {
      const result = hook(login, frame.headers['passcode'], { transport: conn.sink.transport, remoteAddress: address, headers: frame.headers });
      const done = (r: AuthResult): void => {
        if (!r.ok) {
          throttle.failed(login, address);
          throw new StompError('Bad CONNECT', r.message || `Access refused for user '${login ?? ''}'`);
        }
        throttle.succeeded(login);
        conn.accept(frame, r.user);
      };
      return isPromise(result) ? result.then(done) : done(result);
    };
    // Recent failures for this login or address space checks out (login-throttle.ts).
    const wait = throttle.reserve(login, address);
    if (wait <= 0) return check();
    return new Promise<void>((resolve) => clock.setTimeout(resolve, wait)).then(check);
  }

  /** Run `then` once `destination` is allowed for `action`; ERROR `access_refused` otherwise. */
  private authorized(action: DestinationAction, destination: string, then: () => void): Promise<void> | void {
    const hook = this.conn.ctx.options.authorize;
    const user = this.conn.user;
    if (!hook) return then();
    const key = `${action} ${destination}`;
    const refuse = (): never => {
      throw new StompError(
        'access_refused',
        `ACCESS_REFUSED - ${action} access to '${destination}' refused for user '${user ?? ''}'`,
      );
    };
    const cached = this.allowed.get(key);
    if (cached !== undefined) return cached ? then() : refuse();
    const answer = hook(user ?? '', action, destination);
    const decide = (ok: boolean): void => {
      this.allowed.set(key, ok);
      if (!ok) refuse();
      then();
    };
    return isPromise(answer) ? answer.then(decide) : decide(answer);
  }

  private send(frame: Frame): Promise<void> | void {
    const conn = this.conn;
    const destination = required(frame, 'destination');
    const target = resolveDestination(destination);
    if (target.kind === 'temp') throw invalidDestination(destination, 'SEND');
    const claimed = frame.headers['user-id'];
    if (claimed !== undefined && claimed !== conn.user) {
      throw new StompError(
        'precondition_failed',
        `PRECONDITION_FAILED - user_id property set to '${claimed}' but authenticated user was '${conn.user ?? ''}'`,
      );
    }
    const tx = frame.headers['transaction'];
    if (tx !== undefined) conn.transactions.check(tx);
    const headers: Record<string, string> = {};
    for (const name in frame.headers) if (!FRAME_ONLY.has(name)) headers[name] = frame.headers[name];
    // Receivers can trust `user-id` because the broker stamps it. (RabbitMQ only checks
    // a `user-id` the sender set and passes it on; it adds none, so portable senders set it.)
    if (conn.user !== undefined) headers['user-id'] = conn.user;
    const canonical = canonicalDestination(target, destination);
    return this.authorized('send', canonical, () => this.declaring(target, canonical, () => {
      const replyTo = headers['reply-to'];
      if (replyTo !== undefined && replyTo.startsWith('/temp-queue/')) {
        headers['reply-to'] = `/reply-queue/${this.tempQueue(replyTo)}`;
      }
      const publish = this.publisher(target, frame, headers);
      if (tx !== undefined) {
        conn.transactions.add(tx, publish);
        conn.receipt(frame.headers['receipt']);
      } else {
        conn.receipt(frame.headers['receipt'], publish());
      }
    }));
  }

  /** Run `then`, first asking for `configure` when `target` names a queue that does not exist yet. */
  private declaring(target: Target, canonical: string, then: () => void): Promise<void> | void {
    if (target.kind !== 'queue' || this.conn.ctx.router.find(target.name)) return then();
    return this.authorized('configure', canonical, then);
  }

  /** Validate now (declaration), publish later (now or at COMMIT). */
  private publisher(
    target: Exclude<Target, { kind: 'temp' }>,
    frame: Frame,
    headers: Record<string, string>,
  ): () => Promise<void> | undefined {
    const { router, clock } = this.conn.ctx;
    if (target.kind === 'topic') {
      return () => {
        router.publishToTopic(target.key, headers, frame.body, clock.now());
        return undefined;
      };
    }
    if (target.kind === 'existing') {
      // Looked up when published (at COMMIT in a transaction); a missing queue drops the message.
      return () => {
        const queue = router.find(target.name);
        return queue && router.publishToQueue(queue, headers, frame.body, clock.now());
      };
    }
    const queue = router.declare(target.name, frame.headers);
    return () => router.publishToQueue(queue, headers, frame.body, clock.now());
  }

  /** The queue behind this connection's `reply-to:/temp-queue/<name>`, created with its subscription on first use. */
  private tempQueue(replyTo: string): string {
    const conn = this.conn;
    if (replyTo.length === '/temp-queue/'.length) {
      throw new StompError('Processing error', `Processing error - invalid reply-to "${replyTo}"`);
    }
    const known = this.temps.get(replyTo);
    // Still ours unless the client UNSUBSCRIBEd `/temp-queue/<name>` (that deletes the queue).
    if (known && conn.subscriptions.get(replyTo) === known.sub) return known.queue;
    if (conn.subscriptions.has(replyTo)) {
      throw new StompError('Duplicated subscription identifier', `A subscription identified by 'T_${replyTo}' already exists.`);
    }
    if (conn.subscriptions.size >= conn.ctx.limits.maxSubscriptionsPerConnection) {
      throw new StompError(
        'Too many subscriptions',
        `A connection may hold at most ${conn.ctx.limits.maxSubscriptionsPerConnection} subscriptions (temp queues included)`,
      );
    }
    const queue = conn.ctx.router.createTemp(conn);
    const name = queue.declaration.name;
    const sub = new Subscription(conn, replyTo, replyTo, { kind: 'existing', name }, 'auto', 0);
    sub.source = queue;
    conn.subscriptions.set(replyTo, sub);
    this.temps.set(replyTo, { queue: name, sub });
    queue.subscribe(sub);
    return name;
  }

  private subscribe(frame: Frame): Promise<void> | void {
    const conn = this.conn;
    const destination = required(frame, 'destination');
    // STOMP 1.0 makes `id` optional; RabbitMQ then uses the destination.
    const id = conn.version === '1.0' ? (frame.headers['id'] ?? destination) : required(frame, 'id');
    if (conn.subscriptions.has(id)) {
      throw new StompError('Duplicated subscription identifier', `A subscription identified by 'T_${id}' already exists.`);
    }
    if (conn.subscriptions.size >= conn.ctx.limits.maxSubscriptionsPerConnection) {
      throw new StompError(
        'Too many subscriptions',
        `A connection may hold at most ${conn.ctx.limits.maxSubscriptionsPerConnection} subscriptions`,
      );
    }
    const ack = frame.headers['ack'] ?? 'auto';
    if (!ACK_MODES.includes(ack)) throw new StompError('Bad ack mode', `Invalid ack header "${ack}"`);
    const prefetchHeader = frame.headers['prefetch-count'];
    if (prefetchHeader !== undefined && !/^\d+$/.test(prefetchHeader)) {
      throw new StompError('Bad prefetch-count', `Invalid prefetch-count "${prefetchHeader}"`);
    }
    const prefetch = prefetchHeader === undefined ? 0 : Number(prefetchHeader);
    const target = resolveDestination(destination);
    if (target.kind === 'temp') throw invalidDestination(destination, 'SUBSCRIBE');
    const canonical = canonicalDestination(target, destination);
    return this.authorized('subscribe', canonical, () => this.declaring(target, canonical, () => {
      const sub = new Subscription(conn, id, destination, target, ack as AckMode, prefetch);
      const router = conn.ctx.router;
      if (target.kind === 'topic' && ack === 'auto') {
        conn.subscriptions.set(id, sub);
        router.topics.bind(target.key, sub);
        conn.receipt(frame.headers['receipt']);
        return;
      }
      if (target.kind === 'topic') {
        const held = new TopicQueue(sub, conn.ctx.limits.maxPendingBytes, () => this.slow(), conn.ctx.options.log);
        sub.feeder = held;
        sub.source = held.queue;
        conn.subscriptions.set(id, sub);
        router.topics.bind(target.key, held);
        conn.receipt(frame.headers['receipt']);
        held.queue.subscribe(sub);
        return;
      }
      const queue = target.kind === 'queue' ? router.declare(target.name, frame.headers) : router.existing(target.name, conn);
      if (queue.kind === 'stream') {
        const name = queue.declaration.name;
        if (prefetch === 0) {
          throw new StompError(
            'precondition_failed',
            `PRECONDITION_FAILED - consumer prefetch count is not set for 'queue '${name}' in vhost '/''`,
          );
        }
        if (ack === 'auto') {
          throw new StompError(
            'Processing error',
            `automatic acknowledgement not supported by stream queues queue '${name}' in vhost '/'`,
          );
        }
        const spec = parseOffsetSpec(frame.headers['x-stream-offset']);
        conn.subscriptions.set(id, sub);
        sub.source = queue;
        // RabbitMQ finding: the RECEIPT of a SUBSCRIBE comes before its first MESSAGE.
        conn.receipt(frame.headers['receipt']);
        queue.subscribe(sub, spec);
        return;
      }
      conn.subscriptions.set(id, sub);
      sub.source = queue;
      conn.receipt(frame.headers['receipt']);
      queue.subscribe(sub);
    }));
  }

  private unsubscribe(frame: Frame): void {
    const conn = this.conn;
    const id =
      conn.version === '1.0' ? (frame.headers['id'] ?? required(frame, 'destination')) : required(frame, 'id');
    const sub = conn.subscriptions.get(id);
    if (!sub) {
      throw new StompError(
        'No subscription found',
        `UNSUBSCRIBE must refer to an existing subscription.\nSubscription to "id='${id}'" not found.\n`,
      );
    }
    conn.subscriptions.delete(id);
    this.detach(sub);
    conn.receipt(frame.headers['receipt']);
  }

  /** ACK/NACK (STOMP 1.2 §"ACK": `id`; 1.1: `message-id` + `subscription`; 1.0: `message-id`). */
  private ack(frame: Frame): void {
    const conn = this.conn;
    const id = conn.version === '1.2' ? required(frame, 'id') : required(frame, 'message-id');
    if (conn.version === '1.1') required(frame, 'subscription');
    const tag = parseAckTag(id);
    if (tag === undefined) throw new StompError('Bad ack id', `"${id}" is not a message id this broker issued`);
    const nack = frame.command === 'NACK';
    const apply = (): undefined => {
      // Unknown tags (topic deliveries, already settled) are ignored.
      const sub = conn.subscriptionForTag(tag);
      if (!sub?.source) return undefined;
      const entries = sub.take(tag);
      if (nack) sub.source.nack(sub, entries);
      else sub.source.ack(sub, entries);
      return undefined;
    };
    const tx = frame.headers['transaction'];
    if (tx !== undefined) conn.transactions.add(tx, apply);
    else apply();
    conn.receipt(frame.headers['receipt']);
  }
}
