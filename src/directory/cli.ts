/**
 * `stompkit-directory`: the room directory service as a process of its own,
 * for brokers that do not run it inside (RabbitMQ):
 *
 *   STOMPKIT_DIRECTORY_PASSCODE=… stompkit-directory --url ws://127.0.0.1:15674/ws --host stompkit
 *
 * It signs in as `directory` (`--login`), needs configure, write and read on
 * the chat room streams and the directory (`scripts/rabbitmq-users` grants
 * them) and runs until SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_DIRECTORY_LOGIN, startRoomDirectory } from './service.js';

export const USAGE = `Usage: stompkit-directory --url <ws-url> [options]

  --url <url>[,<url>…] the broker's STOMP WebSocket URL (RabbitMQ: ws://host:15674/ws);
                       a cluster's nodes comma-separated, failed over between
  --login <login>      its login (default ${DEFAULT_DIRECTORY_LOGIN})
  --host <vhost>       STOMP host header (RabbitMQ's virtual host)
  --heartbeat <ms>     heart-beat asked each way; a silent link is dropped after
                       about two (default 10000)
  --verbose            log each room declared
  -h, --help           show this help

The passcode comes from STOMPKIT_DIRECTORY_PASSCODE (not the command line,
where other users of the machine could read it).
`;

export async function main(argv: string[]): Promise<void> {
  let values;
  let urls: string[] = [];
  let heartbeat = 0;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        url: { type: 'string' },
        login: { type: 'string', default: DEFAULT_DIRECTORY_LOGIN },
        host: { type: 'string' },
        heartbeat: { type: 'string', default: '10000' },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
    if (values.help) {
      process.stdout.write(USAGE);
      return;
    }
    if (!values.url) throw new Error('--url is required');
    urls = values.url.split(',').map((url) => url.trim());
    for (const url of urls) if (!/^wss?:\/\//.test(url)) throw new Error(`--url: expected a ws:// or wss:// URL, got ${url || '(empty)'}`);
    heartbeat = Number(values.heartbeat);
    if (!Number.isSafeInteger(heartbeat) || heartbeat < 100 || heartbeat > 3_600_000) {
      throw new Error(`--heartbeat: expected whole milliseconds from 100 to 3600000, got ${values.heartbeat}`);
    }
    if (process.env.STOMPKIT_DIRECTORY_PASSCODE === undefined) throw new Error('set STOMPKIT_DIRECTORY_PASSCODE to the passcode of the directory login');
  } catch (err) {
    console.error(`stompkit-directory: ${(err as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const directory = startRoomDirectory({
    url: urls,
    heartbeat,
    login: values.login,
    passcode: process.env.STOMPKIT_DIRECTORY_PASSCODE,
    ...(values.host !== undefined && { host: values.host }),
    log: (line) => {
      // Refusals are always worth a line; routine declarations only with --verbose.
      if (values.verbose || !line.endsWith('ready')) console.error(`[stompkit-directory] ${line}`);
    },
  });
  process.stdout.write(`stompkit-directory: declaring chat rooms on ${urls.join(', ')} as ${values.login}\n`);
  const stop = (signal: string): void => {
    process.stdout.write(`stompkit-directory: ${signal}, stopping\n`);
    directory.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
