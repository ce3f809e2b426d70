/**
 * `stompkit-directory`'s command line: bad input is a clear error and exit
 * code 2, never a start; the process itself, given a cluster's URLs with the
 * first one dead, declares rooms through the next.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createBroker } from '../../src/broker/index';
import { main } from '../../src/directory/cli';
import { rawConnect } from '../support/raw-stomp';

afterEach(() => {
  process.exitCode = undefined;
  vi.restoreAllMocks();
});

test.each([
  [[], undefined, /--url is required/],
  [['--url', 'http://127.0.0.1:15674/ws'], 'x', /expected a ws:\/\/ or wss:\/\/ URL/],
  [['--url', 'ws://127.0.0.1:15674/ws'], undefined, /set STOMPKIT_DIRECTORY_PASSCODE/],
  [['--url', 'ws://127.0.0.1:15674/ws', '--nope'], 'x', /Unknown option '--nope'/],
  [['--url', 'ws://127.0.0.1:15674/ws,http://127.0.0.1:15675/ws'], 'x', /expected a ws:\/\/ or wss:\/\/ URL, got http:\/\/127\.0\.0\.1:15675\/ws/],
  [['--url', 'ws://127.0.0.1:15674/ws,'], 'x', /got \(empty\)/],
  [['--url', 'ws://127.0.0.1:15674/ws', '--heartbeat', '5'], 'x', /--heartbeat: expected whole milliseconds from 100 to 3600000, got 5/],
  [['--url', 'ws://127.0.0.1:15674/ws', '--heartbeat', 'soon'], 'x', /--heartbeat: expected whole milliseconds/],
  [['--url', 'ws://127.0.0.1:15674/ws', '--heartbeat', '2000000000'], 'x', /--heartbeat: expected whole milliseconds from 100 to 3600000, got 2000000000/],
])('%j (passcode %s) is refused', async (argv, passcode, message) => {
  vi.stubEnv('STOMPKIT_DIRECTORY_PASSCODE', passcode);
  const errors: string[] = [];
  vi.spyOn(console, 'error').mockImplementation((line: unknown) => void errors.push(String(line)));
  await main(argv);
  expect(process.exitCode).toBe(2);
  expect(errors.join('\n')).toMatch(message);
  expect(errors.join('\n')).toContain('Usage: stompkit-directory');
  vi.unstubAllEnvs();
});

/** A loopback port nothing listens on. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('the process, given two URLs of which the first is dead, declares rooms through the second and stops on SIGTERM', async () => {
  const broker = createBroker({ memory: true });
  const { port } = await broker.listen(0);
  const urls = `ws://127.0.0.1:${await deadPort()}/ws,ws://127.0.0.1:${port}/ws`;
  const child = spawn(process.execPath, ['bin/stompkit-directory.js', '--url', urls, '--verbose'], {
    env: { ...process.env, STOMPKIT_DIRECTORY_PASSCODE: 'x', STOMPKIT_BROKER_SOURCE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const { peer } = await rawConnect(port, { login: 'alice' });
  try {
    await vi.waitFor(() => expect(output).toContain('declaring chat rooms on'), 20_000);
    // The directory exists once the service is connected: until then a SEND to it is dropped.
    await vi.waitFor(() => expect(broker.stats().destinations.map((d) => d.destination)).toContain('/queue/chat.rooms'), 20_000);
    peer.send('SEND', { destination: '/amq/queue/chat.rooms', 'user-id': 'alice', receipt: 'r1' }, JSON.stringify({ id: 'c1', type: 'room.created', roomId: 'failover', ts: 1, name: 'Failover' }));
    expect((await peer.next(5000)).command).toBe('RECEIPT');
    await vi.waitFor(() => expect(output).toContain('room failover: stream declared, ready'), 20_000);
    expect(output).toMatch(/connection closed/); // the dead URL was tried and left
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  } finally {
    peer.end();
    child.kill('SIGKILL');
    await broker.close();
  }
}, 60_000);
