/**
 * `stompkit-broker`: run the dev broker from the command line.
 *
 *   stompkit-broker [--host 127.0.0.1] [--port 7370] [--data-dir .stompkit/data]
 *                   [--memory] [--users users.json] [--acl acl.json] [--allow-origin <origin>]…
 *                   [--max-frame-size <bytes>] [--heartbeat <ms,ms>] [--stream-memory <MiB>]
 *                   [--queue-memory <MiB>] [--room-directory [login]] [--verbose]
 *
 * Open dev mode by default (any login, passcode ignored); `--users` takes a
 * JSON object of login → passcode and makes the broker check CONNECT logins.
 * SIGINT/SIGTERM close every connection and flush storage before exiting.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { aclAuthorizer, readAcl } from './acl.js';
import { CHAT_POLICIES, createBroker, type BrokerOptions } from './create-broker.js';
import { LOCAL_ORIGINS, type OriginRule } from './origin.js';
import { parsePolicies } from '../engine/policy.js';

/** The `--help` text; README.md's broker section lists the same options (checked by a test). */
export const USAGE = `Usage: stompkit-broker [options]

  --host <host>            interface to listen on (default 127.0.0.1)
  --port <port>            port for WebSocket, SockJS, TCP and HTTP (default 7370)
  --data-dir <dir>         where durable queues and streams live (default .stompkit/data)
  --memory                 keep nothing on disk
  --users <file>           JSON object login -> passcode; logins are checked
                           (and /stats asks for one of them)
  --acl <file>             per-user permissions: JSON login (or "*") ->
                           { configure, write, read } regular expressions over
                           destinations, {login} expanded; others get nothing
  --allow-origin <origin>  also allow this browser origin (repeatable; '*' allows every origin)
  --max-frame-size <bytes> largest frame accepted (default 1048576)
  --heartbeat <ms,ms>      heart-beat floors offered in CONNECTED: the shortest
                           period the broker sends at and the shortest it wants
                           from a client; a client's own periods are granted
                           down to these (0 = never; default 1000,1000)
  --max-memory <MiB>       memory high-water mark: past it, publishers are held
                           back until usage falls (default 1024; 0 = off)
  --policies <file>        queue policies as in rabbitmqctl set_policy: JSON
                           [{ name, pattern, priority?, definition }] with
                           max-age, max-length-bytes, max-length, message-ttl,
                           expires (default: chat rooms keep 90D and 1 GiB)
  --stream-memory <MiB>    newest part of each stream held in memory; older
                           history is read from disk as readers ask (default 4)
  --queue-memory <MiB>     ready messages of each durable queue held in memory;
                           a longer backlog waits on disk and is read back in
                           order as consumers drain it (default 4)
  --room-directory         run the room directory service: the one principal
                           that declares chat room streams, for chat clients
                           with \`directory: 'directory'\` (see --acl)
  --room-directory-login <login>
                           its login (default directory)
  --verbose                log diagnostics
  -h, --help               show this help
`;

/** What `--acl` set up, for the start-up lines. */
let aclSummary: string | null = null;

