/**
 * `--acl` over real sockets: the broker CLI with users and the documented
 * chat ACL (docs/chat-acl.json). What an adversarial user did before —
 * read someone's private queue, subscribe to `/topic/#`, declare any queue,
 * list every destination through `/stats`, pre-declare a room's stream as a
 * classic queue or with a one-byte retention — is refused; the chat kit still
 * creates rooms (through the room directory service, the one principal that
 * declares room streams) and chats under the same file.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createChatClient } from '../../../src/chat/index.js';
import { withRoomDirectory } from '../../../src/chat/room-directory.js';
import { waitForStatus } from '../../../src/testing/index.js';
import { startCli, type Cli } from '../../support/broker-cli.js';
import { rawConnect } from '../../support/raw-stomp.js';
import { sessionPool } from '../core/helpers.js';

let dir: string;
let cli: Cli;
const pool = sessionPool();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stompkit-acl-'));
  await writeFile(join(dir, 'users.json'), JSON.stringify({ alice: 'a-pass', bob: 'b-pass', carol: 'c-pass' }));
  cli = await startCli(['--memory', '--users', join(dir, 'users.json'), '--acl', join(__dirname, '../../../docs/chat-acl.json'), '--room-directory']);
});
afterAll(async () => {
  await pool.closeAll();
  cli.proc.kill('SIGTERM');
  await cli.exited;
  await rm(dir, { recursive: true, force: true });
});

const refused = async (login: string, passcode: string, command: 'SEND' | 'SUBSCRIBE', destination: string, extra: Record<string, string> = {}) => {
  const { peer } = await rawConnect(cli.port, { login, passcode });
  peer.send(command, { destination, id: 's', receipt: 'r', ...extra });
  const f = await peer.next(10_000);
  peer.end();
  return f.command === 'ERROR' ? f.headers.message : `${f.command} (allowed)`;
};

test('says at start what the ACL allows', () => {
  expect(cli.output()).toMatch(/access\s+ACL from .*chat-acl\.json \(3 entries; anyone else gets nothing\)/);
  expect(cli.output()).toMatch(/rooms\s+declared by the room directory service \(login directory\)/);
});

test("another user's private queue, /topic/#, and declaring any queue are refused", async () => {
  expect(await refused('alice', 'a-pass', 'SUBSCRIBE', '/queue/user.bob.inbox')).toBe('access_refused');
  expect(await refused('alice', 'a-pass', 'SUBSCRIBE', '/topic/#')).toBe('access_refused');
  expect(await refused('alice', 'a-pass', 'SUBSCRIBE', '/topic/chat.typing.*')).toBe('access_refused');
  expect(await refused('alice', 'a-pass', 'SEND', '/queue/jobs')).toBe('access_refused');
  // Anyone may drop a message into carol's inbox (creating it, so a direct message reaches her before her first
  // login); only carol reads it. Other private queues only their owner creates.
  const stream = { 'x-queue-type': 'stream', durable: 'true', 'auto-delete': 'false' };
  expect(await refused('alice', 'a-pass', 'SEND', '/queue/user.carol.inbox', stream)).toBe('RECEIPT (allowed)');
  expect(await refused('alice', 'a-pass', 'SUBSCRIBE', '/queue/user.carol.inbox', { ...stream, ack: 'client', 'prefetch-count': '1' })).toBe('access_refused');
  expect(await refused('carol', 'c-pass', 'SUBSCRIBE', '/queue/user.carol.inbox', { ...stream, ack: 'client', 'prefetch-count': '1' })).toBe('RECEIPT (allowed)');
  expect(await refused('alice', 'a-pass', 'SEND', '/queue/user.bob.drafts', { durable: 'true', 'auto-delete': 'false' })).toBe('access_refused');
});

test('/stats asks for a user of the broker; /health stays open', async () => {
  const base = `http://127.0.0.1:${cli.port}`;
  expect((await fetch(`${base}/stats`)).status).toBe(401);
  expect((await fetch(`${base}/stats`, { headers: { authorization: `Basic ${btoa('alice:wrong')}` } })).status).toBe(401);
  const ok = await fetch(`${base}/stats`, { headers: { authorization: `Basic ${btoa('alice:a-pass')}` } });
  expect(ok.status).toBe(200);
  expect(await ok.json()).toHaveProperty('destinations');
  expect((await fetch(`${base}/health`)).status).toBe(200);
});

/** A chat client of `login` on the broker under the ACL. */
const openChat = (login: string, passcode: string) => {
  const url = `ws://127.0.0.1:${cli.port}/ws`;
  const session = pool.open({ wsUrl: url } as never, { url, connectHeaders: { login, passcode } });
  const errors: unknown[] = [];
  const rooms = withRoomDirectory(session, { storage: null, onError: (e) => errors.push(e) });
  const chat = createChatClient(rooms, { userId: login, pageSize: 20, onError: (e) => errors.push(e) });
  return { session, chat, errors };
};

