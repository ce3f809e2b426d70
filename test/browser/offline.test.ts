import type { BrowserContext } from 'playwright-core';
import { newPage } from './chromium';
import { banner, openRoom, queuedMessages, send, shownTexts, signIn, waitForMessage, waitForSession } from './demo-page';
import { useDemoInChromium } from './demo-server';

// Scenario 4: the browser context goes offline (`setOffline`) and comes back.
// Messages typed offline queue (pending) and are delivered on return; a page
// reload while offline keeps them (the outbox is in localStorage).
const fixture = useDemoInChromium();

/**
 * Serve the app's own files from the test while the context is offline, as an
 * installed app's service worker cache would; the broker endpoints (/ws,
 * /sockjs) are left to the (offline) network.
 */
async function cacheAppShell(context: BrowserContext): Promise<void> {
  await context.route(
    (url) => !/^\/(ws|sockjs)(\/|$)/.test(url.pathname),
    async (route) => {
      // A busy dev server may reset a connection: ask again before giving up.
      for (let attempt = 1; ; attempt += 1) {
        try {
          await route.fulfill({ response: await route.fetch() });
          return;
        } catch {
          // Three resets in a row: let the page see a failed load (the test then fails visibly).
          if (attempt >= 3) {
            await route.abort().catch(() => undefined);
            return;
          }
        }
      }
    },
  );
}

test('offline and back: queued messages survive a reload and are delivered once, in order', async () => {
  const { demo, browser } = fixture;
  const alice = await newPage(browser);
  const bob = await newPage(browser);
  await cacheAppShell(alice.context);
  await signIn(alice.page, demo.origin, 'alice');
  await signIn(bob.page, demo.origin, 'bob');
  await openRoom(alice.page, 'general');
  await openRoom(bob.page, 'general');
  await send(alice.page, 'online first');
  await waitForMessage(bob.page, 'online first');

  await alice.context.setOffline(true);
  await alice.page.waitForFunction(() => document.querySelector('.sk-banner')?.getAttribute('data-state') === 'offline', null, {
    timeout: 30_000,
  });
  const queued = ['offline 1', 'offline 2', 'offline 3'];
  for (const text of queued) await send(alice.page, text);
  for (const text of queued) await waitForMessage(alice.page, text, 'pending');
  expect((await banner(alice.page)).text).toMatch(/\d+ messages? waiting to send/);
  expect(await queuedMessages(alice.page)).toEqual(queued);
  // Nothing leaked out while offline.
  expect(await shownTexts(bob.page)).toEqual(['online first']);

  // Reload while still offline: the outbox comes back from localStorage.
  await alice.page.reload({ timeout: 120_000 });
  await alice.page.waitForFunction(() => window.__stompkit !== undefined);
  expect(await queuedMessages(alice.page)).toEqual(queued);
  // The room directory cannot be read offline; the demo opens #general by itself.
  await alice.page.getByRole('heading', { level: 1, name: '# general' }).waitFor();

  await alice.context.setOffline(false);
  await waitForSession(alice.page, 'connected', undefined, 60_000);
  for (const text of queued) await waitForMessage(bob.page, text, 'sent');
  for (const text of queued) await waitForMessage(alice.page, text, 'sent');
  // The reloaded page reads the history before its first live message as a
  // separate page, which may land after the queued sends are confirmed.
  await waitForMessage(alice.page, 'online first');
  const expected = ['online first', ...queued];
  expect(await shownTexts(bob.page)).toEqual(expected);
  expect(await shownTexts(alice.page)).toEqual(expected);
  expect(await alice.page.evaluate(() => window.__stompkit?.session.getSnapshot().pending)).toBe(0);

  await alice.context.close();
  await bob.context.close();
});
