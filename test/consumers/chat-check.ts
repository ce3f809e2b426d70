import type { Browser } from 'playwright-core';
import { collectErrors, newPage } from '../browser/chromium';

/** Alice and Bob open `url(user)`; Alice sends; Bob sees it and Alice sees it confirmed. Returns the pages' console errors. */
export async function twoPeopleChat(browser: Browser, url: (user: string) => string, text: string): Promise<string[]> {
  const alice = await newPage(browser);
  const bob = await newPage(browser);
  const errors = [collectErrors(alice.page), collectErrors(bob.page)];
  await alice.page.goto(url('alice'));
  await bob.page.goto(url('bob'));
  const box = alice.page.getByRole('textbox', { name: /^Message #/ });
  await box.fill(text);
  await box.press('Enter');
  await bob.page.locator('article.sk-message', { hasText: text }).waitFor({ timeout: 30_000 });
  await alice.page.locator('article.sk-message[data-state="sent"]', { hasText: text }).waitFor({ timeout: 30_000 });
  await alice.context.close();
  await bob.context.close();
  return errors.flat();
}
