import { createStompSession } from '../../src/core/session.js';
import { createRecentIds } from '../../src/core/subscriptions.js';
import type { IncomingMessage, StompSession, StompSessionOptions } from '../../src/core/types.js';
import { createMemoryBroker, waitForStatus, type MemoryBroker } from '../../src/testing/index.js';

let broker: MemoryBroker;
const sessions: StompSession[] = [];

function open(options: Partial<StompSessionOptions> = {}): StompSession {
  const session = createStompSession({
    url: 'memory://stompkit',
    socketFactory: broker.socketFactory,
    reconnect: { baseDelay: 20, maxDelay: 100 },
    ...options,
  });
  sessions.push(session);
  return session;
}

beforeEach(() => {
  broker = createMemoryBroker();
});
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
  await broker.close();
});

const commands = (name: string) => broker.stats().commands[name] ?? 0;

describe('subscriptions', () => {
  it('equal destination + headers share one SUBSCRIBE; the last unsubscribe sends UNSUBSCRIBE', async () => {
    const session = open();
    await waitForStatus(session, 'connected');
    const a: string[] = [];
    const b: string[] = [];
    const offA = session.subscribe('/topic/news', (m) => a.push(m.body), { ack: 'auto' });
    const offB = session.subscribe('/topic/news', (m) => b.push(m.body), { ack: 'auto' });
    const offOther = session.subscribe('/topic/news', () => undefined, { ack: 'auto', selector: 'x' });
    await session.send('/topic/news', 'one');
    await vi.waitFor(() => expect([a, b]).toEqual([['one'], ['one']]));
    expect(commands('SUBSCRIBE')).toBe(2);
    offA();
    offA(); // idempotent: does not steal b's reference
    await session.send('/topic/news', 'two');
    await vi.waitFor(() => expect(b).toEqual(['one', 'two']));
    expect(a).toEqual(['one']);
    expect(commands('UNSUBSCRIBE')).toBe(0);
    offB();
    offOther();
    await vi.waitFor(() => expect(commands('UNSUBSCRIBE')).toBe(2));
  });

  it('a stream read from a position is never shared: one opened later still reads from that position', async () => {
    const session = open();
    await waitForStatus(session, 'connected');
    const stream = { 'x-queue-type': 'stream', durable: 'true', 'auto-delete': 'false' };
    for (const body of ['one', 'two']) await session.send('/queue/history', body, stream);
    const read = { ...stream, ack: 'client', 'prefetch-count': '10', 'x-stream-offset': 'first' };
    const first: string[] = [];
    const later: string[] = [];
    session.subscribe('/queue/history', (m) => first.push(m.body), read);
    await vi.waitFor(() => expect(first).toEqual(['one', 'two']));
    // Equal headers: joining the first read would have given only what comes next.
    session.subscribe('/queue/history', (m) => later.push(m.body), read);
    await vi.waitFor(() => expect(later).toEqual(['one', 'two']));
    expect(commands('SUBSCRIBE')).toBe(2);
    await session.send('/queue/history', 'three', stream);
    await vi.waitFor(() => expect([first, later]).toEqual([['one', 'two', 'three'], ['one', 'two', 'three']]));
  });

  it('the same function subscribed twice counts twice', async () => {
    const session = open();
    await waitForStatus(session, 'connected');
    const got: string[] = [];
    const handler = (m: IncomingMessage) => got.push(m.body);
    const off1 = session.subscribe('/topic/x', handler);
    session.subscribe('/topic/x', handler);
    off1();
    await session.send('/topic/x', 'still');
    await vi.waitFor(() => expect(got).toEqual(['still']));
  });

  it('subscriptions made offline are sent on CONNECTED and restored after every reconnect', async () => {
    const session = open({ autoConnect: false });
    const got: string[] = [];
    session.subscribe('/topic/r', (m) => got.push(m.body));
    session.connect();
    await waitForStatus(session, 'connected');
    await session.send('/topic/r', 'before');
    await vi.waitFor(() => expect(got).toEqual(['before']));
    for (let round = 1; round <= 2; round++) {
      broker.stop();
      await waitForStatus(session, 'reconnecting');
      broker.start();
      await waitForStatus(session, 'connected');
      await session.send('/topic/r', `after restart ${round}`);
    }
    await vi.waitFor(() => expect(got).toEqual(['before', 'after restart 1', 'after restart 2']));
  });

  it('a handler that throws does not stop the others', async () => {
    const errors: unknown[] = [];
    const session = open({ onHandlerError: (error) => errors.push(error) });
    await waitForStatus(session, 'connected');
    const got: string[] = [];
    session.subscribe('/topic/t', () => {
      throw new Error('boom');
    });
    session.subscribe('/topic/t', (m) => got.push(m.body));
    await session.send('/topic/t', 'a');
    await session.send('/topic/t', 'b');
    await vi.waitFor(() => expect(got).toEqual(['a', 'b']));
    expect(errors.map(String)).toEqual(['Error: boom', 'Error: boom']);
  });

  it('drops a message whose idempotency key it has already delivered', async () => {
    const sender = open();
    const receiver = open();
    await Promise.all([waitForStatus(sender, 'connected'), waitForStatus(receiver, 'connected')]);
    const got: string[] = [];
    receiver.subscribe('/topic/d', (m) => got.push(`${m.idempotencyKey}:${m.body}`));
    // As after a lost receipt: the same key goes out twice.
    await sender.send('/topic/d', 'first', { 'stompkit-id': 'k1' });
    await sender.send('/topic/d', 'resent', { 'stompkit-id': 'k1' });
    await sender.send('/topic/d', 'next', { 'stompkit-id': 'k2' });
    await vi.waitFor(() => expect(got).toEqual(['k1:first', 'k2:next']));
  });

  it('acknowledges a dropped duplicate on a client-ack subscription so it is not redelivered', async () => {
    const sender = open();
    const receiver = open();
    await Promise.all([waitForStatus(sender, 'connected'), waitForStatus(receiver, 'connected')]);
    const got: IncomingMessage[] = [];
    receiver.subscribe('/queue/acked', (m) => {
      got.push(m);
      m.ack();
    }, { ack: 'client-individual' });
    await sender.send('/queue/acked', 'one', { 'stompkit-id': 'same' });
    await sender.send('/queue/acked', 'two', { 'stompkit-id': 'same' });
    await sender.send('/queue/acked', 'three');
    await vi.waitFor(() => expect(got.map((m) => m.body)).toEqual(['one', 'three']));
    await vi.waitFor(() => expect(broker.stats().destinations.find((d) => d.destination === '/queue/acked')?.depth).toBe(0));
  });

  it('a NACKed message reaches the application again when redelivered', async () => {
    const sender = open();
    const receiver = open();
    await Promise.all([waitForStatus(sender, 'connected'), waitForStatus(receiver, 'connected')]);
    const got: string[] = [];
    receiver.subscribe('/queue/nacked', (m) => {
      got.push(`${m.body}:${m.headers.redelivered}`);
      if (got.length === 1) m.nack();
      else m.ack();
    }, { ack: 'client-individual' });
    await sender.send('/queue/nacked', 'job');
    await vi.waitFor(() => expect(got).toEqual(['job:false', 'job:true']));
  });

  it('an unacknowledged message redelivered after a reconnect reaches the application again', async () => {
    const sender = open();
    const receiver = open();
    await Promise.all([waitForStatus(sender, 'connected'), waitForStatus(receiver, 'connected')]);
    const got: IncomingMessage[] = [];
    receiver.subscribe('/queue/unacked', (m) => got.push(m), { ack: 'client-individual' });
    await sender.send('/queue/unacked', 'job');
    await vi.waitFor(() => expect(got).toHaveLength(1));
    broker.stop();
    await waitForStatus(receiver, 'reconnecting');
    broker.start();
    await vi.waitFor(() => expect(got).toHaveLength(2));
    expect(got[1]!.headers.redelivered).toBe('true');
    expect(got[1]!.idempotencyKey).toBe(got[0]!.idempotencyKey);
    got[1]!.ack();
    await vi.waitFor(() => expect(broker.stats().destinations.find((d) => d.destination === '/queue/unacked')?.depth).toBe(0));
  });

  it('parses JSON bodies by content-type and keeps bytes as they are', async () => {
    const session = open();
    await waitForStatus(session, 'connected');
    const got: IncomingMessage[] = [];
    session.subscribe('/topic/j', (m) => got.push(m));
    await session.send('/topic/j', { text: 'hé' });
    await session.send('/topic/j', '{"not":"parsed"}');
    await session.send('/topic/j', 'not json', { 'content-type': 'application/json' });
    await session.send('/topic/j', new Uint8Array([0, 200, 255]), { 'content-type': 'application/octet-stream' });
    await vi.waitFor(() => expect(got).toHaveLength(4));
    expect(got[0]!.json).toEqual({ text: 'hé' });
    expect(got[0]!.headers['content-type']).toBe('application/json');
    expect(got[1]!.json).toBeUndefined();
    expect(got[1]!.body).toBe('{"not":"parsed"}');
    expect(got[2]!.json).toBeUndefined(); // says JSON, is not: no throw, no value
    expect([...got[3]!.binaryBody]).toEqual([0, 200, 255]);
    expect(got[3]!.messageId).not.toBe('');
    expect(got[3]!.destination).toBe('/topic/j');
  });

  it('a SUBSCRIBE the broker refuses is reported once and not restored (no reconnect loop)', async () => {
    await broker.close();
    broker = createMemoryBroker({ authorize: (_user, action, destination) => !(action === 'subscribe' && destination === '/topic/secret') });
    const refused: unknown[] = [];
    const session = open({ onSubscriptionError: (e) => refused.push(e) });
    const statuses: string[] = [];
    session.subscribe(() => statuses.push(session.getSnapshot().status));
    const got: string[] = [];
    session.subscribe('/topic/open', (m) => got.push(m.body));
    await waitForStatus(session, 'connected');
    session.subscribe('/topic/secret', () => undefined, { ack: 'auto' });
    await vi.waitFor(() => expect(refused).toHaveLength(1));
    expect(refused[0]).toMatchObject({ destination: '/topic/secret', headers: { ack: 'auto' } });
    expect((refused[0] as { message: string }).message).toMatch(/ACCESS_REFUSED/);
    // The ERROR closed the connection; the session comes back without the refused one.
    await vi.waitFor(() => expect(statuses.filter((x) => x === 'connected')).toHaveLength(2));
    expect(statuses.at(-2)).toBe('reconnecting');
    await session.send('/topic/open', 'still here');
    await vi.waitFor(() => expect(got).toEqual(['still here']));
    expect(refused).toHaveLength(1);
    expect(session.getSnapshot().status).toBe('connected');
  });

  it('refuses bad arguments clearly', () => {
    const session = open({ autoConnect: false });
    expect(() => session.subscribe('', () => undefined)).toThrow(/destination/);
    expect(() => session.subscribe('/topic/x', 'nope' as never)).toThrow(/handler must be a function/);
    expect(() => session.subscribe('/topic/x', () => undefined, { id: 'mine' })).toThrow(/"id" is set by the session/);
    expect(() => session.subscribe('/topic/x', () => undefined, { receipt: 'r' })).toThrow(/"receipt" is set by the session/);
    expect(() => session.subscribe('/topic/x', () => undefined, { n: 1 as never })).toThrow(/"n" must be a string/);
  });
});

describe('RecentIds', () => {
  it('remembers a bounded number of ids, least recently set leaves first', () => {
    const ids = createRecentIds(3);
    for (const id of ['a', 'b', 'c']) ids.set(id, 'delivered');
    ids.set('a', 'acked'); // a is now the newest
    ids.set('d', 'delivered'); // b leaves
    expect(ids.size).toBe(3);
    expect([ids.get('a'), ids.get('b'), ids.get('c'), ids.get('d')]).toEqual(['acked', undefined, 'delivered', 'delivered']);
    ids.ackAll();
    expect(ids.get('c')).toBe('acked');
    ids.forget('c');
    expect(ids.get('c')).toBeUndefined();
  });
});
