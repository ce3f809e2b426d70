import { describe, expect, test } from 'vitest';
import { TopicExchange, isWildcard, normalizePattern, topicMatches } from '../../../src/broker/engine/topic.js';
import { Entry, type Subscriber } from '../../../src/broker/engine/message.js';
import { FakeClient, dec, engine } from './harness.js';

describe('topicMatches (RabbitMQ topic exchange rules)', () => {
  const cases: Array<[string, string, boolean]> = [
    ['a.b', 'a.b', true],
    ['a.b', 'a.c', false],
    ['a.*', 'a.b', true],
    ['a.*', 'a', false],
    ['a.*', 'a.b.c', false],
    ['a.#', 'a', true],
    ['a.#', 'a.b.c', true],
    ['#', 'anything.at.all', true],
    ['#', 'x', true],
    ['*.b.#', 'a.b', true],
    ['*.b.#', 'b', false],
    ['a.#.z', 'a.z', true],
    ['a.#.z', 'a.b.c.z', true],
    ['a.#.z', 'a.b.c', false],
    ['#.#', 'a.b', true],
    ['*.*', 'a.b', true],
    ['*.*', 'a', false],
  ];
  test.each(cases)('%s vs %s → %s', (pattern, key, expected) => {
    expect(topicMatches(pattern, key)).toBe(expected);
  });
  test('isWildcard', () => {
    expect(isWildcard('a.*')).toBe(true);
    expect(isWildcard('a.#.b')).toBe(true);
    expect(isWildcard('a.b*')).toBe(false);
  });
});

function recorder(id: string): Subscriber & { got: string[] } {
  const got: string[] = [];
  return { id, ackMode: 'auto', prefetch: 0, open: true, got, deliver: (e) => void got.push(e.destination) };
}

const entry = (key: string) => new Entry({ offset: 0, timestamp: 0, headers: {}, body: new Uint8Array() }, `/topic/${key}`);

describe('TopicExchange', () => {
  test('the trie agrees with the reference matcher on every pattern/key pair', () => {
    const patterns = ['a.b', 'a.*', 'a.#', '#', '*.b.#', 'a.#.z', '#.#', '*.*', '*', 'a.*.c', '#.c'];
    const keys = ['a', 'a.b', 'a.b.c', 'a.z', 'a.b.z', 'x.b', 'x.b.y', 'c', 'a.x.c'];
    const ex = new TopicExchange();
    const subs = patterns.map((p) => {
      const s = recorder(p);
      ex.bind(p, s);
      return s;
    });
    for (const k of keys) ex.publish(k, entry(k));
    for (const s of subs) {
      expect(s.got).toEqual(keys.filter((k) => topicMatches(s.id, k)).map((k) => `/topic/${k}`));
    }
  });

  test('unbind stops delivery and prunes; the cache is refreshed', () => {
    const ex = new TopicExchange();
    const s = recorder('a.#');
    ex.bind('a.#', s);
    expect(ex.publish('a.b', entry('a.b'))).toBe(1);
    ex.unbind('a.#', s);
    expect(ex.publish('a.b', entry('a.b'))).toBe(0);
    const t = recorder('a.*');
    ex.bind('a.*', t);
    expect(ex.publish('a.b', entry('a.b'))).toBe(1);
    expect(ex.stats()).toEqual([{ destination: '/topic/a.*', kind: 'topic', subscribers: 1, depth: 0, storedBytes: 0 }]);
  });

  test('a subscription matched by several paths (#.#) gets the message once', () => {
    const ex = new TopicExchange();
    const s = recorder('#.#');
    ex.bind('#.#', s);
    ex.publish('a.b.c', entry('a.b.c'));
    expect(s.got).toHaveLength(1);
  });

  test('runs of # collapse without changing what matches, and a hostile pattern matches at once', () => {
    expect(normalizePattern('#.#.a.#.#.#.*.#')).toBe('#.a.#.*.#');
    const words = ['a', 'b', 'c', '*', '#'];
    for (let i = 0; i < 300; i++) {
      const pattern = Array.from({ length: 1 + (i % 6) }, (_, j) => words[(i * 7 + j * 3) % words.length]).join('.');
      for (const key of ['a', 'a.b', 'a.b.c', 'c.c.c.c', 'b.a']) expect(topicMatches(normalizePattern(pattern), key)).toBe(topicMatches(pattern, key));
    }
    // 400 `#` words interleaved with `*`: exponential for a naive walk (not even one key finishes).
    const hostile = Array.from({ length: 400 }, (_, i) => (i % 2 ? '*' : '#')).join('.');
    const ex = new TopicExchange();
    const s = recorder(hostile);
    ex.bind(hostile, s);
    const key = Array.from({ length: 250 }, (_, i) => `w${i}`).join('.');
    expect(ex.publish(key, entry(key))).toBe(1);
    expect(ex.publish('a.b', entry('a.b'))).toBe(0); // needs 200 words at least
  });

  test('closed subscribers are skipped', () => {
    const ex = new TopicExchange();
    const s = { ...recorder('k'), open: false };
    ex.bind('k', s);
    expect(ex.publish('k', entry('k'))).toBe(0);
  });
});

