import type { Locator, Page } from 'playwright-core';
import { collectErrors, newPage } from './chromium';
import { openRoom, send, signIn, waitForMessage } from './demo-page';
import { useDemoInChromium } from './demo-server';

// Scenario: three people on the demo with the bundled broker — a thread
// with reply counts, a direct message the third person never sees listed,
// an image uploaded by one and previewed by another, a mention with its badge.
const fixture = useDemoInChromium();

const row = (page: Page, text: string): Locator =>
  page.locator('[role="log"] article.sk-message').filter({ has: page.locator('.sk-message__text', { hasText: text }) });

const rooms = (page: Page) => page.getByRole('navigation', { name: 'Rooms' });

/** A PNG of the given size, drawn by the page itself. */
async function png(page: Page, width: number, height: number): Promise<Buffer> {
  const data = await page.evaluate(
    ([w, h]) => {
      const canvas = document.createElement('canvas');
      canvas.width = w;
      canvas.height = h;
      const g = canvas.getContext('2d')!;
      g.fillStyle = '#2f5fd0';
      g.fillRect(0, 0, w, h);
      return canvas.toDataURL('image/png').split(',')[1]!;
    },
    [width, height] as const,
  );
  return Buffer.from(data, 'base64');
}

test('threads, direct messages, an image and a mention between three people', async () => {
  const { demo, browser } = fixture;
  const [alice, bob, carol] = await Promise.all([newPage(browser), newPage(browser), newPage(browser)]);
  const errors = [alice.page, bob.page, carol.page].map(collectErrors);
  await signIn(alice.page, demo.origin, 'alice');
  await signIn(bob.page, demo.origin, 'bob');
  await signIn(carol.page, demo.origin, 'carol');
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
  await row(alice.page, 'Release today?').getByRole('button', { name: /^2 replies/ }).waitFor();
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
