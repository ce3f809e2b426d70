/**
 * The room directory service over a real socket to a real dev broker: it
 * declares each created room's stream once, then says `room.ready`; a
 * restart re-reads the directory and declares nothing twice; a room the
 * broker refuses to declare is left out without a reconnect loop; direct
 * messages and invalid events are not its business.
 */
import { createBroker, type Broker } from '../../src/broker/index';
import { startRoomDirectory, type RoomDirectory } from '../../src/directory/index';
import { rawConnect, type RawStomp } from '../support/raw-stomp';
import { startSilentProxy } from '../support/silent-proxy';

let broker: Broker;
let port: number;
const services: RoomDirectory[] = [];
const peers: RawStomp[] = [];

beforeEach(async () => {
  broker = createBroker({ memory: true });
  ({ port } = await broker.listen(0));
});
afterEach(async () => {
  for (const p of peers.splice(0)) p.end();
  await Promise.all(services.splice(0).map((s) => s.stop()));
  await broker.close();
});

async function start(): Promise<RoomDirectory> {
  const service = startRoomDirectory({ url: `ws://127.0.0.1:${port}/ws`, passcode: 'x', settleMs: 50, reconnectDelay: 100 });
  services.push(service);
  await service.started;
  return service;
}

/** A member over raw STOMP/TCP (the dev broker serves TCP on the same port). */
async function member(login = 'alice'): Promise<RawStomp> {
  const { peer } = await rawConnect(port, { login });
  peers.push(peer);
  return peer;
}

let receipts = 0;
async function send(peer: RawStomp, destination: string, body: string, headers: Record<string, string> = {}): Promise<void> {
  const receipt = `r${++receipts}`;
  peer.send('SEND', { destination, 'user-id': 'alice', 'content-type': 'application/json', receipt, ...headers }, body);
  const frame = await peer.next(5000);
  expect(frame.command).toBe('RECEIPT');
}

const created = (roomId: string) => JSON.stringify({ id: `c-${roomId}`, type: 'room.created', roomId, ts: 1, name: roomId });

/** Every directory event, in order, as `type roomId author`. */
async function directory(): Promise<string[]> {
  const peer = await member('reader');
  peer.send('SUBSCRIBE', { id: 'd', destination: '/amq/queue/chat.rooms', ack: 'client', 'prefetch-count': '100', 'x-stream-offset': 'first' });
  const events: string[] = [];
  for (;;) {
    const frame = await peer.next(300).catch(() => null);
    if (!frame) return events;
    const event = JSON.parse(frame.body.toString()) as { type: string; roomId: string };
    events.push(`${event.type} ${event.roomId} ${frame.headers['user-id']}`);
  }
}

const streamExists = async (roomId: string): Promise<boolean> =>
  broker.stats().destinations.some((d) => d.destination === `/queue/chat.room.${roomId}` && d.kind === 'stream');

test('each created room is declared as a stream once and announced; a restart declares nothing twice', async () => {
  const first = await start();
  const alice = await member();
  await send(alice, '/amq/queue/chat.rooms', created('lunch'));
  await send(alice, '/amq/queue/chat.rooms', created('lunch')); // a duplicate request
  await send(alice, '/amq/queue/chat.rooms', created('ops'));
  await Promise.all([first.whenReady('lunch'), first.whenReady('ops')]);
  expect(await streamExists('lunch')).toBe(true);
  expect(await streamExists('ops')).toBe(true);
  await first.stop();
  services.splice(services.indexOf(first), 1);

  const again = await start();
  await send(alice, '/amq/queue/chat.rooms', created('later'));
  await again.whenReady('later');
  expect(await directory()).toEqual([
    'room.created lunch alice',
    'room.created lunch alice',
    'room.created ops alice',
    'room.ready lunch directory',
    'room.ready ops directory',
    'room.created later alice',
    'room.ready later directory',
  ]);
  expect([...again.ready]).toEqual(['lunch', 'ops', 'later']);
});

