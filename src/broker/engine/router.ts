/**
 * The queues and the topic exchange behind destinations (see destination.ts):
 * `/queue/<name>` is a classic queue or, declared with `x-queue-type:stream`,
 * a stream; declarations are compared, limits kept, deleted queues dropped
 * from the store.
 *
 * RabbitMQ 3.10 findings mirrored here:
 * - Every SEND and SUBSCRIBE to `/queue/<name>` (re)declares the queue from
 *   its headers (`x-queue-type`, `durable`, `auto-delete`, `x-max-age`, ...).
 *   A declaration whose `x-queue-type` differs from the existing queue's —
 *   including a bare SEND (no `x-queue-type`) to a stream — is refused:
 *   ERROR `message:precondition_failed`, body "PRECONDITION_FAILED -
 *   inequivalent arg 'x-queue-type' for queue 'q' in vhost '/': received
 *   none but current is the value 'stream' of type 'longstr'", and the
 *   connection dies. (RabbitMQ lets the connection that declared a queue
 *   skip the headers afterwards; we always require them, which is the
 *   stricter, portable subset.) A differing `x-max-age` is accepted.
 * - Classic queues: `x-expires`, `x-message-ttl`, `x-max-length`,
 *   `x-max-length-bytes` are compared the same way, in that order. Missing
 *   on one side: "... inequivalent arg 'x-max-length' for queue 'q' in vhost
 *   '/': received none but current is the value '2' of type 'long'" (or
 *   "received the value '3' of type 'long' but current is none"); both set:
 *   "... inequivalent arg 'x-message-ttl' ...: received '500' but current is
 *   '400'". (RabbitMQ again lets the declaring connection differ.)
 * - Declaration headers are passed through to MESSAGE frames like any
 *   other header.
 * - RabbitMQ 3.10.8 STOMP maps `x-max-length-bytes` to a queue argument but
 *   ignores `x-max-age` (and `x-stream-max-segment-size-bytes`): on RabbitMQ
 *   age retention needs a policy. We honour `x-max-age` and refuse
 *   an unparsable value, where RabbitMQ silently ignores it.
 * - `/queue/` queues default to `durable:true`, `auto-delete:false`. A
 *   differing `auto-delete` gets `precondition_failed` ("inequivalent arg
 *   'auto_delete' ... received 'true' but current is 'false'"); `durable:false`
 *   on a durable queue gets `resource_locked` (RabbitMQ makes non-durable
 *   STOMP queues exclusive).
 * - Declaring `/queue/amq.<anything>`: ERROR `access_refused`,
 *   "ACCESS_REFUSED - queue name 'amq.gen-x' contains reserved prefix 'amq.*'".
 * - SUBSCRIBE to another connection's temp queue (by `/amq/queue/amq.gen-…`):
 *   ERROR `resource_locked` (the text below); SEND to it is delivered. */
import type {
  DestinationStats,
  MessageStore,
  QueueDeclaration,
  StoredMessage,
  StoredQueue,
} from './types.js';
import { Entry } from './message.js';
import { StompError } from './frame.js';
import { TopicExchange } from './topic.js';
import { ClassicQueue } from './queue.js';
import { CLASSIC_ARGS, NO_LIMITS, classicLimits } from './queue-args.js';
import { StreamQueue } from './stream.js';
import { QueueStore } from './persistence.js';
import type { PolicyResolver } from './policy.js';

export type Queue = ClassicQueue | StreamQueue;

export interface RouterOptions {
  /** Bytes of each stream held in memory (see `BrokerLimits.streamMemoryBytes`). */
  streamMemoryBytes?: number;
  /** Bytes of each durable classic queue's ready messages held in memory (see `BrokerLimits.queueMemoryBytes`). */
  queueMemoryBytes?: number;
  /** Timer for retrying a failed history or backlog read. */
  retryLater?: (fn: () => void, ms: number) => void;
  /** Queue arguments in force for a queue: its own, completed by the policy that applies (policy.ts). */
  policy?: PolicyResolver;
}

