import { parsePolicies, policyResolver } from '../../../src/broker/engine/policy.js';
import { CHAT_POLICIES } from '../../../src/broker/node/create-broker.js';
import { FakeClient, dec, engine, flush } from './harness.js';

describe('queue policies', () => {
  test('the highest priority match applies; a queue sets its own values, except that the lower max-length(-bytes) wins', () => {
    const resolve = policyResolver([
      { name: 'rooms', pattern: '^chat\\.room\\.', definition: { 'max-age': '90D', 'max-length-bytes': 1000 } },
      { name: 'audit', pattern: '^chat\\.room\\.audit$', priority: 5, definition: { 'max-age': '7Y' } },
    ]);
    expect(resolve('chat.room.general', {})).toEqual({ 'x-max-age': '90D', 'x-max-length-bytes': '1000' });
    expect(resolve('chat.room.audit', {})).toEqual({ 'x-max-age': '7Y' });
    expect(resolve('chat.room.x', { 'x-max-age': '1D', 'x-max-length-bytes': '5000' })).toEqual({ 'x-max-age': '1D', 'x-max-length-bytes': '1000' });
    expect(resolve('chat.room.x', { 'x-max-length-bytes': '10' })).toEqual({ 'x-max-age': '90D', 'x-max-length-bytes': '10' });
    expect(resolve('jobs', { 'x-max-length': '3' })).toEqual({ 'x-max-length': '3' });
  });

  test('chat rooms keep 90 days and 1 GiB by default', () => {
    expect(policyResolver(CHAT_POLICIES)('chat.room.general', {})).toEqual({ 'x-max-age': '90D', 'x-max-length-bytes': String(1 << 30) });
    expect(policyResolver(CHAT_POLICIES)('chat.rooms', {})).toEqual({});
  });

  test.each([
    [{}, /expected a JSON array/],
    [[{ pattern: 'x', definition: {} }], /needs a name/],
    [[{ name: 'a', pattern: '(', definition: {} }], /policy "a": pattern is not a regular expression/],
    [[{ name: 'a', pattern: 'x', definition: { 'max-age': '30 days' } }], /max-age: expected a duration/],
    [[{ name: 'a', pattern: 'x', definition: { 'max-length-bytes': -1 } }], /max-length-bytes: expected an integer/],
    [[{ name: 'a', pattern: 'x', definition: { 'ha-mode': 'all' } }], /unknown definition key "ha-mode"/],
    [[{ name: 'a', pattern: 'x', priority: 1.5, definition: {} }], /priority must be an integer/],
  ])('refuses %j with a clear error', (value, message) => {
    expect(() => parsePolicies(value, 'p.json')).toThrow(message);
  });

  test('a policy sets the retention of a stream declared without its own', async () => {
    const e = await engine({ policies: [{ name: 'small', pattern: '^s\\.', definition: { 'max-length-bytes': 10 } }] });
    const c = new FakeClient(e);
    c.connect();
    const decl = { 'x-queue-type': 'stream', durable: 'true', 'auto-delete': 'false' };
    for (let i = 0; i < 5; i++) {
      c.frame('SEND', { destination: '/queue/s.1', ...decl }, `abcd${i}`);
      c.frame('SEND', { destination: '/queue/t.1', ...decl }, `abcd${i}`);
    }
    await flush();
    for (const q of ['/queue/s.1', '/queue/t.1']) {
      c.frame('SUBSCRIBE', { id: q, destination: q, ...decl, ack: 'client', 'prefetch-count': '10', 'x-stream-offset': 'first' });
    }
    await flush();
    const got = (q: string) => c.frames.filter((f) => f.headers.subscription === q).map((f) => dec.decode(f.body));
    expect(got('/queue/s.1')).toEqual(['abcd3', 'abcd4']);
    expect(got('/queue/t.1')).toHaveLength(5);
    await e.close();
  });
});
