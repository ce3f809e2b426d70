import { describe, expect, test } from 'vitest';
import { FakeClient, dec, engine, flush } from './harness.js';
import type { EngineOptions } from '../../../src/broker/engine/types.js';

async function connected(options: EngineOptions = {}, login = 'guest') {
  const e = await engine(options);
  const c = new FakeClient(e);
  c.connect({ login, passcode: 'guest' });
  await flush();
  return { e, c };
}

/** Send one bad frame with a receipt; expect ERROR(message, receipt-id) then close. */
async function expectError(
  frame: [string, Record<string, string>, string?],
  message: string,
  detail?: RegExp,
  options: EngineOptions = {},
) {
  const { e, c } = await connected(options);
  c.frame(frame[0], { ...frame[1], receipt: 'bad' }, frame[2]);
  await flush();
  const err = c.last();
  expect(err.command).toBe('ERROR');
  expect(err.headers['message']).toBe(message);
  expect(err.headers['receipt-id']).toBe('bad');
  expect(err.headers['content-type']).toBe('text/plain');
  if (detail) expect(dec.decode(err.body)).toMatch(detail);
  expect(c.closed).toBe(true);
  expect(e.stats().connections.memory).toBe(0);
  await e.close();
}

describe('ERROR then close, with receipt-id', () => {
  test('unknown command', () => expectError(['FOO', {}], 'Bad command', /Could not interpret command "FOO"/));
  test('missing destination on SEND', () =>
    expectError(['SEND', {}], 'Missing destination', /"SEND" must include a 'destination' header/));
  test('missing id on SUBSCRIBE (1.2)', () => expectError(['SUBSCRIBE', { destination: '/topic/x' }], 'Missing header'));
  test('unknown destination prefix', () =>
    expectError(['SEND', { destination: '/foo/bar' }], 'Unknown destination', /'\/foo\/bar' is not a valid destination/));
  test('empty queue name', () => expectError(['SUBSCRIBE', { destination: '/queue/', id: '1' }], 'Unknown destination'));
  test('unknown transaction on COMMIT', () =>
    expectError(['COMMIT', { transaction: 'nope' }], 'Bad transaction', /Invalid transaction identifier: "nope"/));
  test('unknown transaction on SEND', () =>
    expectError(['SEND', { destination: '/topic/x', transaction: 'nope' }], 'Bad transaction'));
  test('UNSUBSCRIBE of an unknown id', () => expectError(['UNSUBSCRIBE', { id: 'zz' }], 'No subscription found'));
  test('bad ack mode', () => expectError(['SUBSCRIBE', { destination: '/topic/x', id: '1', ack: 'maybe' }], 'Bad ack mode'));
  test('bad prefetch-count', () =>
    expectError(['SUBSCRIBE', { destination: '/queue/x', id: '1', 'prefetch-count': 'lots' }], 'Bad prefetch-count'));
  test('user-id that is not the login (RabbitMQ wording)', () =>
    expectError(
      ['SEND', { destination: '/topic/x', 'user-id': 'mallory' }],
      'precondition_failed',
      /^PRECONDITION_FAILED - user_id property set to 'mallory' but authenticated user was 'guest'$/,
    ));
  test('authorization refused (sync hook)', () =>
    expectError(['SEND', { destination: '/topic/secret' }], 'access_refused', /refused for user 'guest'/, {
      authorize: (_u, _a, d) => d !== '/topic/secret',
    }));
  test('authorization refused (async hook) on SUBSCRIBE', () =>
    expectError(['SUBSCRIBE', { destination: '/queue/secret', id: '1' }], 'access_refused', /subscribe access/, {
      authorize: async (_u, a) => a !== 'subscribe',
    }));
  test('malformed header (bad escape): receipt-id when the receipt header came first', async () => {
    const { e, c } = await connected();
    c.send('SEND\nreceipt:bad\ndestination:/topic/x\na\\t:1\n\n\0');
    expect(c.last()).toMatchObject({ command: 'ERROR', headers: { message: 'Malformed frame', 'receipt-id': 'bad' } });
    expect(c.closed).toBe(true);
    await e.close();
  });

  test('a duplicated subscription id', async () => {
    const { e, c } = await connected();
    c.frame('SUBSCRIBE', { destination: '/topic/x', id: 'a' });
    c.frame('SUBSCRIBE', { destination: '/topic/y', id: 'a', receipt: 'r' });
    expect(c.last()).toMatchObject({ command: 'ERROR', headers: { message: 'Duplicated subscription identifier', 'receipt-id': 'r' } });
    await e.close();
  });

  test('a malformed frame without receipt has no receipt-id', async () => {
    const { e, c } = await connected();
    c.send('SEND\nno colon here\n\n\0');
    expect(c.last().command).toBe('ERROR');
    expect(c.last().headers['receipt-id']).toBeUndefined();
    await e.close();
  });

  test('after ERROR nothing else is processed', async () => {
    const { e, c } = await connected();
    const other = new FakeClient(e);
    other.connect();
    other.frame('SUBSCRIBE', { id: '1', destination: '/topic/x' });
    c.send('FOO\n\n\0SEND\ndestination:/topic/x\n\nlost\0');
    expect(other.bodies()).toEqual([]);
    await e.close();
  });
});

