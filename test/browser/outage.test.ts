import type { Browser, Page } from 'playwright-core';
import { launchChromium, newPage } from './chromium';
import {
  banner,
  openRoom,
  queuedMessages,
  send,
  shownMessages,
  shownTexts,
  signIn,
  waitForMessage,
  waitForSession,
} from './demo-page';
import { startDemo, type DemoServer } from './demo-server';
import { startRestartableBroker, type RestartableBroker } from './standalone-broker';

// Scenario 3: the broker is stopped mid-conversation and started again on the
// same port with the same data directory. The demo talks to it as to any
// external broker (VITE_STOMPKIT_URL), since the dev plugin's broker lives
// and dies with Vite. Banner says reconnecting, messages typed during the
// outage show as pending, and afterwards each arrives exactly once on both
// sides, in order.
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

async function allSent(page: Page, count: number): Promise<void> {
  await page.waitForFunction(
    (n) => {
      const articles = [...document.querySelectorAll('[role="log"] article.sk-message')];
      return articles.length === n && articles.every((a) => a.getAttribute('data-state') === 'sent');
    },
    count,
    { timeout: 60_000 },
  );
}

test('broker restart mid-conversation: reconnecting, pending, then everything exactly once and in order', async () => {
  const alice = await newPage(browser);
  const bob = await newPage(browser);
  await signIn(alice.page, demo.origin, 'alice');
  await signIn(bob.page, demo.origin, 'bob');
  await openRoom(alice.page, 'general');
  await openRoom(bob.page, 'general');

  await send(alice.page, 'before 1 (alice)');
  await waitForMessage(bob.page, 'before 1 (alice)');
  await send(bob.page, 'before 2 (bob)');
  await waitForMessage(alice.page, 'before 2 (bob)');
  // Both sends confirmed (their RECEIPTs in) before the outage begins.
  await waitForMessage(alice.page, 'before 1 (alice)', 'sent');
  await waitForMessage(bob.page, 'before 2 (bob)', 'sent');
  await alice.page.waitForFunction(() => window.__stompkit?.session.getSnapshot().pending === 0);
  await bob.page.waitForFunction(() => window.__stompkit?.session.getSnapshot().pending === 0);

  await broker.stop();
  for (const page of [alice.page, bob.page]) {
    await page.waitForFunction(() => document.querySelector('.sk-banner')?.getAttribute('data-state') === 'reconnecting', null, {
      timeout: 30_000,
    });
    expect((await banner(page)).text).toMatch(/Reconnecting/);
  }

  const aliceDuring = ['during 1 (alice)', 'during 2 (alice)', 'during 3 (alice)'];
  const bobDuring = ['during 1 (bob)', 'during 2 (bob)'];
  for (const text of aliceDuring) await send(alice.page, text);
  for (const text of bobDuring) await send(bob.page, text);
  for (const text of aliceDuring) await waitForMessage(alice.page, text, 'pending');
  for (const text of bobDuring) await waitForMessage(bob.page, text, 'pending');
  expect((await banner(alice.page)).text).toMatch(/\d+ messages? waiting to send/);
  expect(await queuedMessages(alice.page)).toEqual(aliceDuring);
  expect(await queuedMessages(bob.page)).toEqual(bobDuring);

  await broker.start();
  await waitForSession(alice.page, 'connected', undefined, 60_000);
  await waitForSession(bob.page, 'connected', undefined, 60_000);

  const total = 2 + aliceDuring.length + bobDuring.length;
  await allSent(alice.page, total);
  await allSent(bob.page, total);

  const onAlice = await shownTexts(alice.page);
  const onBob = await shownTexts(bob.page);
  // Both sides show the same history, each message once...
  expect(onBob).toEqual(onAlice);
  expect(new Set(onAlice).size).toBe(total);
  expect(onAlice.slice(0, 2)).toEqual(['before 1 (alice)', 'before 2 (bob)']);
  // ...and each person's messages in the order they were typed.
  expect(onAlice.filter((t) => t.endsWith('(alice)'))).toEqual(['before 1 (alice)', ...aliceDuring]);
  expect(onAlice.filter((t) => t.endsWith('(bob)'))).toEqual(['before 2 (bob)', ...bobDuring]);
  expect((await shownMessages(alice.page)).every((m) => m.state === 'sent')).toBe(true);
  await alice.page.waitForFunction(() => document.querySelector('.sk-banner')?.getAttribute('data-state') === 'hidden');

  // A reload reads the history back from the restarted broker's stream: still once each, same order.
  await bob.page.reload();
  await openRoom(bob.page, 'general');
  await allSent(bob.page, total);
  expect(await shownTexts(bob.page)).toEqual(onAlice);

  await alice.context.close();
  await bob.context.close();
});
