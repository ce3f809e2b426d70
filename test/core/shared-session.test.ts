import { createStompSession } from '../../src/core/session.js';
import { encodeBody } from '../../src/core/send-body.js';
import { checkSubscription, subscriptionKey } from '../../src/core/subscriptions.js';

import { refuseTransaction, TransactionError } from '../../src/core/transaction-error.js';
import { createSharedSession } from '../../src/core/tabs/shared-session.js';
import type { SessionKit } from '../../src/core/tabs/wire.js';
import type { IncomingMessage, StompSession, StorageAdapter } from '../../src/core/types.js';
import { createMemoryBroker, recordMessages, waitForState, type MemoryBroker } from '../../src/testing/index.js';
import { createFakeBrowser, sharedStorage, type FakeBrowser, type FakeTab } from '../support/fake-tabs.js';

const kit: SessionKit = { create: createStompSession, refuseTransaction, checkSubscription, subscriptionKey, encodeBody, TransactionError };

let broker: MemoryBroker;
let browser: FakeBrowser;
const sessions: StompSession[] = [];

beforeEach(() => {
  broker = createMemoryBroker();
  browser = createFakeBrowser();
});
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
  await broker.close();
});

interface Tab {
  fake: FakeTab;
  session: StompSession;
}

/** A tab of the fake browser with the app's session on the memory broker. */
function openTab(id: string, storage?: StorageAdapter, login = 'alice'): Tab {
  const fake = browser.tab(id);
  const session = createSharedSession(
    {
      url: 'memory://stompkit',
      socketFactory: fake.socketFactory(broker.socketFactory),
      connectHeaders: { login, passcode: 'x' },
      reconnect: { baseDelay: 20, maxDelay: 100 },
      ...(storage && { storage: fake.storage(storage) }),
    },
    kit,
    fake.env,
  );
  sessions.push(session);
  return { fake, session };
}

/** Someone in another browser: a session of its own. */
function outsider(login = 'bob'): StompSession {
  const session = createStompSession({ url: 'memory://stompkit', socketFactory: broker.socketFactory, connectHeaders: { login, passcode: 'x' }, shareAcrossTabs: false });
  sessions.push(session);
  return session;
}

const role = (tab: Tab) => tab.session.getSnapshot().tab;

/** Three tabs, all connected through the first one, which leads. */
async function threeTabs(storage?: StorageAdapter): Promise<Tab[]> {
  const first = openTab('tab-1', storage);
  await waitForState(first.session, (s) => s.status === 'connected' && s.tab === 'leader');
  const others = [openTab('tab-2', storage), openTab('tab-3', storage)];
  for (const tab of others) await waitForState(tab.session, (s) => s.status === 'connected' && s.tab === 'follower');
  return [first, ...others];
}

/** Lets the channel's tasks run (no timing assertion rests on it). */
const settle = (ms = 30) => new Promise((r) => setTimeout(r, ms));

describe('election', () => {
  it('makes one tab the leader and the others followers, over one connection', async () => {
    const tabs = await threeTabs();
    expect(tabs.map(role)).toEqual(['leader', 'follower', 'follower']);
    expect(broker.stats().sockets.open).toBe(1);
    expect(broker.stats().commands.CONNECT).toBe(1);
    // Every tab sees the one connection's state, the user included.
    for (const tab of tabs) expect(tab.session.getSnapshot().serverInfo?.userName).toBe('alice');
  });

  it('hands over to another tab when the leader closes, which reconnects and resumes every tab', async () => {
    const [first, second, third] = await threeTabs();
    const inbox = [recordMessages(second.session, '/topic/news'), recordMessages(third.session, '/topic/news')];
    await settle();
    await first.session.close();
    const leader = await Promise.race(
      [second, third].map((tab) => waitForState(tab.session, (s) => s.tab === 'leader' && s.status === 'connected').then(() => tab)),
    );
    const follower = leader === second ? third : second;
    await waitForState(follower.session, (s) => s.status === 'connected');
    expect(role(follower)).toBe('follower');
    await settle();
    await outsider().send('/topic/news', 'after the hand-over');
    for (const recorder of inbox) expect((await recorder.waitFor(1)).map((m) => m.body)).toEqual(['after the hand-over']);
    expect(broker.stats().sockets.open).toBe(2); // the new leader's and the outsider's
  });
});

