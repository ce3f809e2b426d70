import type { Locator, Page } from 'playwright-core';
import { collectErrors, newPage } from './chromium';
import { createRoom, openRoom, send, signIn, waitForMessage } from './demo-page';
import { useDemoInChromium } from './demo-server';

// Scenarios: three people on the demo with the bundled broker — a thread
// with reply counts and new replies, a direct message the third person never
// sees listed, an image uploaded by one and previewed by another, a mention
// with its badge; an image pasted while the others read at different places.
const fixture = useDemoInChromium();

const row = (page: Page, text: string): Locator =>
  page.locator('[role="log"] article.sk-message').filter({ has: page.locator('.sk-message__text', { hasText: text }) });

const rooms = (page: Page) => page.getByRole('navigation', { name: 'Rooms' });

/** A PNG of the given size, drawn by the page itself: flat, or noise (which does not compress, so it is large). */
async function png(page: Page, width: number, height: number, noise = false): Promise<Buffer> {
  const data = await page.evaluate(
    ([w, h, n]) => {
      const canvas = document.createElement('canvas');
      canvas.width = w;
      canvas.height = h;
      const g = canvas.getContext('2d')!;
      g.fillStyle = '#2f5fd0';
      g.fillRect(0, 0, w, h);
      if (n) {
        const pixels = g.getImageData(0, 0, w, h);
        for (let i = 0; i < pixels.data.length; i += 4) {
          pixels.data[i] = Math.random() * 256;
          pixels.data[i + 1] = Math.random() * 256;
        }
        g.putImageData(pixels, 0, 0);
      }
      return canvas.toDataURL('image/png').split(',')[1]!;
    },
    [width, height, noise] as const,
  );
  return Buffer.from(data, 'base64');
}

/** Alice, bob and carol signed in to the demo, each in a page of their own; `errors` collects their pages' errors. */
async function threePeople() {
  const { demo, browser } = fixture;
  const [alice, bob, carol] = await Promise.all([newPage(browser), newPage(browser), newPage(browser)]);
  const errors = [alice.page, bob.page, carol.page].map(collectErrors);
  await signIn(alice.page, demo.origin, 'alice');
  await signIn(bob.page, demo.origin, 'bob');
  await signIn(carol.page, demo.origin, 'carol');
  return { demo, alice, bob, carol, errors };
}

