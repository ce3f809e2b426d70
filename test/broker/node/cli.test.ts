import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { USAGE, parseCli } from '../../../src/broker/node/cli.js';
import { originPolicy } from '../../../src/broker/node/origin.js';

describe('stompkit-broker command line', () => {
  it('defaults to 127.0.0.1:7370, .stompkit/data, open mode', () => {
    const r = parseCli([]);
    if (r === 'help') throw new Error('unexpected help');
    expect(r.port).toBe(7370);
    expect(r.host).toBe('127.0.0.1');
    expect(r.options.dataDir).toBe(resolve('.stompkit/data'));
    expect(r.options.users).toBeUndefined();
    expect(r.options.memory).toBeUndefined();
    expect(r.options.heartbeat).toBeUndefined();
  });

  it('reads every option', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stompkit-cli-'));
    try {
      const users = join(dir, 'users.json');
      await writeFile(users, '{"ana":"pw","bo":"x"}');
      const r = parseCli([
        '--host', '0.0.0.0', '--port', '9000', '--memory', '--users', users,
        '--allow-origin', 'https://app.example', '--allow-origin', 'https://b.example', '--max-frame-size', '4096',
        '--heartbeat', '5000,0', '--stream-memory', '2', '--queue-memory', '0.5',
      ]);
      if (r === 'help') throw new Error('unexpected help');
      expect(r).toMatchObject({ port: 9000, host: '0.0.0.0' });
      expect(r.options).toMatchObject({ memory: true, users: { ana: 'pw', bo: 'x' }, limits: { maxFrameSize: 4096, streamMemoryBytes: 2 * 1024 * 1024, queueMemoryBytes: 512 * 1024 }, heartbeat: [5000, 0] });
      const allowed = originPolicy(r.options.allowOrigins);
      expect(allowed('https://app.example')).toBe(true);
      expect(allowed('https://b.example')).toBe(true);
      expect(allowed('http://localhost:5173')).toBe(true); // local origins stay allowed
      expect(allowed('https://c.example')).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects bad values with a message naming the option', async () => {
    expect(() => parseCli(['--port', '70000'])).toThrow(/--port/);
    expect(() => parseCli(['--max-frame-size', 'big'])).toThrow(/--max-frame-size/);
    expect(() => parseCli(['--heartbeat', '5000'])).toThrow(/--heartbeat: expected <ms,ms>/);
    expect(() => parseCli(['--heartbeat', '-1,5'])).toThrow(/--heartbeat/);
    expect(() => parseCli(['--nope'])).toThrow(/nope/);
    const dir = await mkdtemp(join(tmpdir(), 'stompkit-cli-'));
    try {
      await writeFile(join(dir, 'u.json'), '["ana"]');
      expect(() => parseCli(['--users', join(dir, 'u.json')])).toThrow(/JSON object/);
      await writeFile(join(dir, 'v.json'), '{"ana": 1}');
      expect(() => parseCli(['--users', join(dir, 'v.json')])).toThrow(/not a string/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('--help and the README broker section list the same options', async () => {
    const flags = (text: string) => [...new Set(text.match(/--[a-z][a-z-]+/g))].filter((f) => f !== '--help').sort();
    const readme = await readFile(resolve('README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## The broker'), readme.indexOf('\n## ', readme.indexOf('## The broker') + 1));
    expect(flags(USAGE)).toEqual(['--acl', '--allow-origin', '--data-dir', '--heartbeat', '--host', '--max-frame-size', '--max-memory', '--memory', '--policies', '--port', '--queue-memory', '--room-directory', '--room-directory-login', '--stream-memory', '--users', '--verbose']);
    expect(flags(section)).toEqual(flags(USAGE));
  });

  it('refuses a memory window that is not a positive number of MiB', () => {
    expect(() => parseCli(['--queue-memory', '0'])).toThrow(/--queue-memory: expected MiB > 0, got 0/);
    expect(() => parseCli(['--stream-memory', 'lots'])).toThrow(/--stream-memory: expected MiB > 0, got lots/);
  });

  it('shows help', () => {
    expect(parseCli(['--help'])).toBe('help');
  });
});
