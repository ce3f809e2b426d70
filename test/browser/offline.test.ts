import { newPage } from './chromium';
import { banner, cacheAppShell, openRoom, queuedMessages, send, shownTexts, signIn, waitForMessage, waitForSession } from './demo-page';
import { useDemoInChromium } from './demo-server';

// Scenario 4: the browser context goes offline (`setOffline`) and comes back.
// Messages typed offline queue (pending) and are delivered on return; a page
// reload while offline keeps them (the outbox is in localStorage).
const fixture = useDemoInChromium();

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
  // Its RECEIPT may still be on the way when Bob has it: wait for it, or the
  // outage below would (rightly) put it back in the outbox to resend.
  await alice.page.waitForFunction(() => window.__stompkit?.session.getSnapshot().pending === 0);

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
  // The tab joins the browser's shared session (it leads: the only tab) and takes over the outbox.
  await vi.waitFor(async () => expect(await queuedMessages(alice.page)).toEqual(queued), { timeout: 10_000 });
  for (const text of queued) await waitForMessage(alice.page, text, 'pending');
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
  // Nothing stays in the outbox (a read marker sent on seeing them may still be on its way for a moment).
  await alice.page.waitForFunction(() => window.__stompkit?.session.getSnapshot().pending === 0, null, { timeout: 15_000 });

  await alice.context.close();
  await bob.context.close();
});