test('a room the broker refuses to declare (a classic queue of its name) is left out; the service goes on', async () => {
  const alice = await member();
  // Pre-declared as a classic queue, as an adversary could where members may declare.
  await send(alice, '/queue/chat.room.taken', 'classic', { durable: 'true', 'auto-delete': 'false' });
  const service = await start();
  await send(alice, '/amq/queue/chat.rooms', created('taken'));
  await send(alice, '/amq/queue/chat.rooms', created('fine'));
  await service.whenReady('fine');
  expect(service.refused.get('taken')).toMatch(/precondition_failed|inequivalent/i);
  expect(service.ready.has('taken')).toBe(false);
  // One refusal, one reconnect: no loop.
  await new Promise((r) => setTimeout(r, 500));
  await send(alice, '/amq/queue/chat.rooms', created('after'));
  await service.whenReady('after');
  expect((await directory()).filter((e) => e.startsWith('room.ready'))).toEqual(['room.ready fine directory', 'room.ready after directory']);
});

test('a link that goes silent without closing (a proxy that stops forwarding): noticed by heart-beats, and rooms created meanwhile are declared once it is back', async () => {
  const proxy = await startSilentProxy(port);
  const service = startRoomDirectory({ url: `ws://127.0.0.1:${proxy.port}/ws`, passcode: 'x', settleMs: 50, reconnectDelay: 100, heartbeat: 1000 });
  services.push(service);
  try {
    await service.started;
    const alice = await member();
    await send(alice, '/amq/queue/chat.rooms', created('before'));
    await service.whenReady('before');
    proxy.silence();
    // Asked for while the service's link is dead, and before it has noticed.
    await send(alice, '/amq/queue/chat.rooms', created('during'));
    // Heart-beats notice the dead link; the next attempt hangs as the path is still silent…
    await vi.waitFor(() => expect(proxy.connections).toBe(2), { timeout: 20_000, interval: 50 });
    // …and stays hung after the path is back: it must be given up (after 10 s), not waited on forever.
    await new Promise((r) => setTimeout(r, 500));
    expect(service.ready.has('during')).toBe(false);
    proxy.restore();
    await service.whenReady('during');
    expect((await directory()).filter((e) => e.startsWith('room.ready'))).toEqual(['room.ready before directory', 'room.ready during directory']);
  } finally {
    await proxy.close();
  }
}, 60_000);

test('direct messages, invalid events and room.ready from others are not declared', async () => {
  const service = await start();
  const alice = await member();
  await send(alice, '/amq/queue/chat.rooms', JSON.stringify({ id: 'd1', type: 'room.created', roomId: 'dm.alice.bob', ts: 1, name: 'dm' }));
  await send(alice, '/amq/queue/chat.rooms', 'not json');
  await send(alice, '/amq/queue/chat.rooms', JSON.stringify({ id: 'b1', type: 'room.created', roomId: 'Bad Id', ts: 1, name: 'x' }));
  await send(alice, '/amq/queue/chat.rooms', JSON.stringify({ id: 'r1', type: 'room.ready', roomId: 'forged', ts: 1 }));
  await send(alice, '/amq/queue/chat.rooms', created('real'));
  await service.whenReady('real');
  expect([...service.ready]).toEqual(['real']);
  expect(await streamExists('forged')).toBe(false);
  expect(broker.stats().destinations.map((d) => d.destination).filter((d) => d.startsWith('/queue/chat.room.'))).toEqual(['/queue/chat.room.real']);
});

test('the dev broker runs the service itself with --room-directory (createBroker roomDirectory); no one else signs in as it', async () => {
  const own = createBroker({ memory: true, roomDirectory: true, users: { alice: 'a' } });
  const { port: ownPort } = await own.listen(0);
  try {
    const { peer } = await rawConnect(ownPort, { login: 'alice', passcode: 'a' });
    peers.push(peer);
    // The directory exists once the built-in service is up.
    await vi.waitFor(() => expect(own.stats().destinations.some((d) => d.destination === '/queue/chat.rooms')).toBe(true));
    peer.send('SEND', { destination: '/amq/queue/chat.rooms', 'user-id': 'alice', receipt: 'c' }, created('built-in'));
    expect((await peer.next(5000)).command).toBe('RECEIPT');
    await vi.waitFor(() => expect(own.stats().destinations.some((d) => d.destination === '/queue/chat.room.built-in')).toBe(true));
    await expect(rawConnect(ownPort, { login: 'directory', passcode: 'a' })).rejects.toThrow();
  } finally {
    await own.close();
  }
});
