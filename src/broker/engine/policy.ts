/**
 * Queue policies in RabbitMQ's vocabulary (`rabbitmqctl set_policy`): a
 * named regular expression over queue names with a definition of limits,
 * so retention is set by the operator for a family of queues (every chat
 * room) or one queue (a room of its own, with a higher priority) instead of
 * by whichever client declared the queue first.
 *
 * As in RabbitMQ: of the policies whose pattern matches a queue's name, the
 * one with the highest priority applies (one policy per queue); a value the
 * declaration sets itself wins over the policy's, except `max-length` and
 * `max-length-bytes`, where the lower of the two applies.
 */
import { parseMaxAge } from './stream-args.js';
/** Definition keys understood, each the policy form of an `x-` queue argument. */
const KEYS = {
  'max-age': 'x-max-age',
  'max-length-bytes': 'x-max-length-bytes',
  'max-length': 'x-max-length',
  'message-ttl': 'x-message-ttl',
  expires: 'x-expires',
} as const;

type PolicyKey = keyof typeof KEYS;
const LOWER_WINS = new Set<string>(['x-max-length', 'x-max-length-bytes']);

export interface QueuePolicy {
  name: string;
  /** Regular expression over queue names (`chat.room.general`, without `/queue/`). */
  pattern: string;
  /** The highest priority among matching policies applies. Default 0. */
  priority?: number;
  /** `max-age` (streams: `30D`, `12h`, …), `max-length-bytes`, `max-length`, `message-ttl`, `expires` (ms). */
  definition: Partial<Record<PolicyKey, string | number>>;
}

interface Compiled {
  name: string;
  pattern: RegExp;
  priority: number;
  args: Record<string, string>;
}

function isMaxAge(value: string): boolean {
  try {
    parseMaxAge(value);
    return true;
  } catch {
    return false;
  }
}

function fail(source: string, message: string): never {
  throw new Error(`${source}: ${message}`);
}

/** Checks the shape of a policy list; throws a clear error naming the entry. */
export function parsePolicies(value: unknown, source = 'policies'): QueuePolicy[] {
  if (!Array.isArray(value)) fail(source, 'expected a JSON array of { name, pattern, priority?, definition }');
  return value.map((entry: unknown, i) => {
    if (typeof entry !== 'object' || entry === null) fail(source, `entry ${i} is not an object`);
    const { name, pattern, priority, definition } = entry as Record<string, unknown>;
    const where = `${source}: policy ${typeof name === 'string' ? `"${name}"` : i}`;
    if (typeof name !== 'string' || name === '') fail(where, 'needs a name');
    if (typeof pattern !== 'string') fail(where, 'needs a pattern (a regular expression over queue names)');
    try {
      new RegExp(pattern);
    } catch (err) {
      fail(where, `pattern is not a regular expression: ${(err as Error).message}`);
    }
    if (priority !== undefined && !Number.isInteger(priority)) fail(where, 'priority must be an integer');
    if (typeof definition !== 'object' || definition === null || Array.isArray(definition)) fail(where, 'needs a definition object');
    for (const [key, v] of Object.entries(definition)) {
      if (!(key in KEYS)) fail(where, `unknown definition key "${key}" (known: ${Object.keys(KEYS).join(', ')})`);
      if (key === 'max-age' ? typeof v !== 'string' || !isMaxAge(v) : !Number.isInteger(v) || (v as number) < 0) {
        fail(where, `${key}: expected ${key === 'max-age' ? 'a duration such as "30D"' : 'an integer ≥ 0'}, got ${JSON.stringify(v)}`);
      }
    }
    return { name, pattern, priority: priority as number | undefined, definition: definition as QueuePolicy['definition'] };
  });
}

/** The effective queue arguments: a queue's own, completed (or lowered) by the policy that applies to it. */
export type PolicyResolver = (queue: string, declared: Readonly<Record<string, string>>) => Record<string, string>;

export function policyResolver(policies: readonly QueuePolicy[]): PolicyResolver {
  const compiled: Compiled[] = policies
    .map((p) => ({
      name: p.name,
      pattern: new RegExp(p.pattern),
      priority: p.priority ?? 0,
      args: Object.fromEntries(Object.entries(p.definition).map(([k, v]) => [KEYS[k as PolicyKey], String(v)])),
    }))
    // Stable: among equal priorities the first listed wins.
    .sort((a, b) => b.priority - a.priority);
  return (queue, declared) => {
    const policy = compiled.find((p) => p.pattern.test(queue));
    if (!policy) return { ...declared };
    const out = { ...policy.args, ...declared };
    for (const arg of LOWER_WINS) {
      const mine = declared[arg];
      const theirs = policy.args[arg];
      if (mine !== undefined && theirs !== undefined && /^\d+$/.test(mine)) out[arg] = String(Math.min(Number(mine), Number(theirs)));
    }
    return out;
  };
}