describe('subscriptions across tabs', () => {
  it('sends one SUBSCRIBE for equal subscriptions of every tab and one UNSUBSCRIBE when the last goes', async () => {
    const tabs = await threeTabs();
    const inboxes = tabs.map((tab) => recordMessages(tab.session, '/topic/prices', { 'x-note': 'same' }));
    await settle();
    expect(broker.stats().commands.SUBSCRIBE).toBe(1);
    await outsider().send('/topic/prices', { price: 42 });
    for (const inbox of inboxes) {
      const [message] = await inbox.waitFor(1);
      expect(message!.json).toEqual({ price: 42 });
    }
    inboxes[0]!.stop();
    inboxes[1]!.stop();
    await settle();
    expect(broker.stats().commands.UNSUBSCRIBE ?? 0).toBe(0);
    inboxes[2]!.stop();
    await settle();
    expect(broker.stats().commands.UNSUBSCRIBE).toBe(1);
  });

  it("a tab opened later reads a stream from the start, not from where another tab's equal read has got to", async () => {
    const [first, second] = await threeTabs();
    const stream = { 'x-queue-type': 'stream', durable: 'true', 'auto-delete': 'false' };
    for (const body of ['a', 'b']) await outsider().send('/queue/rooms', body, stream);
    const read = { ...stream, ack: 'client', 'prefetch-count': '10', 'x-stream-offset': 'first' };
    const early = recordMessages(first.session, '/queue/rooms', read);
    await early.waitFor(2);
    const late = recordMessages(second.session, '/queue/rooms', read);
    expect((await late.waitFor(2)).map((m) => m.body)).toEqual(['a', 'b']);
  });

  it("drops a crashed follower's subscriptions", async () => {
    const [, second] = await threeTabs();
    recordMessages(second.session, '/topic/only-second');
    await settle();
    expect(broker.stats().commands.SUBSCRIBE).toBe(1);
    second.fake.crash();
    await settle();
    expect(broker.stats().commands.UNSUBSCRIBE).toBe(1);
  });

  it('acknowledges from a follower, once for the whole browser', async () => {
    const tabs = await threeTabs();
    const seen: IncomingMessage[] = [];
    for (const tab of tabs.slice(1)) tab.session.subscribe('/queue/work', (m) => seen.push(m), { ack: 'client-individual' });
    await settle();
    await outsider().send('/queue/work', 'job');
    await vi.waitFor(() => expect(seen).toHaveLength(2));
    for (const message of seen) message.ack();
    await settle();
    expect(broker.stats().commands.ACK).toBe(1);
  });
});

describe('one outbox for the browser', () => {
  it('sends from a follower once, resolves on the receipt and shows the entry in every tab', async () => {
    const tabs = await threeTabs();
    const other = outsider();
    const inbox = recordMessages(other, '/topic/chat');
    await settle();
    const receipt = await tabs[2]!.session.send('/topic/chat', { text: 'from tab 3' });
    expect(receipt.destination).toBe('/topic/chat');
    await inbox.waitFor(1);
    await settle();
    expect(inbox.messages).toHaveLength(1);
    expect(broker.stats().commands.SEND).toBe(1);
    for (const tab of tabs) expect(tab.session.getOutbox().find((e) => e.id === receipt.id)?.status).toBe('confirmed');
  });

  it.each([
    ['in memory (each tab its own storage)', () => undefined],
    ['in storage every tab sees (localStorage)', () => sharedStorage()],
  ])('delivers each send queued while the broker was down exactly once after the leader tab crashed, storage %s', async (_, storage) => {
    const tabs = await threeTabs(storage());
    const other = outsider();
    // A queue keeps what arrives while the outsider, dropped by the outage too, reconnects.
    const inbox = recordMessages(other, '/queue/chat');
    await settle();
    broker.stop();
    await Promise.all(tabs.map((tab) => waitForState(tab.session, (s) => s.status !== 'connected')));
    const sends = tabs.map((tab, i) => tab.session.send('/queue/chat', `queued in tab ${i + 1}`));
    await vi.waitFor(() => expect(tabs[0]!.session.getSnapshot().pending).toBe(3));
    await settle();
    tabs[0]!.fake.crash();
    broker.start();
    // Tab 1 is gone; its send is in the outbox the next leader took over.
    await Promise.all(sends.slice(1));
    await inbox.waitFor(3);
    await settle(100);
    expect(inbox.messages.map((m) => m.body).sort()).toEqual(['queued in tab 1', 'queued in tab 2', 'queued in tab 3']);
    expect(tabs.slice(1).map(role).sort()).toEqual(['follower', 'leader']);
    expect(tabs[1]!.session.getSnapshot().pending).toBe(0);
  });

  it('delivers a send a follower makes at the instant the leader crashes, once', async () => {
    const tabs = await threeTabs();
    const inbox = recordMessages(outsider(), '/queue/chat');
    await settle();
    tabs[0]!.fake.crash();
    const sent = tabs[2]!.session.send('/queue/chat', 'during the hand-over');
    await sent;
    await inbox.waitFor(1);
    await settle(100);
    expect(inbox.messages.map((m) => m.body)).toEqual(['during the hand-over']);
  });

  it('does not queue a send twice when the leader crashed after taking it but before answering', async () => {
    const storage = sharedStorage();
    const tabs = await threeTabs(storage);
    const inbox = recordMessages(outsider(), '/queue/chat');
    await settle();
    broker.stop();
    await waitForState(tabs[1]!.session, (s) => s.status !== 'connected');
    const sent = tabs[1]!.session.send('/queue/chat', 'taken, not answered');
    // The leader has it in its outbox (queued: the broker is down), the follower still waits.
    await vi.waitFor(() => expect(tabs[0]!.session.getOutbox()).toHaveLength(1));
    tabs[0]!.fake.crash();
    broker.start();
    await sent;
    await inbox.waitFor(1);
    await settle(100);
    expect(inbox.messages).toHaveLength(1);
    for (const tab of tabs.slice(1)) expect(tab.session.getOutbox().filter((e) => e.status !== 'confirmed')).toEqual([]);
  });
});