describe('sender identity', () => {
  test('the broker stamps user-id on MESSAGEs from an authenticated sender; a matching user-id passes', async () => {
    const { e, c } = await connected({}, 'alice');
    c.frame('SUBSCRIBE', { id: '1', destination: '/topic/chat' });
    c.frame('SEND', { destination: '/topic/chat' }, 'no claim');
    c.frame('SEND', { destination: '/topic/chat', 'user-id': 'alice', 'stompkit-id': 'k1' }, 'claim');
    const msgs = c.take('MESSAGE');
    expect(msgs.map((m) => m.headers['user-id'])).toEqual(['alice', 'alice']);
    expect(msgs[1].headers['stompkit-id']).toBe('k1');
    await e.close();
  });

  test('the authenticate hook decides the user, not the login header', async () => {
    const e = await engine({ authenticate: () => ({ ok: true, user: 'svc' }) });
    const c = new FakeClient(e);
    c.connect({ login: 'whoever' });
    c.frame('SUBSCRIBE', { id: '1', destination: '/topic/t' });
    c.frame('SEND', { destination: '/topic/t' }, 'x');
    expect(c.take('MESSAGE')[0].headers['user-id']).toBe('svc');
    await e.close();
  });

  test('an anonymous sender gets no user-id and may not claim one', async () => {
    const e = await engine();
    const c = new FakeClient(e);
    c.connect();
    c.frame('SUBSCRIBE', { id: '1', destination: '/topic/t' });
    c.frame('SEND', { destination: '/topic/t' }, 'x');
    expect(c.take('MESSAGE')[0].headers['user-id']).toBeUndefined();
    c.frame('SEND', { destination: '/topic/t', 'user-id': 'bob' }, 'y');
    expect(c.last()).toMatchObject({ command: 'ERROR', headers: { message: 'precondition_failed' } });
    await e.close();
  });

  test('the authorize hook is asked once per action and destination', async () => {
    const asked: string[] = [];
    const { e, c } = await connected({ authorize: (u, a, d) => (asked.push(`${u} ${a} ${d}`), true) });
    for (let i = 0; i < 3; i++) c.frame('SEND', { destination: '/topic/a' }, 'x');
    c.frame('SUBSCRIBE', { id: '1', destination: '/topic/a' });
    expect(asked).toEqual(['guest send /topic/a', 'guest subscribe /topic/a']);
    await e.close();
  });
});

