/**
 * Per-user permissions in RabbitMQ's vocabulary, for `--acl <file>`:
 *
 * ```json
 * {
 *   "alice": { "configure": "^/queue/chat\\.room\\.", "write": "^/(queue|topic)/chat\\.", "read": "^/(queue|topic)/chat\\." },
 *   "*":     { "configure": "^$", "write": "^/queue/user\\.{login}\\.", "read": "^/queue/user\\.{login}\\." }
 * }
 * ```
 *
 * Each is a regular expression over the destination a frame names (aliases
 * resolved, e.g. `/queue/jobs`): `read` to SUBSCRIBE, `write` to SEND,
 * `configure` to declare a queue or stream that does not exist yet (a SEND
 * or SUBSCRIBE to `/queue/<name>` that would create it). `{login}` stands
 * for the user's login, escaped. A user's own entry is used, else `*`; a user
 * in neither gets nothing. (RabbitMQ matches the same three permissions
 * against queue and exchange names; here it is the destination, so one file
 * reads the same for topics and queues.)
 */
import { readFileSync } from 'node:fs';
import type { AuthorizeHook, DestinationAction } from '../engine/types.js';

export interface Permissions {
  configure: string;
  write: string;
  read: string;
}

/** login (or `*`) → permissions. */
export type Acl = Record<string, Permissions>;

const ACTION_PERMISSION: Record<DestinationAction, keyof Permissions> = { configure: 'configure', send: 'write', subscribe: 'read' };
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Checks the shape and every regular expression; throws a clear error naming the entry. */
export function parseAcl(value: unknown, source = 'acl'): Acl {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${source}: expected a JSON object of login -> { configure, write, read }`);
  }
  const acl: Acl = {};
  for (const [login, entry] of Object.entries(value)) {
    const e = entry as Partial<Record<keyof Permissions, unknown>> | null;
    const permissions = {} as Permissions;
    for (const key of ['configure', 'write', 'read'] as const) {
      const pattern = e?.[key];
      if (typeof pattern !== 'string') throw new Error(`${source}: ${login}.${key} must be a regular expression string`);
      try {
        new RegExp(pattern.replaceAll('{login}', 'x'));
      } catch (err) {
        throw new Error(`${source}: ${login}.${key}: ${(err as Error).message}`);
      }
      permissions[key] = pattern;
    }
    acl[login] = permissions;
  }
  return acl;
}

/** Reads and checks an ACL file. */
export function readAcl(file: string): Acl {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`--acl ${file}: ${(err as Error).message}`);
  }
  return parseAcl(parsed, `--acl ${file}`);
}

/** The authorize hook an ACL describes. */
export function aclAuthorizer(acl: Acl): AuthorizeHook {
  const compiled = new Map<string, RegExp>();
  const regexFor = (login: string, pattern: string): RegExp => {
    const source = pattern.replaceAll('{login}', escape(login));
    let regex = compiled.get(source);
    if (!regex) compiled.set(source, (regex = new RegExp(source)));
    return regex;
  };
  return (user, action, destination) => {
    const permissions = Object.hasOwn(acl, user) ? acl[user] : acl['*'];
    if (!permissions) return false;
    return regexFor(user, permissions[ACTION_PERMISSION[action]]).test(destination);
  };
}
