/**
 * A three-node RabbitMQ cluster under chatting users: the node of one user
 * is killed (`kill -9` of its Erlang VM) while that user has sends queued and
 * the others keep sending; later a second node is stopped cleanly. Each time
 * the user whose node went away goes on through another node, and every
 * message reaches every user once, in the same order, with history pages
 * still loading. Nodes and ports: scripts/rabbitmq-cluster.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import { createChatClient, type ChatClient, type ChatError } from '../../src/chat/index.js';
import { withRoomDirectory } from '../../src/chat/room-directory.js';
import { startRoomDirectory, type RoomDirectory } from '../../src/directory/index.js';
import { createStompSession, memoryStorage, type StompSession, type WebSocketLike } from '../../src/core/index.js';
import { STOMP_SUBPROTOCOLS } from '../../src/core/transports.js';
import { waitForStatus } from '../../src/testing/index.js';
import { CLUSTER_NODES, CLUSTER_SCRIPT, rabbitctl } from '../support/broker.js';
import { texts, uniqueRoom } from '../integration/chat/helpers.js';

const run = promisify(execFile);
const URLS = CLUSTER_NODES.map((node) => node.url);
/** Ceilings for waits, generous for a loaded 2-core machine; nothing is timed. */
const WAIT = { timeout: 30_000, interval: 100 };
const FAILOVER = { timeout: 15_000 };

interface User {
  name: string;
  session: StompSession;
  chat: ChatClient;
  errors: ChatError[];
  /** Every URL a socket was opened to, in order: the last is the node of the live connection. */
  dialed: string[];
}

const users: User[] = [];
const cluster = (...args: string[]) => run(CLUSTER_SCRIPT, args, { timeout: 300_000 });

/**
 * A chat user whose session knows all three nodes and starts at `node`
 * (1..3): the endpoint it last connected to, as a tab remembers it.
 */
function user(name: string, node: number): User {
  const storage = memoryStorage();
  storage.setItem(`stompkit:transport:${JSON.stringify(URLS)}`, JSON.stringify({ transport: 'websocket', at: Date.now(), e: node - 1 }));
  const dialed: string[] = [];
  const session = createStompSession({
    url: URLS,
    storage,
    socketFactory: (url): WebSocketLike => {
      dialed.push(url);
      return new WebSocket(url, STOMP_SUBPROTOCOLS) as unknown as WebSocketLike;
    },
    connectHeaders: { login: name, passcode: process.env.DEMO_PASSCODE ?? 'stompkit', host: process.env.DEMO_VHOST ?? 'stompkit' },
    reconnect: { baseDelay: 200, maxDelay: 2000 },
  });
  const errors: ChatError[] = [];
  // The demo users may not declare room streams: the room directory service does (scripts/rabbitmq-users).
  const rooms = withRoomDirectory(session, { storage: null, onError: (e) => errors.push(e) });
  const chat = createChatClient(rooms, { userId: name, pageSize: 10, presenceInterval: 1000, onError: (e) => errors.push(e) });
  const u = { name, session, chat, errors, dialed };
  users.push(u);
  return u;
}

/** The node (1..3) a connected user is on. */
const nodeOf = (u: User): number => URLS.indexOf(u.dialed[u.dialed.length - 1]!) + 1;

async function runningNodes(via: number): Promise<string[]> {
  const status = JSON.parse(await rabbitctl(via, 'cluster_status', '--formatter', 'json')) as { running_nodes: string[] };
  return status.running_nodes.sort();
}

/** Every user's timeline holds every message once, all in the same order, each sender's in the order sent. */
async function everyoneHas(room: string, sent: Map<string, string[]>): Promise<string[]> {
  const all = [...sent.values()].flat();
  await vi.waitFor(() => {
    for (const u of users) expect([...texts(u, room)].sort()).toEqual([...all].sort());
  }, WAIT);
  const order = texts(users[0]!, room);
  for (const u of users) expect(texts(u, room)).toEqual(order);
  for (const [, mine] of sent) expect(order.filter((t) => mine.includes(t))).toEqual(mine);
  return order;
}

/** A reader joining now pages back through the whole room and finds the same conversation. */
async function historyLoads(room: string, order: string[]): Promise<void> {
  const reader = user('dave', 1 + (users.length % 3));
  reader.chat.openRoom(room, { presence: false });
  await vi.waitFor(() => expect(texts(reader, room).length).toBeGreaterThan(0), WAIT);
  while (reader.chat.store.getState().timelines[room]?.history.hasOlder) await reader.chat.loadOlder(room);
  expect(texts(reader, room)).toEqual(order);
  expect(reader.errors).toEqual([]);
  reader.chat.dispose();
  await reader.session.close();
  users.splice(users.indexOf(reader), 1);
}