describe('SEND headers', () => {
  test('user headers pass through; destination, transaction and content-length are the frame’s own', async () => {
    const { e, c } = await connected({}, 'u');
    c.frame('SUBSCRIBE', { id: '1', destination: '/topic/t' });
    c.frame('BEGIN', { transaction: 'tx' });
    c.frame('SEND', { destination: '/topic/t', transaction: 'tx', 'content-type': 'application/json', 'x-custom': 'a:b' }, '{}');
    c.frame('COMMIT', { transaction: 'tx' });
    const [m] = c.take('MESSAGE');
    expect(m.headers).toEqual({
      subscription: '1',
      destination: '/topic/t',
      'message-id': m.headers['message-id'],
      redelivered: 'false',
      'content-type': 'application/json',
      'x-custom': 'a:b',
      'user-id': 'u',
      'content-length': '2',
    });
    await e.close();
  });

  test('binary bodies with NULs are delivered intact', async () => {
    const { e, c } = await connected();
    c.frame('SUBSCRIBE', { id: '1', destination: '/queue/bin' });
    const head = new TextEncoder().encode('SEND\ndestination:/queue/bin\ncontent-length:4\n\n');
    const frame = new Uint8Array([...head, 0, 255, 0, 7, 0]);
    c.send(frame);
    expect([...c.take('MESSAGE')[0].body]).toEqual([0, 255, 0, 7]);
    await e.close();
  });
});

describe('protocol versions', () => {
  test('1.0: SUBSCRIBE without id (the destination is the id), UNSUBSCRIBE by destination, no escaping', async () => {
    const e = await engine();
    const c = new FakeClient(e);
    c.frame('CONNECT', {});
    c.frame('SUBSCRIBE', { destination: '/topic/t' });
    c.send('SEND\ndestination:/topic/t\nraw:a\\cb\n\nx\0');
    // Raw bytes: the value went in and out untouched (the harness parser would unescape it).
    expect(dec.decode(c.chunks.at(-1))).toMatch(/^MESSAGE\nsubscription:\/topic\/t\n[^]*\nraw:a\\cb\n/);
    c.frame('UNSUBSCRIBE', { destination: '/topic/t', receipt: 'u' });
    expect(c.last()).toMatchObject({ command: 'RECEIPT' });
    await e.close();
  });

  test('1.1: escaped headers are unescaped on the way in and escaped on the way out', async () => {
    const e = await engine();
    const c = new FakeClient(e);
    c.frame('CONNECT', { 'accept-version': '1.1' });
    c.frame('SUBSCRIBE', { id: '1', destination: '/topic/t' });
    const old = new FakeClient(e);
    old.frame('CONNECT', {});
    old.frame('SUBSCRIBE', { destination: '/topic/t' });
    c.send('SEND\ndestination:/topic/t\nk:a\\cb\\nc\n\nx\0');
    // A 1.0 reader gets the decoded value; its EOL cannot be carried in 1.0 and becomes a space.
    expect(dec.decode(old.chunks.at(-1))).toContain('k:a:b c\n');
    expect(dec.decode(c.chunks.at(-1))).toContain('k:a\\cb\\nc\n');
    expect(c.take('MESSAGE')[0].headers['k']).toBe('a:b\nc');
    await e.close();
  });

  test('CONNECT header values are taken literally (a passcode with a backslash)', async () => {
    let seen = '';
    const e = await engine({
      authenticate: (login, passcode) => {
        seen = passcode ?? '';
        return { ok: true, user: login ?? '' };
      },
    });
    const c = new FakeClient(e);
    c.send('CONNECT\naccept-version:1.2\nlogin:a\npasscode:p\\cq\n\n\0');
    expect(seen).toBe('p\\cq');
    expect(c.last().command).toBe('CONNECTED');
    await e.close();
  });

  test('frames split across many chunks and many frames in one chunk', async () => {
    const e = await engine();
    const c = new FakeClient(e);
    const all = new TextEncoder().encode(
      'CONNECT\r\naccept-version:1.2\r\n\r\n\0\n' +
        'SUBSCRIBE\nid:1\ndestination:/topic/t\n\n\0' +
        'SEND\ndestination:/topic/t\ncontent-length:3\n\na\0b\0\n\n' +
        'SEND\ndestination:/topic/t\n\nsecond\0',
    );
    for (let i = 0; i < all.length; i += 3) c.send(all.subarray(i, i + 3));
    expect(c.take('MESSAGE').map((m) => [...m.body])).toEqual([[97, 0, 98], [...new TextEncoder().encode('second')]]);
    await e.close();
  });
});
