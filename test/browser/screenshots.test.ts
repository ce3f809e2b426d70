import { mkdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { collectErrors, launchChromium } from './chromium';
import { createRoom, openRoom, send, signIn, waitForMessage } from './demo-page';
import { startDemo, type DemoServer } from './demo-server';

// Scenario 6: screenshots of the demo for review (light, dark, RTL, phone
// width), written to screenshots/ (gitignored). A conversation with a second
// person, a second room with unread messages and a draft make every part of
// the layout show something. (No emoji in the texts: CI's Chromium has no
// colour emoji font, and tofu boxes would hide real rendering problems.)
const OUT = resolve(process.env.STOMPKIT_SCREENSHOTS ?? 'screenshots');
let demo: DemoServer;
let browser: Browser;

beforeAll(async () => {
  await mkdir(OUT, { recursive: true });
  demo = await startDemo();
  browser = await launchChromium();
  // Someone else has been chatting already.
  const context = await browser.newContext();
  const ana = await context.newPage();
  await signIn(ana, demo.origin, 'Ana');
  await openRoom(ana, 'general');
  await send(ana, 'Morning! The release branch is cut.');
  await send(ana, 'Changelog: https://example.com/changelog');
  await createRoom(ana, 'design');
  await send(ana, 'New mockups for the room list are in Figma');
  await send(ana, 'Thoughts on the dark theme?');
  await openRoom(ana, 'general');
});

afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

const SHOTS: Array<{ name: string; query: string; viewport: { width: number; height: number }; text: string }> = [
  { name: 'demo-light', query: '?theme=light', viewport: { width: 1280, height: 800 }, text: 'Looks great — testing it in two windows now.' },
  { name: 'demo-dark', query: '?theme=dark', viewport: { width: 1280, height: 800 }, text: 'Dark mode check: all good.' },
  { name: 'demo-rtl', query: '?theme=light&dir=rtl', viewport: { width: 1280, height: 800 }, text: 'مرحبا! كل الرسائل وصلت بالترتيب.' },
  { name: 'demo-mobile', query: '?theme=light', viewport: { width: 390, height: 844 }, text: 'Sent from my phone, on the train' },
];

async function shoot(page: Page, name: string): Promise<string> {
  const path = join(OUT, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

for (const shot of SHOTS) {
  test(`screenshot: ${shot.name}`, async () => {
    const context = await browser.newContext({ viewport: shot.viewport, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const errors = collectErrors(page);
    const user = shot.name === 'demo-rtl' ? 'Dalia' : 'Sam';
    await signIn(page, demo.origin, user, shot.query);
    if (shot.name !== 'demo-mobile') await openRoom(page, 'general');
    await waitForMessage(page, 'Changelog: https://example.com/changelog');
    await send(page, shot.text);
    await waitForMessage(page, shot.text, 'sent');
    if (shot.name !== 'demo-mobile') {
      // Presence arrives with the first heartbeat after connecting; wait for it
      // so the people column shows who is here.
      await page.waitForFunction(
        (me) => [...document.querySelectorAll('.sk-presence__person')].some((li) => li.textContent?.includes(me)),
        user,
        { timeout: 30_000 },
      );
    }
    // A draft in the composer, as a person mid-reply would have.
    await page.getByRole('textbox', { name: /^Message #/ }).fill('Draft reply…');
    const path = await shoot(page, shot.name);
    expect((await stat(path)).size).toBeGreaterThan(10_000);
    if (shot.name === 'demo-mobile') {
      // On a phone, who is online opens from the room header as a drawer.
      await page.getByRole('button', { name: /^Online/ }).click();
      await page.getByRole('dialog', { name: 'People in this room' }).getByText(user).waitFor();
      await shoot(page, 'demo-mobile-people');
      await page.keyboard.press('Escape');
      await page.getByRole('dialog').waitFor({ state: 'detached' });
    }
    expect(errors).toEqual([]);
    await context.close();
  });
}