/** The room directory service, on node 1 first (it fails over like the users). */
let directory: RoomDirectory;
beforeAll(() => {
  directory = startRoomDirectory({ url: URLS, passcode: process.env.DEMO_PASSCODE ?? 'stompkit', host: process.env.DEMO_VHOST ?? 'stompkit', reconnectDelay: 300 });
});

afterAll(async () => {
  await directory.stop();
  for (const u of users.splice(0)) u.chat.dispose();
  // The other suites need the whole cluster: bring back any node left down.
  await cluster('start');
}, 300_000);

test('a node killed mid-chat, then another stopped: nothing lost, nothing twice, history intact', async () => {
  const room = uniqueRoom('cluster');
  const [alice, bob, carol] = [user('alice', 1), user('bob', 2), user('carol', 3)];
  await Promise.all([alice, bob, carol].map((u) => waitForStatus(u.session, 'connected', WAIT)));
  expect([alice, bob, carol].map(nodeOf)).toEqual([1, 2, 3]);

  // The directory declares the room from node 1, so its stream's leader is on alice's node.
  await alice.chat.createRoom(room, room);
  alice.chat.openRoom(room);
  const sent = new Map<string, string[]>([['alice', []], ['bob', []], ['carol', []]]);
  const say = (u: User, text: string): Promise<void> => {
    sent.get(u.name)!.push(text);
    return u.chat.sendMessage(room, text);
  };
  await say(alice, 'a0');
  bob.chat.openRoom(room);
  carol.chat.openRoom(room);
  // Presence crosses nodes: everyone sees everyone.
  await vi.waitFor(() => {
    for (const u of [alice, bob, carol]) expect(u.chat.store.getState().presence[room]?.map((p) => p.userId).sort()).toEqual(['alice', 'bob', 'carol']);
  }, WAIT);
  for (let i = 1; i <= 3; i++) await Promise.all([say(alice, `a${i}`), say(bob, `b${i}`), say(carol, `c${i}`)]);
  await everyoneHas(room, sent);

  // Kill -9 alice's node while her sends are in flight and queued; bob and carol keep talking.
  const beam = Number((await cluster('pid', '1')).stdout.trim());
  expect(beam).toBeGreaterThan(0);
  const inFlight = [say(alice, 'a4'), say(alice, 'a5')];
  process.kill(beam, 'SIGKILL');
  inFlight.push(say(alice, 'a6'), say(alice, 'a7'));
  const others: Promise<void>[] = [];
  for (let i = 4; i <= 9; i++) {
    others.push(say(bob, `b${i}`), say(carol, `c${i}`));
    await new Promise((r) => setTimeout(r, 150));
  }
  await vi.waitFor(() => {
    expect(alice.session.getSnapshot().status).toBe('connected');
    expect(nodeOf(alice)).not.toBe(1);
  }, FAILOVER);
  await Promise.all([...inFlight, ...others]);
  await say(alice, 'a8');
  const afterKill = await everyoneHas(room, sent);
  await historyLoads(room, afterKill);
  expect(await runningNodes(2)).not.toContain('stompkit-c1@localhost');

  // The killed node comes back and rejoins the cluster.
  await cluster('start-node', '1');
  await vi.waitFor(async () => expect(await runningNodes(1)).toHaveLength(3), WAIT);

  // Then bob's node is stopped cleanly while everyone is talking.
  const bobsNode = nodeOf(bob);
  const stopping = cluster('stop-node', String(bobsNode));
  const during: Promise<void>[] = [];
  for (let i = 10; i <= 14; i++) {
    during.push(say(alice, `a${i}`), say(bob, `b${i}`), say(carol, `c${i}`));
    await new Promise((r) => setTimeout(r, 200));
  }
  await stopping;
  await vi.waitFor(() => {
    expect(bob.session.getSnapshot().status).toBe('connected');
    expect(nodeOf(bob)).not.toBe(bobsNode);
  }, FAILOVER);
  await Promise.all(during);
  await say(bob, 'b15');
  const afterStop = await everyoneHas(room, sent);
  await historyLoads(room, afterStop);
  for (const u of [alice, bob, carol]) expect(u.errors).toEqual([]);
});
