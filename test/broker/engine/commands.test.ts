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

describe('RabbitMQ destinations beyond /queue/ and /topic/ (see router.ts, commands.ts)', () => {
  async function clients(options: EngineOptions = {}) {
    const e = await engine(options);
    const make = () => {
      const c = new FakeClient(e);
      c.connect();
      return c;
    };
    return { e, make };
  }

  test('/amq/queue/: SEND reaches an existing queue without declaring it; to a missing one it is dropped', async () => {
    const { e, make } = await clients();
    const a = make();
    a.frame('SEND', { destination: '/amq/queue/nope', receipt: 'r1' }, 'x');
    expect(a.last()).toMatchObject({ command: 'RECEIPT', headers: { 'receipt-id': 'r1' } });
    expect(e.stats().destinations).toEqual([]);
    const b = make();
    b.frame('SUBSCRIBE', { id: 's', destination: '/queue/q', durable: 'false', 'auto-delete': 'true' });
    // Declaration headers are ignored (a stream type on a classic queue is not refused).
    a.frame('SEND', { destination: '/amq/queue/q', 'x-queue-type': 'stream', foo: 'bar' }, 'via-amq');
    const [m] = b.take('MESSAGE');
    expect(dec.decode(m.body)).toBe('via-amq');
    expect(m.headers).toMatchObject({ destination: '/queue/q', foo: 'bar' });
    await e.close();
  });

  test('/amq/queue/: SUBSCRIBE to a missing queue is not_found; to an existing one (a stream too) it reads', async () => {
    await expectError(['SUBSCRIBE', { destination: '/amq/queue/nope', id: '0' }], 'not_found', /^NOT_FOUND - no queue 'nope' in vhost '\/'$/);
    const { e, make } = await clients();
    const a = make();
    const STREAM = { 'x-queue-type': 'stream', durable: 'true', 'auto-delete': 'false' };
    a.frame('SEND', { destination: '/queue/log', ...STREAM }, 'm0');
    const r = make();
    r.frame('SUBSCRIBE', { id: 'r', destination: '/amq/queue/log', ack: 'client', 'prefetch-count': '10', 'x-stream-offset': 'first' });
    await flush(); // stream messages are visible once stored
    expect(r.bodies()).toEqual(['m0']);
    expect(r.frames[1].headers['destination']).toBe('/queue/log');
    const bad = make();
    bad.frame('SUBSCRIBE', { id: 'r', destination: '/amq/queue/log', ack: 'auto', 'prefetch-count': '10' });
    expect(bad.last().headers['message']).toBe('Processing error');
    await e.close();
  });

  test('/amq/queue/ in a transaction looks the queue up at COMMIT', async () => {
    const { e, make } = await clients();
    const a = make();
    a.frame('BEGIN', { transaction: 't' });
    a.frame('SEND', { destination: '/amq/queue/later', transaction: 't' }, 'x');
    const b = make();
    b.frame('SUBSCRIBE', { id: 's', destination: '/queue/later', durable: 'false' });
    a.frame('COMMIT', { transaction: 't' });
    expect(b.bodies()).toEqual(['x']);
    await e.close();
  });

  test('/queue/amq.* is reserved (access_refused)', () =>
    expectError(['SEND', { destination: '/queue/amq.gen-mine' }], 'access_refused', /^ACCESS_REFUSED - queue name 'amq.gen-mine' contains reserved prefix 'amq.\*'$/));

  test('/exchange/amq.topic/<key> is /topic/<key> both ways; other exchanges are not_found', async () => {
    const { e, make } = await clients();
    const a = make();
    a.frame('SUBSCRIBE', { id: 'e1', destination: '/exchange/amq.topic/probe.*' });
    a.frame('SUBSCRIBE', { id: 't1', destination: '/topic/probe.x' });
    const b = make();
    b.frame('SEND', { destination: '/exchange/amq.topic/probe.x' }, 'via-exchange');
    b.frame('SEND', { destination: '/topic/probe.x' }, 'via-topic');
    const got = a.take('MESSAGE').map((f) => [f.headers['subscription'], f.headers['destination'], dec.decode(f.body)]);
    expect(got.sort((x, y) => `${x[2]}${x[0]}`.localeCompare(`${y[2]}${y[0]}`))).toEqual([
      ['e1', '/topic/probe.x', 'via-exchange'],
      ['t1', '/topic/probe.x', 'via-exchange'],
      ['e1', '/topic/probe.x', 'via-topic'],
      ['t1', '/topic/probe.x', 'via-topic'],
    ]);
    a.frame('UNSUBSCRIBE', { id: 'e1' });
    b.frame('SEND', { destination: '/topic/probe.x' }, 'again');
    expect(a.take('MESSAGE').map((f) => f.headers['subscription'])).toEqual(['t1']);
    await e.close();
    await expectError(['SEND', { destination: '/exchange/nope-ex/k' }], 'not_found', /^NOT_FOUND - no exchange 'nope-ex' in vhost '\/'$/);
  });

  test('the authorize hook is asked about what an alias reaches', async () => {
    const asked: string[] = [];
    const { e, make } = await clients({ authorize: (_u, a, d) => (asked.push(`${a} ${d}`), true) });
    const a = make();
    a.frame('SEND', { destination: '/exchange/amq.topic/k' }, 'x');
    a.frame('SEND', { destination: '/amq/queue/q' }, 'x');
    a.frame('SEND', { destination: '/reply-queue/q' }, 'x');
    a.frame('SUBSCRIBE', { id: 's', destination: '/exchange/amq.topic/k.#' });
    expect(asked).toEqual(['send /topic/k', 'send /queue/q', 'subscribe /topic/k.#']);
    await e.close();
  });

  describe('/temp-queue/ replies', () => {
    async function requestReply() {
      const { e, make } = await clients();
      const server = make();
      server.frame('SUBSCRIBE', { id: 'req', destination: '/queue/req', durable: 'false', 'auto-delete': 'true' });
      const client = make();
      const ask = (body: string, replyTo = '/temp-queue/foo') =>
        client.frame('SEND', { destination: '/queue/req', durable: 'false', 'auto-delete': 'true', 'reply-to': replyTo }, body);
      const replyTo = () => server.take('MESSAGE').map((f) => f.headers['reply-to']);
      return { e, make, server, client, ask, replyTo };
    }

    test('reply-to is rewritten to a /reply-queue/ of a private queue; replies come back without a SUBSCRIBE', async () => {
      const { e, server, client, ask, replyTo } = await requestReply();
      ask('question');
      const [to] = replyTo();
      expect(to).toMatch(/^\/reply-queue\/amq\.gen-[A-Za-z0-9_-]{22}$/);
      server.frame('SEND', { destination: to, 'x-custom': '1' }, 'answer');
      const [m] = client.take('MESSAGE');
      const queue = to.slice('/reply-queue/'.length);
      expect(dec.decode(m.body)).toBe('answer');
      expect(m.headers).toMatchObject({
        subscription: '/temp-queue/foo',
        destination: `/queue/${queue}`,
        redelivered: 'false',
        'x-custom': '1',
      });
      expect(m.headers['message-id']).toMatch(/^T_\/temp-queue\/foo@@session-.+@@\d+$/);
      expect(m.headers['ack']).toBeUndefined();
      // The same temp name reuses the queue; another name gets another one.
      ask('again');
      ask('other', '/temp-queue/bar');
      const [same, other] = replyTo();
      expect(same).toBe(to);
      expect(other).not.toBe(to);
      // Replies to another connection's temp queue are delivered; reading it is refused.
      server.frame('SEND', { destination: `/amq/queue/${queue}` }, 'via-amq');
      expect(client.bodies()).toEqual(['via-amq']);
      server.frame('SUBSCRIBE', { id: 'steal', destination: `/amq/queue/${queue}` });
      expect(server.last().headers['message']).toBe('resource_locked');
      await e.close();
    });

    test('the temp queue goes with its connection; a later reply is dropped with a RECEIPT', async () => {
      const { e, server, client, ask, replyTo } = await requestReply();
      ask('question');
      const [to] = replyTo();
      client.frame('DISCONNECT', { receipt: 'bye' });
      expect(e.stats().destinations.map((d) => d.destination)).toEqual(['/queue/req']);
      server.frame('SEND', { destination: to, receipt: 'late' }, 'answer');
      expect(server.last()).toMatchObject({ command: 'RECEIPT', headers: { 'receipt-id': 'late' } });
      await e.close();
    });

    test('UNSUBSCRIBE of the implicit subscription deletes the queue; the next reply-to gets a new one', async () => {
      const { e, client, ask, replyTo } = await requestReply();
      ask('q1');
      const [first] = replyTo();
      client.frame('UNSUBSCRIBE', { id: '/temp-queue/foo', receipt: 'u' });
      expect(client.last().command).toBe('RECEIPT');
      ask('q2');
      const [second] = replyTo();
      expect(second).not.toBe(first);
      await e.close();
    });

    test('temp queues count against maxSubscriptionsPerConnection', async () => {
      const { e, make } = await clients({ limits: { maxSubscriptionsPerConnection: 2 } });
      const c = make();
      c.frame('SEND', { destination: '/topic/x', 'reply-to': '/temp-queue/a' }, '');
      c.frame('SEND', { destination: '/topic/x', 'reply-to': '/temp-queue/b' }, '');
      c.frame('SEND', { destination: '/topic/x', 'reply-to': '/temp-queue/c' }, '');
      expect(c.last().headers['message']).toBe('Too many subscriptions');
      await e.close();
    });

    test('other reply-to values pass through', async () => {
      const { e, ask, replyTo } = await requestReply();
      ask('q', '/queue/plain');
      expect(replyTo()).toEqual(['/queue/plain']);
      await e.close();
    });

    test("SEND or SUBSCRIBE to /temp-queue/ itself: 'Invalid destination'", async () => {
      await expectError(['SUBSCRIBE', { destination: '/temp-queue/foo', id: '0' }], 'Invalid destination', /^'\/temp-queue\/foo' is not a valid destination for 'SUBSCRIBE'$/);
      await expectError(['SEND', { destination: '/temp-queue/foo' }], 'Invalid destination', /^'\/temp-queue\/foo' is not a valid destination for 'SEND'$/);
    });

    test("reply-to:/temp-queue/ without a name: 'Processing error'", () =>
      expectError(['SEND', { destination: '/topic/x', 'reply-to': '/temp-queue/' }], 'Processing error'));
  });
});
