import type { Locator, Page } from 'playwright-core';
import { collectErrors, newPage } from './chromium';
import { openRoom, send, signIn, waitForMessage } from './demo-page';
import { useDemoInChromium } from './demo-server';

// Scenario: the message actions between two people on the demo with the
// bundled broker — a reaction, an edit (from the menu and with Arrow Up in
// the composer), a copy and a delete made by one are seen by the other.
const fixture = useDemoInChromium();

/** The row of the message whose text starts with `text` (a regular expression source). */
const row = (page: Page, text: string): Locator =>
  page.locator('[role="log"] article.sk-message').filter({ has: page.locator('.sk-message__text', { hasText: new RegExp(`^${text}`) }) });

/** Hover the row (the toolbar shows on hover) and open its "More actions" menu. */
async function more(page: Page, text: string): Promise<Locator> {
  const r = row(page, text);
  await r.hover();
  await r.getByRole('button', { name: 'More actions' }).click();
  return r.getByRole('menu');
}

test('react, edit, copy and delete reach the other person', async () => {
  const { demo, browser } = fixture;
  const alice = await newPage(browser);
  const bob = await newPage(browser, { permissions: ['clipboard-read', 'clipboard-write'] });
  const errors = [alice.page, bob.page].map(collectErrors);
  await signIn(alice.page, demo.origin, 'alice');
  await signIn(bob.page, demo.origin, 'bob');
  await openRoom(alice.page, 'general');
  await openRoom(bob.page, 'general');

  await send(alice.page, 'Ship it today?');
  await waitForMessage(bob.page, 'Ship it today?');

  // React: Bob picks 👍 from the toolbar; Alice sees one 👍, Bob's pill is pressed.
  await row(bob.page, 'Ship it today\\?').hover();
  await row(bob.page, 'Ship it today\\?').getByRole('button', { name: 'Add reaction' }).click();
  await bob.page.getByRole('menuitem', { name: 'React with 👍' }).click();
  await row(alice.page, 'Ship it today\\?').getByRole('button', { name: '👍 1' }).waitFor();
  await expectPressed(row(bob.page, 'Ship it today\\?').getByRole('button', { name: '👍 1' }), 'true');

  // Edit from the menu: inline, Enter saves; Bob sees the new text marked edited.
  await (await more(alice.page, 'Ship it today\\?')).getByRole('menuitem', { name: /Edit/ }).click();
  const editor = alice.page.getByRole('textbox', { name: 'Edit message' });
  await editor.fill('Ship it tomorrow?');
  await editor.press('Enter');
  await row(bob.page, 'Ship it tomorrow\\?').locator('.sk-message__edited').waitFor();

  // Edit the last own message with Arrow Up in the empty composer.
  const box = alice.page.getByRole('textbox', { name: /^Message #/ });
  await box.click();
  await box.press('ArrowUp');
  expect(await box.inputValue()).toBe('Ship it tomorrow?');
  await box.fill('Ship it on Monday.');
  await box.press('Enter');
  await row(bob.page, 'Ship it on Monday\\.').locator('.sk-message__edited').waitFor();
  expect(await box.inputValue()).toBe('');

  // Copy: Bob copies Alice's text.
  await (await more(bob.page, 'Ship it on Monday\\.')).getByRole('menuitem', { name: 'Copy text' }).click();
  expect(await bob.page.evaluate(() => navigator.clipboard.readText())).toBe('Ship it on Monday.');
  // Not his message: no Edit or Delete for Bob.
  const bobsMenu = await more(bob.page, 'Ship it on Monday\\.');
  expect(await bobsMenu.getByRole('menuitem').allTextContents()).toEqual(['Reply in thread', 'Copy text']);
  await bob.page.keyboard.press('Escape');

  // Delete: asked once, then gone for both.
  await (await more(alice.page, 'Ship it on Monday\\.')).getByRole('menuitem', { name: /Delete/ }).click();
  const confirm = alice.page.getByRole('alertdialog', { name: 'Delete this message for everyone?' });
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await waitForMessage(bob.page, 'This message was deleted');
  await waitForMessage(alice.page, 'This message was deleted');

  expect(errors.flat()).toEqual([]);
  await alice.context.close();
  await bob.context.close();
});

async function expectPressed(button: Locator, value: string): Promise<void> {
  expect(await button.getAttribute('aria-pressed')).toBe(value);
}

/** Boxes of the two rows of a group: the first message and its follow-up. */
function groupBoxes(page: Page) {
  return page.evaluate(() => {
    const rows = [...document.querySelectorAll<HTMLElement>('[role="log"] article.sk-message')].slice(-2);
    const box = (el: Element | null) => {
      const r = el?.getBoundingClientRect();
      return r ? { top: r.top, bottom: r.bottom, height: r.height } : null;
    };
    const follow = rows[1];
    const time = follow.querySelector('.sk-message__gutter .sk-message__time');
    return {
      grouped: follow.hasAttribute('data-grouped'),
      firstText: box(rows[0].querySelector('.sk-message__text')),
      followRow: box(follow),
      followText: box(follow.querySelector('.sk-message__text')),
      time: box(time),
      timeText: time?.textContent ?? '',
      timeLines: time?.querySelector('time')?.getClientRects().length ?? 0,
      timeIsolated: time ? getComputedStyle(time).unicodeBidi : '',
      lineHeight: parseFloat(getComputedStyle(follow.querySelector('.sk-message__text') ?? follow).lineHeight),
    };
  });
}

for (const dir of ['ltr', 'rtl'] as const) {
  test(`a follow-up sits 2px under the first message at 11 AM, its hover time on one line (${dir})`, async () => {
    const { demo, browser } = fixture;
    // 11 AM: the widest common hour, which used to wrap in the gutter. The time shown is the broker's
    // (it stamps stream messages), so the page gets the time zone in which now is 11 AM.
    const offset = 11 - new Date().getUTCHours();
    const timezoneId = offset === 0 ? 'UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
    const { page, context } = await newPage(browser, { timezoneId, locale: 'en-US', viewport: { width: 390, height: 800 } });
    const errors = collectErrors(page);
    await signIn(page, demo.origin, `carol-${dir}`, dir === 'rtl' ? '?dir=rtl' : '');
    await send(page, `First of a group (${dir})`);
    await send(page, `Follow-up (${dir})`);
    await waitForMessage(page, `Follow-up (${dir})`, 'sent');
    await row(page, `Follow-up \\(${dir}\\)`).hover();
    const b = await groupBoxes(page);
    expect(b.grouped).toBe(true);
    // (Unless the hour turned while the test ran.)
    expect(b.timeText).toMatch(/^(11:\d\d\sAM|12:0\d\sPM)$/);
    expect(b.timeLines).toBe(1);
    expect(b.timeIsolated).toBe('isolate');
    if (!b.firstText || !b.followText || !b.followRow || !b.time) throw new Error('rows not laid out');
    // The design: follow-ups 2px apart, one line of text each, the time no taller than that line.
    expect(b.followText.top - b.firstText.bottom).toBeCloseTo(2, 0);
    expect(b.followRow.height).toBeCloseTo(b.lineHeight + 2, 0);
    expect(b.time.height).toBeLessThanOrEqual(b.lineHeight + 0.5);
    expect(errors).toEqual([]);
    await context.close();
  });
}
