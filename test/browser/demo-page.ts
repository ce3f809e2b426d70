import type { BrowserContext, Page } from 'playwright-core';
import type { SessionState } from '../../src/core/types';

/** Open the demo and sign in as `name` (the name is kept per tab, so a reload stays signed in). */
export async function signIn(page: Page, origin: string, name: string, query = ''): Promise<void> {
  await page.goto(`${origin}/${query}`);
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForFunction(() => window.__stompkit !== undefined);
}

/** The session state the demo exposes on `window.__stompkit`. */
export function sessionState(page: Page): Promise<SessionState> {
  return page.evaluate(() => {
    const kit = window.__stompkit;
    if (!kit) throw new Error('window.__stompkit is not set: not signed in?');
    return kit.session.getSnapshot();
  });
}

/** Wait until the page's session reports `status` (and `transport`, if given). */
export async function waitForSession(
  page: Page,
  status: SessionState['status'],
  transport?: SessionState['transport'],
  timeout = 30_000,
): Promise<SessionState> {
  await page.waitForFunction(
    ([s, t]) => {
      const state = window.__stompkit?.session.getSnapshot();
      return state !== undefined && state.status === s && (t === undefined || state.transport === t);
    },
    [status, transport] as const,
    { timeout },
  );
  return sessionState(page);
}

/** Open a room from the sidebar's room list. */
export async function openRoom(page: Page, name: string): Promise<void> {
  // The list's "#" is decorative (aria-hidden): a room's name is its text, then any unread count.
  await page.getByRole('navigation', { name: 'Rooms' }).getByRole('button', { name: new RegExp(`^${name}(\\s|$)`) }).click();
  await page.getByRole('heading', { level: 1, name: `# ${name}` }).waitFor();
}

/** Create a room with the sidebar form; the demo opens it. */
export async function createRoom(page: Page, name: string): Promise<void> {
  await page.getByRole('textbox', { name: 'New room name' }).fill(name);
  await page.getByRole('button', { name: 'Create room' }).click();
  await page.getByRole('heading', { level: 1, name: `# ${name}` }).waitFor();
}

/** Type and send with Enter, as a person would. */
export async function send(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: /^Message #/ });
  await box.click();
  await box.pressSequentially(text, { delay: 5 });
  await box.press('Enter');
}

export interface ShownMessage {
  author: string | null;
  text: string;
  state: string | null;
}

/** The messages the open room's log shows, in order (author only on the first of a group). */
export function shownMessages(page: Page): Promise<ShownMessage[]> {
  return page.locator('[role="log"] article.sk-message').evaluateAll((articles) =>
    articles.map((a) => ({
      author: a.querySelector('.sk-message__author')?.textContent ?? null,
      text: a.querySelector('.sk-message__text')?.textContent ?? '',
      state: a.getAttribute('data-state'),
    })),
  );
}

/** Texts of the messages the open room shows, in order. */
export async function shownTexts(page: Page): Promise<string[]> {
  return (await shownMessages(page)).map((m) => m.text);
}

/** Wait until the log shows a message with exactly this text (and state, if given). */
export async function waitForMessage(page: Page, text: string, state?: string, timeout = 30_000): Promise<void> {
  await page.waitForFunction(
    ([t, s]) =>
      [...document.querySelectorAll('[role="log"] article.sk-message')].some(
        (a) => a.querySelector('.sk-message__text')?.textContent === t && (s === undefined || a.getAttribute('data-state') === s),
      ),
    [text, state] as const,
    { timeout },
  );
}

/** Names in the "Online" list of the open room. */
export function onlineNames(page: Page): Promise<string[]> {
  return page.locator('.sk-presence__person').evaluateAll((items) =>
    items.map((li) => (li.firstChild?.nextSibling?.textContent ?? li.textContent ?? '').trim()),
  );
}

/** The connection banner's `data-state` and text. */
export async function banner(page: Page): Promise<{ state: string | null; text: string }> {
  const el = page.locator('.sk-banner').first();
  return { state: await el.getAttribute('data-state'), text: (await el.textContent()) ?? '' };
}

/** Texts of the chat messages waiting in the session's outbox (read markers and signals left out), in order. */
export function queuedMessages(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    (window.__stompkit?.session.getOutbox() ?? [])
      .filter((e) => e.status === 'queued' || e.status === 'sent')
      .map((e) => JSON.parse(e.body) as { type?: string; text?: string })
      .filter((event) => event.type === 'message.created')
      .map((event) => event.text ?? ''),
  );
}

/**
 * Serve the app's own files from the test while the context is offline, as an
 * installed app's service worker cache would; the broker endpoints (/ws,
 * /sockjs) are left to the (offline) network.
 */
export async function cacheAppShell(context: BrowserContext): Promise<void> {
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