/** Parse the command line into broker options; throws with a clear message on bad input. */
export function parseCli(argv: string[]): { options: BrokerOptions; port: number; host: string } | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '7370' },
      'data-dir': { type: 'string', default: '.stompkit/data' },
      memory: { type: 'boolean', default: false },
      users: { type: 'string' },
      acl: { type: 'string' },
      'allow-origin': { type: 'string', multiple: true },
      'max-frame-size': { type: 'string' },
      heartbeat: { type: 'string' },
      'max-memory': { type: 'string' },
      'stream-memory': { type: 'string' },
      'queue-memory': { type: 'string' },
      policies: { type: 'string' },
      'room-directory': { type: 'boolean', default: false },
      'room-directory-login': { type: 'string' },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: not a port number: ${values.port}`);
  const options: BrokerOptions = {};
  if (values.memory) options.memory = true;
  else options.dataDir = resolve(values['data-dir']);
  if (values.users !== undefined) options.users = readUsers(values.users);
  if (values.acl !== undefined) {
    const acl = readAcl(values.acl);
    options.authorize = aclAuthorizer(acl);
    aclSummary = `ACL from ${values.acl} (${Object.keys(acl).length} entries; anyone else gets nothing)`;
  }
  const extra = values['allow-origin'] ?? [];
  if (extra.length > 0) options.allowOrigins = [...LOCAL_ORIGINS, ...(extra as OriginRule[])];
  if (values['max-frame-size'] !== undefined) {
    const size = Number(values['max-frame-size']);
    if (!Number.isInteger(size) || size < 256) throw new Error(`--max-frame-size: expected bytes ≥ 256, got ${values['max-frame-size']}`);
    options.limits = { ...options.limits, maxFrameSize: size };
  }
  if (values.heartbeat !== undefined) {
    // The CONNECTED `heart-beat` header's own syntax (STOMP 1.2 §"Heart-beating").
    const m = /^(\d+),(\d+)$/.exec(values.heartbeat);
    if (!m) throw new Error(`--heartbeat: expected <ms,ms> such as 1000,1000, got ${values.heartbeat}`);
    options.heartbeat = [Number(m[1]), Number(m[2])];
  }
  if (values['max-memory'] !== undefined) {
    const mib = Number(values['max-memory']);
    if (!Number.isFinite(mib) || mib < 0) throw new Error(`--max-memory: expected MiB (0 = off), got ${values['max-memory']}`);
    options.maxMemory = mib * 1024 * 1024;
  }
  if (values.policies !== undefined) options.policies = readPolicies(values.policies);
  for (const [flag, limit] of [['stream-memory', 'streamMemoryBytes'], ['queue-memory', 'queueMemoryBytes']] as const) {
    const value = values[flag];
    if (value === undefined) continue;
    const mib = Number(value);
    if (!(mib > 0) || !Number.isFinite(mib)) throw new Error(`--${flag}: expected MiB > 0, got ${value}`);
    options.limits = { ...options.limits, [limit]: Math.round(mib * 1024 * 1024) };
  }
  if (values['room-directory-login'] !== undefined && !values['room-directory']) throw new Error('--room-directory-login: needs --room-directory');
  if (values['room-directory']) {
    const login = values['room-directory-login'] ?? 'directory';
    if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(login)) throw new Error(`--room-directory-login: use 1-64 of a-z 0-9 _ -, got ${login}`);
    if (options.users && Object.hasOwn(options.users, login)) throw new Error(`--room-directory: the login ${login} is the directory's own; remove it from --users`);
    options.roomDirectory = login;
  }
  if (values.verbose) options.log = (m) => console.error(`[stompkit-broker] ${m}`);
  return { options, port, host: values.host };
}

function readPolicies(file: string) {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`--policies: cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    return parsePolicies(JSON.parse(text), `--policies ${file}`);
  } catch (err) {
    throw new Error(err instanceof SyntaxError ? `--policies ${file}: not JSON: ${err.message}` : (err as Error).message);
  }
}

function readUsers(file: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`--users ${file}: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`--users ${file}: expected a JSON object of login -> passcode`);
  }
  const users: Record<string, string> = {};
  for (const [login, passcode] of Object.entries(parsed)) {
    if (typeof passcode !== 'string') throw new Error(`--users ${file}: passcode of ${login} is not a string`);
    users[login] = passcode;
  }
  return users;
}

/** Run the CLI; resolves once the broker listens. */
export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  let parsed: ReturnType<typeof parseCli>;
  try {
    parsed = parseCli(argv);
  } catch (err) {
    console.error(`stompkit-broker: ${(err as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (parsed === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const { options, port, host } = parsed;
  const broker = createBroker(options);
  try {
    await broker.listen(port, host);
  } catch (err) {
    console.error(`stompkit-broker: cannot start: ${(err as Error).message}`);
    await broker.close().catch(() => {});
    process.exitCode = 1;
    return;
  }
  const urls = broker.urls;
  if (urls) {
    const storage = options.memory ? 'memory (nothing kept)' : options.dataDir;
    const auth = options.users ? `logins checked (${Object.keys(options.users).length} users)` : 'open dev mode (every login accepted)';
    process.stdout.write(
      [
        `stompkit broker listening`,
        `  WebSocket  ${urls.websocket}`,
        `  SockJS     ${urls.sockjs}`,
        `  STOMP/TCP  ${urls.tcp}`,
        `  HTTP       ${urls.http}/health ${urls.http}/stats ${urls.http}/stompkit.json`,
        `  storage    ${storage}`,
        `  auth       ${auth}`,
        ...(options.roomDirectory ? [`  rooms      declared by the room directory service (login ${String(options.roomDirectory)})`] : []),
        `  access     ${aclSummary ?? 'no --acl: every user may read, write and declare everything (dev mode)'}`,
        `  policies   ${(options.policies ?? CHAT_POLICIES).map((p) => `${p.name} ${p.pattern} ${JSON.stringify(p.definition)}`).join('; ') || 'none'}`,
        '',
      ].join('\n'),
    );
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      // A second signal: the user wants out now.
      process.exit(130);
    }
    stopping = true;
    process.stdout.write(`stompkit broker: ${signal}, closing\n`);
    broker.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`stompkit-broker: error while closing: ${String(err)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

// Run when executed directly (bin, tsx), not when imported by tests.
const invoked = process.argv[1] ? resolve(process.argv[1]) : '';
if (invoked.endsWith('cli.ts') || invoked.endsWith('cli.js') || process.env.STOMPKIT_BROKER_CLI === '1') {
  void main();
}
