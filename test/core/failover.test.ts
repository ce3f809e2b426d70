import { createStompSession } from '../../src/core/session.js';
import { memoryStorage } from '../../src/core/storage.js';
import type { IncomingMessage, StompSession, StompSessionOptions, StorageAdapter } from '../../src/core/types.js';
import { createMemoryBroker, waitForState, waitForStatus, type MemoryBroker } from '../../src/testing/index.js';

// Three "nodes" of one cluster: memory brokers over one engine, so what is
// sent through one is delivered through the others, as RabbitMQ's nodes do.
const URLS = ['memory://a', 'memory://b', 'memory://c'];
let nodes: Record<string, MemoryBroker>;
let dialed: string[];
const sessions: StompSession[] = [];

function open(options: Partial<StompSessionOptions> = {}): StompSession {
  const session = createStompSession({
    url: URLS,
    socketFactory: (url) => {
      dialed.push(url);
      return nodes[url]!.socketFactory(url);
    },
    reconnect: { baseDelay: 20, maxDelay: 100 },
    ...options,
  });
  sessions.push(session);
  return session;
}

const last = (): string => dialed[dialed.length - 1]!;

beforeEach(() => {
  const first = createMemoryBroker();
  nodes = {
    'memory://a': first,
    'memory://b': createMemoryBroker({ engine: first.engine }),
    'memory://c': createMemoryBroker({ engine: first.engine }),
  };
  dialed = [];
});
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(sessions.splice(0).map((s) => s.close()));
  for (const node of Object.values(nodes)) await node.close();
});

describe('several endpoints (a cluster)', () => {
  it('starts at a random endpoint, so clients spread over the nodes', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    await waitForStatus(open(), 'connected');
    expect(dialed).toEqual(['memory://b']);
    vi.spyOn(Math, 'random').mockReturnValue(0.9);
    await waitForStatus(open(), 'connected');
    expect(last()).toBe('memory://c');
  });

  it('a dropped connection goes on at the next endpoint, with its subscriptions and queued sends', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const session = open();
    const got: IncomingMessage[] = [];
    session.subscribe('/topic/room', (m) => got.push(m));
    await waitForStatus(session, 'connected');
    expect(last()).toBe('memory://a');
    await session.send('/topic/room', 'one');
    nodes['memory://a']!.stop();
    await waitForStatus(session, 'reconnecting');
    const queued = session.send('/topic/room', 'two');
    await waitForStatus(session, 'connected');
    expect(last()).toBe('memory://b');
    await queued;
    await vi.waitFor(() => expect(got.map((m) => m.body)).toEqual(['one', 'two']));
  });

  it('tries each endpoint in turn while they fail, with backoff between passes', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    nodes['memory://a']!.stop();
    nodes['memory://b']!.stop();
    const session = open();
    const state = await waitForStatus(session, 'connected');
    expect(dialed).toEqual(URLS);
    expect(state.attempt).toBe(0);
  });

  it('keeps going round while every node is down, and connects to the first that is back', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    for (const node of Object.values(nodes)) node.stop();
    const session = open();
    await waitForState(session, (s) => s.attempt >= 4);
    expect(new Set(dialed)).toEqual(new Set(URLS));
    nodes['memory://c']!.start();
    await waitForStatus(session, 'connected');
    expect(last()).toBe('memory://c');
  });

  it('remembers the endpoint that worked, like the winning transport', async () => {
    const storage: StorageAdapter = memoryStorage();
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const first = open({ storage });
    await waitForStatus(first, 'connected');
    await first.close();
    expect(last()).toBe('memory://b');
    vi.spyOn(Math, 'random').mockReturnValue(0);
    await waitForStatus(open({ storage }), 'connected');
    expect(last()).toBe('memory://b');
    expect(JSON.parse(storage.getItem(`stompkit:transport:${JSON.stringify(URLS)}`)!)).toMatchObject({ transport: 'websocket', e: 1 });
  });
});