describe('topics through the engine', () => {
  test('wildcard subscriptions get MESSAGEs with the SEND destination, like RabbitMQ', async () => {
    const e = await engine();
    const sub = new FakeClient(e);
    const pub = new FakeClient(e);
    sub.connect();
    pub.connect();
    sub.frame('SUBSCRIBE', { id: 'star', destination: '/topic/a.*' });
    sub.frame('SUBSCRIBE', { id: 'hash', destination: '/topic/a.#' });
    sub.frame('SUBSCRIBE', { id: 'all', destination: '/topic/#' });
    pub.frame('SEND', { destination: '/topic/a.b' }, 'ab');
    pub.frame('SEND', { destination: '/topic/a' }, 'a');
    pub.frame('SEND', { destination: '/topic/a.b.c' }, 'abc');
    const got = sub.take('MESSAGE').map((f) => `${f.headers['subscription']} ${f.headers['destination']} ${dec.decode(f.body)}`);
    // Order across subscriptions is not specified; per subscription it is send order.
    expect(got.sort()).toEqual([
      'all /topic/a a',
      'all /topic/a.b ab',
      'all /topic/a.b.c abc',
      'hash /topic/a a',
      'hash /topic/a.b ab',
      'hash /topic/a.b.c abc',
      'star /topic/a.b ab',
    ]);
    await e.close();
  });

  test('fan-out to many connections; a topic keeps nothing for late subscribers', async () => {
    const e = await engine();
    const pub = new FakeClient(e);
    pub.connect();
    pub.frame('SEND', { destination: '/topic/t' }, 'early');
    const subs = Array.from({ length: 20 }, () => new FakeClient(e));
    subs.forEach((s, i) => {
      s.connect();
      s.frame('SUBSCRIBE', { id: `s${i}`, destination: '/topic/t' });
    });
    for (let i = 0; i < 10; i++) pub.frame('SEND', { destination: '/topic/t' }, `m${i}`);
    for (const s of subs) expect(s.bodies()).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
    await e.close();
  });
});

describe('topic subscriptions with client acks (a private queue, as in RabbitMQ)', () => {
  test('prefetch-count holds messages until ACK; NACK redelivers only to that subscription', async () => {
    const e = await engine();
    const c = new FakeClient(e);
    const other = new FakeClient(e);
    c.connect();
    other.connect();
    c.frame('SUBSCRIBE', { id: 't', destination: '/topic/tt', ack: 'client', 'prefetch-count': '1' });
    other.frame('SUBSCRIBE', { id: 'o', destination: '/topic/tt' });
    for (const b of ['t0', 't1', 't2']) other.frame('SEND', { destination: '/topic/tt' }, b);
    const [t0] = c.take('MESSAGE');
    expect(dec.decode(t0.body)).toBe('t0');
    expect(c.take('MESSAGE')).toEqual([]);
    c.frame('NACK', { id: t0.headers['ack'] });
    const [again] = c.take('MESSAGE');
    expect([dec.decode(again.body), again.headers['redelivered']]).toEqual(['t0', 'true']);
    c.frame('ACK', { id: again.headers['ack'] });
    expect(c.bodies()).toEqual(['t1']);
    expect(other.take('MESSAGE').map((m) => `${dec.decode(m.body)}:${m.headers['redelivered']}`)).toEqual([
      't0:false',
      't1:false',
      't2:false',
    ]);
    c.frame('UNSUBSCRIBE', { id: 't' });
    other.frame('SEND', { destination: '/topic/tt' }, 't3');
    expect(c.bodies()).toEqual(['t1']);
    expect(e.stats().destinations.find((d) => d.destination === '/topic/tt')?.subscribers).toBe(1);
    await e.close();
  });

  test('a client that never acks is cut off once its held bytes pass maxPendingBytes', async () => {
    const e = await engine({ limits: { maxPendingBytes: 5000 } });
    const c = new FakeClient(e);
    const pub = new FakeClient(e);
    c.connect();
    pub.connect();
    c.frame('SUBSCRIBE', { id: 't', destination: '/topic/#', ack: 'client-individual', 'prefetch-count': '1' });
    for (let i = 0; i < 10; i++) pub.frame('SEND', { destination: '/topic/x' }, 'z'.repeat(1000));
    expect(c.closed).toBe(true);
    expect(c.last()).toMatchObject({ command: 'ERROR', headers: { message: 'Slow consumer' } });
    expect(pub.closed).toBe(false);
    await e.close();
  });
});