/** Queue arguments kept from declaration headers. */
const ARG_NAMES = [
  'x-max-length-bytes',
  'x-max-age',
  'x-max-length',
  'x-stream-max-segment-size-bytes',
  'x-message-ttl',
  'x-expires',
];

/** RabbitMQ's rendering of a queue argument in an inequivalence error. */
const argValue = (value: string | undefined, type: string): string =>
  value === undefined ? 'none' : `the value '${value}' of type '${type}'`;

/** 16 random bytes, base64url: RabbitMQ's `amq.gen-` names look the same. */
function randomName(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const flag = (value: string | undefined, fallback: boolean): boolean =>
  value === undefined ? fallback : value === 'true';

/** The declaration a SEND/SUBSCRIBE's headers ask for. */
export function declarationFrom(name: string, headers: Readonly<Record<string, string>>): QueueDeclaration {
  const type = headers['x-queue-type'];
  if (type !== undefined && type !== 'stream' && type !== 'classic' && type !== 'quorum') {
    throw new StompError('precondition_failed', `PRECONDITION_FAILED - invalid arg 'x-queue-type': "${type}"`);
  }
  const args: Record<string, string> = {};
  for (const a of ARG_NAMES) if (headers[a] !== undefined) args[a] = headers[a];
  if (type !== undefined) args['x-queue-type'] = type;
  return {
    name,
    type: type === 'stream' ? 'stream' : 'classic',
    durable: flag(headers['durable'], true),
    autoDelete: flag(headers['auto-delete'], false),
    args,
  };
}

export class Router {
  readonly topics = new TopicExchange();
  private readonly queues = new Map<string, Queue>();
  /** Durable queues deleted whose store deletion has not settled yet: a new queue of the name declares after it. */
  private readonly deleting = new Map<string, Promise<void>>();

  constructor(
    private readonly store: MessageStore,
    private readonly log: (message: string) => void,
    /** The engine clock (`x-message-ttl`, `x-expires`). */
    private readonly now: () => number = () => Date.now(),
    private readonly options: RouterOptions = {},
  ) {}

  /** Rebuild queues from the store at start-up. */
  restore(stored: readonly StoredQueue[]): void {
    for (const sq of stored) {
      const q = this.create(sq.declaration, sq.nextOffset, false);
      // History first: it is older than the messages loaded in full.
      if (q.kind === 'stream' && sq.history) q.restoreHistory(sq.history);
      for (const m of sq.messages) {
        const entry = new Entry(m, `/queue/${sq.declaration.name}`);
        if (q.kind === 'stream') q.restore(entry);
        else q.enqueue(entry, false);
      }
      if (q.kind === 'queue' && sq.backlog) q.restoreBacklog(sq.backlog);
      if (q.kind === 'queue') this.nextClassicOffset.set(sq.declaration.name, sq.nextOffset);
    }
  }

  private readonly nextClassicOffset = new Map<string, number>();

  /**
   * Find or create the queue `headers` declare; throws `precondition_failed`
   * when they contradict the existing queue.
   */
  declare(name: string, headers: Readonly<Record<string, string>>): Queue {
    if (name.startsWith('amq.')) {
      throw new StompError('access_refused', `ACCESS_REFUSED - queue name '${name}' contains reserved prefix 'amq.*'`);
    }
    const wanted = declarationFrom(name, headers);
    if (wanted.type === 'classic') classicLimits(name, wanted.args);
    const existing = this.live(name);
    if (!existing) {
      // RabbitMQ finding: a non-durable (hence auto-deleting) stream is refused with this wording.
      if (wanted.type === 'stream' && (!wanted.durable || wanted.autoDelete)) {
        throw new StompError(
          'precondition_failed',
          `PRECONDITION_FAILED - invalid property 'auto-delete' for queue '${name}' in vhost '/'`,
        );
      }
      return this.create(wanted, 0, true);
    }
    const have = existing.declaration;
    const got = headers['x-queue-type'];
    const haveType = have.args['x-queue-type'] ?? (have.type === 'stream' ? 'stream' : undefined);
    if ((got ?? 'classic') !== (haveType ?? 'classic')) {
      const received = got === undefined ? 'none' : `the value '${got}' of type 'longstr'`;
      const current = haveType === undefined ? 'none' : `the value '${haveType}' of type 'longstr'`;
      throw new StompError(
        'precondition_failed',
        `PRECONDITION_FAILED - inequivalent arg 'x-queue-type' for queue '${name}' in vhost '/': received ${received} but current is ${current}`,
      );
    }
    const autoDelete = headers['auto-delete'];
    if (autoDelete !== undefined && (autoDelete === 'true') !== have.autoDelete) {
      throw new StompError(
        'precondition_failed',
        `PRECONDITION_FAILED - inequivalent arg 'auto_delete' for queue '${name}' in vhost '/': received '${autoDelete}' but current is '${String(have.autoDelete)}'`,
      );
    }
    const durable = headers['durable'];
    if (durable !== undefined && (durable === 'true') !== have.durable) {
      // RabbitMQ declares non-durable STOMP queues exclusive, so a durability mismatch reads as a lock.
      throw new StompError(
        'resource_locked',
        `RESOURCE_LOCKED - cannot obtain exclusive access to locked queue '${name}' in vhost '/'. It could be originally declared on another connection or the exclusive property value does not match that of the original declaration.`,
      );
    }
    if (existing.kind === 'queue') {
      for (const arg of CLASSIC_ARGS) {
        const current = have.args[arg] === undefined ? undefined : String(Number(have.args[arg]));
        const received = headers[arg] === undefined ? undefined : String(Number(headers[arg]));
        if (current === received) continue;
        const detail =
          current !== undefined && received !== undefined
            ? `received '${received}' but current is '${current}'`
            : `received ${argValue(received, 'long')} but current is ${argValue(current, 'long')}`;
        throw new StompError(
          'precondition_failed',
          `PRECONDITION_FAILED - inequivalent arg '${arg}' for queue '${name}' in vhost '/': ${detail}`,
        );
      }
      existing.touch();
    }
    return existing;
  }

  /**
   * The queue `/amq/queue/<name>` or `/reply-queue/<name>` names, for
   * `subscriber` (a connection): ERROR `not_found` when there is none,
   * `resource_locked` when it is another connection's temp queue.
   */
  existing(name: string, subscriber: unknown): Queue {
    const q = this.live(name);
    if (!q) throw new StompError('not_found', `NOT_FOUND - no queue '${name}' in vhost '/'`);
    if (q.kind === 'queue' && q.exclusiveTo !== undefined && q.exclusiveTo !== subscriber) {
      throw new StompError(
        'resource_locked',
        `RESOURCE_LOCKED - cannot obtain exclusive access to locked queue '${name}' in vhost '/'. It could be originally declared on another connection or the exclusive property value does not match that of the original declaration.`,
      );
    }
    return q;
  }

  /** The queue named `name`, if any (a SEND to a missing `/amq/queue/` is dropped). */
  find(name: string): Queue | undefined {
    return this.live(name);
  }

  /**
   * A new private queue for a connection's `/temp-queue/`: non-durable,
   * auto-deleted with its one subscription, named like RabbitMQ's
   * (`amq.gen-` + 22 base64url characters) so `/queue/` cannot declare it.
   */
  createTemp(owner: unknown): ClassicQueue {
    let name: string;
    do name = `amq.gen-${randomName()}`;
    while (this.queues.has(name));
    const q = this.create({ name, type: 'classic', durable: false, autoDelete: true, args: {} }, 0, true);
    if (q.kind !== 'queue') throw new Error('temp queue is not classic');
    q.exclusiveTo = owner;
    return q;
  }

  /** The queue named `name`, deleting it first if `x-expires` ran out since the last sweep. */
  private live(name: string): Queue | undefined {
    const q = this.queues.get(name);
    if (q?.kind === 'queue' && q.expiredAt(this.now())) {
      this.remove(q);
      return undefined;
    }
    return q;
  }

  /**
   * Delete a classic queue (`x-expires`, auto-delete) with what it holds, in
   * the store too: its declaration and messages, so it stays gone after a
   * restart.
   */
  private remove(q: ClassicQueue): void {
    const name = q.declaration.name;
    if (this.queues.get(name) !== q) return;
    this.queues.delete(name);
    this.nextClassicOffset.delete(name);
    const stored = q.delete();
    if (!stored) return;
    this.deleting.set(name, stored);
    void stored.then(() => {
      if (this.deleting.get(name) === stored) this.deleting.delete(name);
    });
  }

  /** Store and route a message to a queue; resolves when stored (durable) or at once. */
  publishToQueue(target: Queue, headers: Record<string, string>, body: Uint8Array, now: number): Promise<void> | undefined {
    let queue: Queue | undefined = target;
    if (queue.kind === 'queue' && queue.isDeleted) {
      // Declared by a SEND held in a transaction, deleted before COMMIT: like RabbitMQ, publish by name.
      queue = this.live(queue.declaration.name);
      if (!queue) return undefined;
    }
    const destination = `/queue/${queue.declaration.name}`;
    if (queue.kind === 'stream') {
      const stored: StoredMessage = { offset: queue.allocateOffset(), timestamp: now, headers, body };
      return queue.append(new Entry(stored, destination), now);
    }
    const name = queue.declaration.name;
    const offset = this.nextClassicOffset.get(name) ?? 0;
    this.nextClassicOffset.set(name, offset + 1);
    return queue.enqueue(new Entry({ offset, timestamp: now, headers, body }, destination));
  }

  /** Publish to a topic; returns the number of subscriptions reached. */
  publishToTopic(key: string, headers: Record<string, string>, body: Uint8Array, now: number): number {
    return this.topics.publish(key, new Entry({ offset: 0, timestamp: now, headers, body }, `/topic/${key}`));
  }

  /**
   * Called periodically: streams with `x-max-age` drop what aged out, queues
   * with `x-message-ttl` drop expired messages, unused queues past
   * `x-expires` are deleted.
   */
  expire(now: number): void {
    for (const q of this.queues.values()) {
      if (q.kind === 'stream') {
        if (q.hasMaxAge) q.enforceRetention(now);
      } else if (q.expiredAt(now)) {
        this.remove(q);
      } else if (q.hasMessageTtl) {
        q.dropExpired();
      }
    }
  }

  stats(): DestinationStats[] {
    const out = this.topics.stats();
    for (const q of this.queues.values()) out.push(q.stats());
    return out;
  }

  private create(declaration: QueueDeclaration, nextOffset: number, declare: boolean): Queue {
    const after = this.deleting.get(declaration.name);
    const store = declaration.durable ? new QueueStore(this.store, declaration, declare, after) : null;
    const q: Queue =
      declaration.type === 'stream'
        ? new StreamQueue(declaration, store, this.log, nextOffset, {
            memoryBytes: this.options.streamMemoryBytes,
            retryLater: this.options.retryLater,
            args: this.argsOf(declaration),
          })
        : new ClassicQueue(
            declaration,
            store,
            this.log,
            (unused) => this.remove(unused),
            this.limitsOf({ ...declaration, args: this.argsOf(declaration) }, declare),
            this.now,
            { memoryBytes: this.options.queueMemoryBytes, retryLater: this.options.retryLater },
          );
    this.queues.set(declaration.name, q);
    return q;
  }

  private argsOf(declaration: QueueDeclaration): Record<string, string> {
    return this.options.policy ? this.options.policy(declaration.name, declaration.args) : declaration.args;
  }

  /** A new declaration was checked by `declare`; one restored from an older store may not parse: log, enforce nothing. */
  private limitsOf(declaration: QueueDeclaration, checked: boolean) {
    if (checked) return classicLimits(declaration.name, declaration.args);
    try {
      return classicLimits(declaration.name, declaration.args);
    } catch (err) {
      this.log(`queue ${declaration.name}: stored arguments ignored: ${err instanceof StompError ? err.detail : String(err)}`);
      return NO_LIMITS;
    }
  }
}
