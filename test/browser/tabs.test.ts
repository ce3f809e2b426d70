import type { Browser, Page } from 'playwright-core';
import { launchChromium, newPage } from './chromium';
import { createRoom, openRoom, send, shownTexts, signIn, waitForMessage, waitForSession } from './demo-page';
import { startDemo, type DemoServer } from './demo-server';
import { startRestartableBroker, type RestartableBroker } from './standalone-broker';

// One connection per browser: the demo in three tabs of one browser context
// (one user) shares one STOMP connection. Each tab's message reaches another
// user once; when the leader tab closes while sends wait for a stopped
// broker, the remaining tabs take over and deliver each exactly once.
let broker: RestartableBroker;
let demo: DemoServer;
let browser: Browser;

beforeAll(async () => {
  broker = await startRestartableBroker();
  demo = await startDemo({ brokerUrl: broker.urls.websocket, sockjsUrl: broker.urls.sockjs });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await demo?.close();
  await broker?.close();
});

/** Connections the broker's `/stats` counts, every transport together. */
async function brokerConnections(): Promise<number> {
  const stats = (await (await fetch(`${broker.urls.http}/stats`)).json()) as { connections: Record<string, number> };
  return Object.values(stats.connections).reduce((a, b) => a + b, 0);
}

const tabRole = (page: Page) => page.evaluate(() => window.__stompkit?.session.getSnapshot().tab);

/** Waits until `page` shows each of `texts` exactly once, sent. */
async function eachOnce(page: Page, texts: string[]): Promise<void> {
  for (const text of texts) await waitForMessage(page, text, 'sent', 60_000);
  const shown = await shownTexts(page);
  for (const text of texts) expect(shown.filter((t) => t === text)).toHaveLength(1);
}

test('three tabs share one connection; a send from each reaches another user once; the leader closing hands its queued sends over', async () => {
  const context = await browser.newContext();
  const tabs: Page[] = [];
  for (let i = 0; i < 3; i++) {
    const page = await context.newPage();
    await signIn(page, demo.origin, 'alice');
    tabs.push(page);
  }
  await createRoom(tabs[0]!, 'tabs');
  for (const page of tabs.slice(1)) await openRoom(page, 'tabs');
  for (const page of tabs) await waitForSession(page, 'connected');
  expect((await Promise.all(tabs.map(tabRole))).sort()).toEqual(['follower', 'follower', 'leader']);
  expect(await brokerConnections()).toBe(1);

  const bob = await newPage(browser);
  await signIn(bob.page, demo.origin, 'bob');
  await openRoom(bob.page, 'tabs');
  await vi.waitFor(async () => expect(await brokerConnections()).toBe(2));

  const fromTabs = tabs.map((_, i) => `from tab ${i + 1}`);
  for (const [i, page] of tabs.entries()) await send(page, fromTabs[i]!);
  await eachOnce(bob.page, fromTabs);
  for (const page of tabs) await eachOnce(page, fromTabs);

  // The broker goes; a send waits in each tab; the leader tab closes.
  await broker.stop();
  for (const page of tabs) await page.waitForFunction(() => window.__stompkit?.session.getSnapshot().status !== 'connected');
  const queued = tabs.map((_, i) => `queued in tab ${i + 1}`);
  for (const [i, page] of tabs.entries()) {
    await send(page, queued[i]!);
    await waitForMessage(page, queued[i]!, 'pending');
  }
  const roles = await Promise.all(tabs.map(tabRole));
  const leader = tabs[roles.indexOf('leader')]!;
  const closedAt = Date.now();
  await leader.close();
  const remaining = tabs.filter((page) => page !== leader);
  await Promise.race(remaining.map((page) => page.waitForFunction(() => window.__stompkit?.session.getSnapshot().tab === 'leader', null, { polling: 20 })));
  console.info(`hand-over: a remaining tab leads ${Date.now() - closedAt} ms after the leader tab was closed`);
  expect((await Promise.all(remaining.map(tabRole))).sort()).toEqual(['follower', 'leader']);

  await broker.start();
  await eachOnce(bob.page, [...fromTabs, ...queued]);
  for (const page of remaining) await eachOnce(page, [...fromTabs, ...queued]);
  await vi.waitFor(async () => expect(await brokerConnections()).toBe(2), { timeout: 30_000 });
  await context.close();
  await bob.context.close();
});
