/**
 * Destinations (RabbitMQ STOMP dialect): `/topic/<key>` and `/queue/<name>`,
 * the latter a classic queue or, declared with `x-queue-type:stream`, a
 * stream; `/amq/queue/<name>` and `/reply-queue/<name>` (an existing queue,
 * never declared), `/exchange/amq.topic/<key>` (the same as `/topic/<key>`),
 * and `/temp-queue/<name>` as a `reply-to` (see commands.ts).
 *
 * RabbitMQ 3.10 findings mirrored here:
 * - Any other prefix: ERROR `message:Unknown destination`, body "'/x' is not
 *   a valid destination.\nValid destination types are: /temp-queue,
 *   /exchange, /topic, /queue, /amq/queue, /reply-queue/."
 * - `/amq/queue/<name>` ignores declaration headers. SUBSCRIBE to a missing
 *   queue: ERROR `not_found`, "NOT_FOUND - no queue 'q' in vhost '/'"; SEND
 *   to a missing queue is dropped silently (RECEIPT, no ERROR: it is an AMQP
 *   publish to the default exchange). `/reply-queue/<name>` behaves the
 *   same way for both. MESSAGE frames of either say `destination:/queue/<name>`.
 * - `/exchange/amq.topic/<key>` is `/topic/<key>` both ways; MESSAGE frames
 *   say `destination:/topic/<key>`. Any other exchange name: ERROR
 *   `not_found`, "NOT_FOUND - no exchange 'x' in vhost '/'". (RabbitMQ has
 *   `amq.direct`, `amq.fanout`, ... too; this broker only `amq.topic`.)
 */
import { StompError } from './frame.js';

export type Target =
  /** `/topic/<key>`, `/exchange/amq.topic/<key>`. */
  | { kind: 'topic'; key: string }
  /** `/queue/<name>`: declared from the frame's headers. */
  | { kind: 'queue'; name: string }
  /** `/amq/queue/<name>`, `/reply-queue/<name>`: an existing queue. */
  | { kind: 'existing'; name: string }
  /** `/temp-queue/<name>`: only valid as a `reply-to`. */
  | { kind: 'temp'; name: string };

const PREFIXES: ReadonlyArray<[string, Target['kind']]> = [
  ['/topic/', 'topic'],
  ['/queue/', 'queue'],
  ['/amq/queue/', 'existing'],
  ['/reply-queue/', 'existing'],
  ['/temp-queue/', 'temp'],
];

const unknownDestination = (destination: string): StompError =>
  new StompError(
    'Unknown destination',
    `'${destination}' is not a valid destination.\nValid destination types are: /temp-queue, /exchange, /topic, /queue, /amq/queue, /reply-queue/.\n`,
  );

/** Parse a destination header; throws ERROR `Unknown destination` for anything else. */
export function resolveDestination(destination: string): Target {
  for (const [prefix, kind] of PREFIXES) {
    if (destination.startsWith(prefix) && destination.length > prefix.length) {
      const rest = destination.slice(prefix.length);
      return kind === 'topic' ? { kind, key: rest } : { kind, name: rest };
    }
  }
  if (destination.startsWith('/exchange/')) {
    const rest = destination.slice(10);
    const slash = rest.indexOf('/');
    const exchange = slash < 0 ? rest : rest.slice(0, slash);
    if (exchange === '') throw unknownDestination(destination);
    if (exchange !== 'amq.topic') {
      throw new StompError('not_found', `NOT_FOUND - no exchange '${exchange}' in vhost '/'`);
    }
    return { kind: 'topic', key: slash < 0 ? '' : rest.slice(slash + 1) };
  }
  throw unknownDestination(destination);
}

/**
 * The destination the authorize hook is asked about: aliases name what they
 * reach (`/amq/queue/q` → `/queue/q`, `/exchange/amq.topic/k` → `/topic/k`),
 * so a hook cannot be bypassed through another prefix.
 */
export function canonicalDestination(target: Target, destination: string): string {
  if (target.kind === 'topic') return `/topic/${target.key}`;
  if (target.kind === 'temp') return destination;
  return `/queue/${target.name}`;
}

/** RabbitMQ finding: `/temp-queue/` is not a SEND or SUBSCRIBE destination, only a `reply-to`. */
export function invalidDestination(destination: string, command: string): StompError {
  return new StompError('Invalid destination', `'${destination}' is not a valid destination for '${command}'`);
}