describe('transactions from a follower', () => {
  it('commits sends made in a follower tab as one', async () => {
    const tabs = await threeTabs();
    const inbox = recordMessages(outsider(), '/topic/orders');
    await settle();
    const tx = tabs[1]!.session.begin();
    tx.send('/topic/orders', 'one');
    tx.send('/topic/orders', 'two');
    await settle();
    expect(inbox.messages).toHaveLength(0);
    await tx.commit();
    expect((await inbox.waitFor(2)).map((m) => m.body)).toEqual(['one', 'two']);
  });

  it('rejects the commit of a transaction whose leader tab crashed', async () => {
    const tabs = await threeTabs();
    await settle();
    const tx = tabs[1]!.session.begin();
    tx.send('/topic/orders', 'lost');
    tabs[0]!.fake.crash();
    await waitForState(tabs[1]!.session, (s) => s.status !== 'connected');
    await expect(tx.commit()).rejects.toBeInstanceOf(TransactionError);
  });
});

describe('createStompSession', () => {
  afterEach(() => vi.unstubAllGlobals());

  /** A browser with Web Locks and BroadcastChannel (the fake one's). */
  function stubBrowser(): void {
    const fake = browser.tab('page');
    vi.stubGlobal('navigator', { locks: fake.env.locks });
    vi.stubGlobal(
      'BroadcastChannel',
      class {
        constructor(name: string) {
          return fake.env.channel(name);
        }
      },
    );
  }

  it('shares across tabs where the browser can, and not when told not to or given a socketFactory', async () => {
    stubBrowser();
    const shared = createStompSession({ url: 'ws://127.0.0.1:9/ws', autoConnect: false });
    const alone = createStompSession({ url: 'ws://127.0.0.1:9/ws', autoConnect: false, shareAcrossTabs: false, storageKey: 'other' });
    const own = createStompSession({ url: 'memory://stompkit', socketFactory: broker.socketFactory, autoConnect: false, storageKey: 'own' });
    sessions.push(shared, alone, own);
    // Before the shared code is there: idle, and refusing what needs a connection as any session does.
    expect(shared.getSnapshot().status).toBe('idle');
    expect(() => shared.begin()).toThrow(TransactionError);
    expect(() => shared.subscribe('', () => undefined)).toThrow(TypeError);
    await waitForState(shared, (s) => s.tab === 'leader');
    await settle();
    expect(alone.getSnapshot().tab).toBeUndefined();
    expect(own.getSnapshot().tab).toBeUndefined();
  });

  it('hands what was asked before the shared code loaded to it', async () => {
    stubBrowser();
    const session = createStompSession({ url: 'memory://unused', autoConnect: false });
    sessions.push(session);
    const states: string[] = [];
    session.subscribe(() => states.push(session.getSnapshot().tab ?? 'none'));
    const stop = session.subscribe('/topic/early', () => undefined);
    stop();
    await waitForState(session, (s) => s.tab === 'leader');
    expect(states).toContain('leader');
  });
});
