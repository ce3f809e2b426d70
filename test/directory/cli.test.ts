/** `stompkit-directory`'s command line: bad input is a clear error and exit code 2, never a start. */
import { main } from '../../src/directory/cli';

afterEach(() => {
  process.exitCode = undefined;
  vi.restoreAllMocks();
});

test.each([
  [[], undefined, /--url is required/],
  [['--url', 'http://127.0.0.1:15674/ws'], 'x', /expected a ws:\/\/ or wss:\/\/ URL/],
  [['--url', 'ws://127.0.0.1:15674/ws'], undefined, /set STOMPKIT_DIRECTORY_PASSCODE/],
  [['--url', 'ws://127.0.0.1:15674/ws', '--nope'], 'x', /Unknown option '--nope'/],
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