test('only the room directory declares room streams: a member can pre-declare no room, nor sign in as the directory', async () => {
  const stream = { 'x-queue-type': 'stream', durable: 'true', 'auto-delete': 'false' };
  // What an adversarial member did before: a classic queue, or a stream keeping one byte of history.
  expect(await refused('alice', 'a-pass', 'SEND', '/queue/chat.room.lunch', { durable: 'true', 'auto-delete': 'false' })).toBe('access_refused');
  expect(await refused('alice', 'a-pass', 'SEND', '/queue/chat.room.lunch', { ...stream, 'x-max-length-bytes': '1' })).toBe('access_refused');
  for (const passcode of ['', 'a-pass', 'directory']) {
    const { peer } = await rawConnect(cli.port, { login: 'directory', passcode }).catch((error: unknown) => ({ peer: null, error }));
    peer?.end();
    expect(peer).toBeNull();
  }
});

test('the chat kit creates a room through the directory and chats under the documented ACL; a forged room.ready is ignored', async () => {
  const alice = openChat('alice', 'a-pass');
  const bob = openChat('bob', 'b-pass');
  await Promise.all([waitForStatus(alice.session, 'connected'), waitForStatus(bob.session, 'connected')]);
  const stopDirectory = bob.chat.watchDirectory();
  // Sent before the room is ready: it waits for the directory, then goes (a SEND to a missing stream would be dropped).
  const created = alice.chat.createRoom('acl-room', 'ACL room');
  const early = alice.chat.sendMessage('acl-room', 'allowed');
  await created;
  await early;
  bob.chat.openRoom('acl-room', { presence: false, typing: false });
  await alice.chat.sendMessage('acl-room', 'and after');
  await vi.waitFor(() => {
    bob.chat.store.flush();
    expect(bob.chat.store.getState().timelines['acl-room']?.messages.map((m) => m.text)).toEqual(['allowed', 'and after']);
    expect(bob.chat.store.getState().rooms.map((r) => [r.id, r.createdBy])).toEqual([['acl-room', 'alice']]);
  });
  // A member's room.ready for a room nobody declared: clients believe only the directory, so nobody subscribes
  // to the missing stream (which would be an ERROR closing the connection).
  const { peer } = await rawConnect(cli.port, { login: 'alice', passcode: 'a-pass' });
  const forged = { id: 'forged-1', type: 'room.ready', roomId: 'ghost', ts: Date.now() };
  peer.send('SEND', { destination: '/amq/queue/chat.rooms', 'user-id': 'alice', 'content-type': 'application/json', receipt: 'f' }, JSON.stringify(forged));
  expect((await peer.next(10_000)).command).toBe('RECEIPT');
  peer.end();
  const forgedOnly = [expect.stringMatching(/^dropped room\.ready of ghost from alice/)];
  await vi.waitFor(() => expect(bob.errors.map((e) => String((e as Error).message))).toEqual(forgedOnly));
  const watchGhost = bob.chat.watchRoom('ghost');
  await new Promise((r) => setTimeout(r, 500));
  expect(bob.session.getSnapshot().status).toBe('connected');
  watchGhost();
  stopDirectory();
  expect(alice.errors.map((e) => String((e as Error).message))).toEqual(forgedOnly);
  alice.chat.dispose();
  bob.chat.dispose();
});

test('a direct message through the chat kit reaches its member and is refused to a third user', async () => {
  const alice = openChat('alice', 'a-pass');
  const bob = openChat('bob', 'b-pass');
  await Promise.all([waitForStatus(alice.session, 'connected'), waitForStatus(bob.session, 'connected')]);
  const stopInbox = bob.chat.watchInbox();
  const roomId = await alice.chat.startDirectMessage(['bob']);
  expect(roomId).toBe('dm.alice.bob');
  await alice.chat.sendMessage(roomId, 'just us');
  await vi.waitFor(() => {
    bob.chat.store.flush();
    expect(bob.chat.store.getState().directMessages.map((d) => [d.id, d.members])).toEqual([['dm.alice.bob', ['alice', 'bob']]]);
  });
  bob.chat.openRoom(roomId, { presence: false, typing: false });
  await vi.waitFor(() => {
    bob.chat.store.flush();
    expect(bob.chat.store.getState().timelines[roomId]?.messages.map((m) => m.text)).toEqual(['just us']);
  });
  const stream = { 'x-queue-type': 'stream', durable: 'true', 'auto-delete': 'false', ack: 'client', 'prefetch-count': '5' };
  expect(await refused('carol', 'c-pass', 'SUBSCRIBE', '/queue/chat.room.dm.alice.bob', stream)).toBe('access_refused');
  expect(await refused('carol', 'c-pass', 'SUBSCRIBE', '/queue/user.bob.inbox', stream)).toBe('access_refused');
  expect(await refused('carol', 'c-pass', 'SUBSCRIBE', '/topic/chat.typing.dm.alice.bob')).toBe('access_refused');
  expect([...alice.errors, ...bob.errors]).toEqual([]);
  stopInbox();
  alice.chat.dispose();
  bob.chat.dispose();
});