test('threads, direct messages, an image and a mention between three people', async () => {
  const { alice, bob, carol, errors } = await threePeople();
  for (const p of [alice.page, bob.page, carol.page]) await openRoom(p, 'general');

  // Thread: Bob replies from the menu, Carol from the reply count; Alice sees "2 replies".
  await send(alice.page, 'Release today?');
  await waitForMessage(bob.page, 'Release today?');
  await row(bob.page, 'Release today?').hover();
  await row(bob.page, 'Release today?').getByRole('button', { name: 'More actions' }).click();
  await bob.page.getByRole('menuitem', { name: 'Reply in thread' }).click();
  const bobThread = bob.page.getByRole('complementary', { name: 'Thread' });
  const bobReply = bobThread.getByRole('textbox', { name: 'Reply in thread' });
  await bobReply.pressSequentially('After the fix lands', { delay: 5 });
  await bobReply.press('Enter');
  await row(carol.page, 'Release today?').getByRole('button', { name: /^1 reply/ }).click();
  const carolThread = carol.page.getByRole('complementary', { name: 'Thread' });
  await carolThread.getByText('After the fix lands').waitFor();
  await carolThread.getByRole('textbox', { name: 'Reply in thread' }).pressSequentially('Agreed', { delay: 5 });
  await carolThread.getByRole('textbox', { name: 'Reply in thread' }).press('Enter');
  // Alice has not opened the thread: both replies are new to her until she does.
  const aliceCount = row(alice.page, 'Release today?').getByRole('button', { name: /^2 replies\s*,\s*2 new/ });
  await aliceCount.waitFor();
  expect(await aliceCount.getAttribute('data-state')).toBe('unread');
  await aliceCount.click();
  const aliceThread = alice.page.getByRole('complementary', { name: 'Thread' });
  await aliceThread.getByText('Agreed').waitFor();
  await row(alice.page, 'Release today?').locator('.sk-thread-summary[data-state="replied"]').waitFor();
  await aliceThread.getByRole('button', { name: 'Close thread' }).click();
  // Replies stay in the thread: the room's log does not show them.
  expect(await row(alice.page, 'Agreed').count()).toBe(0);
  await carolThread.getByRole('button', { name: 'Close thread' }).click();
  await bobThread.press('Escape');
  await bobThread.waitFor({ state: 'detached' });

  // Mention: Carol picks Bob from the @ list while he is here (the list offers who is present) ...
  const carolBox = carol.page.getByRole('textbox', { name: /^Message #/ });
  await carolBox.click();
  await carolBox.pressSequentially('ping @bo', { delay: 5 });
  await carol.page.getByRole('listbox', { name: 'Mention someone' }).getByRole('option', { name: /bob/ }).waitFor();
  await carolBox.press('Enter');
  expect(await carolBox.inputValue()).toBe('ping @bob ');

  // Direct message: Alice messages Bob from the people column; Carol's list never shows it.
  await alice.page.getByRole('complementary', { name: 'People in this room' }).getByRole('button', { name: 'Message bob' }).click();
  await alice.page.getByRole('heading', { level: 1, name: 'bob' }).waitFor();
  await alice.page.getByRole('textbox', { name: 'Message bob' }).pressSequentially('Just between us', { delay: 5 });
  await alice.page.getByRole('textbox', { name: 'Message bob' }).press('Enter');
  const bobDms = rooms(bob.page).getByRole('list', { name: 'Direct messages' });
  await bobDms.getByRole('button', { name: /^alice/ }).click();
  await waitForMessage(bob.page, 'Just between us');
  await bob.page.getByRole('heading', { level: 1, name: 'alice' }).waitFor();
  expect(await rooms(carol.page).getByRole('list', { name: 'Direct messages' }).count()).toBe(0);

  // ... and sends it once he is in the direct message: #general shows him a mention badge.
  await carolBox.press('Enter');
  await rooms(bob.page).getByRole('button', { name: /^general.*1.*mention/ }).waitFor();

  // Image: Alice attaches a 640×320 PNG in #general; Bob sees it with its box reserved.
  await openRoom(alice.page, 'general');
  await openRoom(bob.page, 'general');
  await alice.page.locator('.conversation__composer input[type=file]').setInputFiles({ name: 'chart.png', mimeType: 'image/png', buffer: await png(alice.page, 640, 320) });
  await alice.page.getByRole('list', { name: 'Files to send' }).getByRole('button', { name: 'Remove chart.png' }).waitFor();
  await alice.page.getByRole('button', { name: 'Send' }).click();
  const image = bob.page.locator('[role="log"]').getByRole('img', { name: 'chart.png' });
  await image.waitFor();
  expect([await image.getAttribute('width'), await image.getAttribute('height')]).toEqual(['360', '180']);
  await bob.page.waitForFunction(() => {
    const img = document.querySelector<HTMLImageElement>('[role="log"] img.sk-attachment__image');
    return img !== null && img.complete && img.naturalWidth === 640;
  });

  expect(errors.flat()).toEqual([]);
  await Promise.all([alice, bob, carol].map((p) => p.context.close()));
});

/** Where the first message row wholly in view sits, relative to the top of the log's viewport. */
function anchor(page: Page): Promise<{ text: string; top: number } | null> {
  return page.evaluate(() => {
    const log = document.querySelector<HTMLElement>('[role="log"]')!;
    const top = log.getBoundingClientRect().top;
    for (const row of log.querySelectorAll<HTMLElement>('article.sk-message')) {
      const y = row.getBoundingClientRect().top - top;
      if (y >= 0) return { text: row.querySelector('.sk-message__text')?.textContent ?? '', top: Math.round(y) };
    }
    return null;
  });
}

/** Pixels between the bottom of the log's content and the bottom of its viewport. */
const belowView = (page: Page): Promise<number> =>
  page.evaluate(() => {
    const log = document.querySelector<HTMLElement>('[role="log"]')!;
    return Math.round(log.scrollHeight - log.scrollTop - log.clientHeight);
  });

const loaded = (page: Page, name: string) =>
  page.waitForFunction((alt) => {
    const img = document.querySelector<HTMLImageElement>(`[role="log"] img[alt="${alt}"]`);
    return img !== null && img.complete && img.naturalWidth > 0;
  }, name);

test('an image pasted into the composer uploads with progress and arrives without moving anyone\'s place in the log', async () => {
  const { demo, alice, bob, carol, errors } = await threePeople();
  await createRoom(alice.page, 'photos');
  await openRoom(bob.page, 'photos');
  await openRoom(carol.page, 'photos');

  // History enough to scroll: Bob scrolls up to read it, Carol stays at the bottom.
  const box = alice.page.getByRole('textbox', { name: 'Message #photos' });
  for (let i = 1; i <= 40; i += 1) {
    await box.fill(`line ${i}`);
    await box.press('Enter');
  }
  await waitForMessage(bob.page, 'line 40');
  await waitForMessage(carol.page, 'line 40');
  await bob.page.locator('[role="log"]').evaluate((log) => log.scrollBy(0, -(log.scrollHeight / 3)));
  await bob.page.locator('.sk-messages[data-state="scrolled"]').waitFor();
  const before = await anchor(bob.page);
  expect(before).not.toBeNull();
  expect(await belowView(carol.page)).toBeLessThanOrEqual(1);

  // Alice pastes a screenshot (a real clipboard paste); her upload is slowed so its progress shows.
  const image = await png(alice.page, 800, 400, true);
  await alice.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: demo.origin });
  await alice.page.evaluate(async (base64) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    await navigator.clipboard.write([new ClipboardItem({ 'image/png': new Blob([bytes], { type: 'image/png' }) })]);
  }, image.toString('base64'));
  const cdp = await alice.context.newCDPSession(alice.page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: image.length / 4 });
  // Every value the progress bar takes, recorded by the page as it changes.
  await alice.page.evaluate(() => {
    const seen: { value: number; max: number }[] = [];
    (window as unknown as { progress: typeof seen }).progress = seen;
    new MutationObserver(() => {
      const bar = document.querySelector('progress');
      if (bar) seen.push({ value: bar.value, max: bar.max });
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['value', 'max'] });
  });
  await box.click();
  await box.press('ControlOrMeta+V');
  const tray = alice.page.getByRole('list', { name: 'Files to send' });
  await tray.getByRole('progressbar', { name: /^Uploading / }).waitFor();
  await tray.getByRole('button', { name: /^Remove / }).waitFor({ timeout: 30_000 });
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  const progress = await alice.page.evaluate(() => (window as unknown as { progress: { value: number; max: number }[] }).progress);
  expect(progress.some(({ value, max }) => value > 0 && value < max)).toBe(true);
  // Chromium names a pasted image itself ("image.png").
  const name = await tray.locator('.sk-upload__name').textContent();
  expect(name).toMatch(/\.png$/);
  await alice.page.getByRole('button', { name: 'Send' }).click();

  // Both see the preview with its box reserved before it loads (800×400 into 360×280).
  for (const p of [bob.page, carol.page]) {
    const img = p.locator('[role="log"]').getByRole('img', { name: name! });
    await img.waitFor();
    expect([await img.getAttribute('width'), await img.getAttribute('height')]).toEqual(['360', '180']);
  }
  // Bob's place holds while the message arrives and its image loads; Carol follows to the new bottom.
  expect(await anchor(bob.page)).toEqual(before);
  await loaded(bob.page, name!);
  await loaded(carol.page, name!);
  expect(await anchor(bob.page)).toEqual(before);
  expect(await bob.page.locator('.sk-messages').getAttribute('data-state')).toBe('scrolled');
  await bob.page.getByRole('button', { name: /^1 new message/ }).waitFor();
  expect(await belowView(carol.page)).toBeLessThanOrEqual(1);
  expect(await carol.page.locator('.sk-messages').getAttribute('data-state')).toBe('following');

  expect(errors.flat()).toEqual([]);
  await Promise.all([alice, bob, carol].map((p) => p.context.close()));
});
