import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { collectErrors, launchChromium } from './chromium';
import { serveStatic, type StaticServer } from './static-server';

// Scenario 5: the static Storybook build. Every story renders in Chromium
// with its play function, logs no console error, and axe finds no violations.
// STORYBOOK_STATIC_DIR reuses an existing build (local iteration only).

interface IndexEntry {
  id: string;
  type: 'story' | 'docs';
  title: string;
  name: string;
}

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
/** Where the static server serves axe, so pages take it from the cache after the first. */
const AXE_URL = '/__axe.min.js';

let browser: Browser;
let server: StaticServer;
let outDir: string | null = null;
let stories: IndexEntry[] = [];

function build(dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['storybook', 'build', '--quiet', '--disable-telemetry', '-o', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, STORYBOOK_DISABLE_TELEMETRY: '1' },
    });
    let log = '';
    child.stdout.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`storybook build exited ${code}:\n${log.slice(-4000)}`))));
  });
}

beforeAll(async () => {
  let dir = process.env.STORYBOOK_STATIC_DIR;
  if (!dir) {
    outDir = await mkdtemp(join(tmpdir(), 'stompkit-storybook-'));
    dir = outDir;
    await build(dir);
  }
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as { entries: Record<string, IndexEntry> };
  stories = Object.values(index.entries).filter((e) => e.type === 'story');
  server = await serveStatic(dir, { [AXE_URL]: AXE });
  browser = await launchChromium();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

/** Phases in which Storybook's preview is done with a story (rendered and played, or failed). */
const DONE = ['completed', 'finished', 'errored', 'aborted'];

async function renderStory(page: Page, id: string, globals?: string): Promise<string> {
  await page.goto(`${server.origin}/iframe.html?id=${encodeURIComponent(id)}&viewMode=story${globals ? `&globals=${globals}` : ''}`);
  const phase = await page.waitForFunction(
    (done) => {
      const preview = (window as unknown as { __STORYBOOK_PREVIEW__?: { currentRender?: { phase?: string } } })
        .__STORYBOOK_PREVIEW__;
      const p = preview?.currentRender?.phase;
      return p && done.includes(p) ? p : false;
    },
    DONE,
    { timeout: 30_000 },
  );
  return (await phase.jsonValue()) as string;
}

test('the build has every component and the hooks ticker', () => {
  const titles = new Set(stories.map((s) => s.title));
  for (const title of [
    'Chat/ConnectionBanner',
    'Chat/Message',
    'Chat/MessageList',
    'Chat/Composer',
    'Chat/RoomList',
    'Chat/PresenceList',
    'Chat/TypingIndicator',
    'Hooks/Live ticker',
  ]) {
    expect(titles, `missing stories for ${title}`).toContain(title);
  }
});

/**
 * Show story `id` in a page already showing one, the way Storybook's own UI
 * switches stories (its channel's `setCurrentStory`): the previous story is
 * unmounted and the new one rendered and played, without reloading and
 * re-parsing the whole preview. Resolves with the new render's final phase.
 */
async function switchStory(page: Page, id: string): Promise<string> {
  await page.evaluate((storyId) => {
    const channel = (window as unknown as { __STORYBOOK_ADDONS_CHANNEL__: { emit(event: string, args: unknown): void } }).__STORYBOOK_ADDONS_CHANNEL__;
    channel.emit('setCurrentStory', { storyId, viewMode: 'story' });
  }, id);
  const phase = await page.waitForFunction(
    ({ storyId, done }) => {
      const render = (window as unknown as { __STORYBOOK_PREVIEW__?: { currentRender?: { id?: string; phase?: string } } }).__STORYBOOK_PREVIEW__?.currentRender;
      return render?.id === storyId && render.phase && done.includes(render.phase) ? render.phase : false;
    },
    { storyId: id, done: DONE },
    { timeout: 30_000, polling: 50 },
  );
  return (await phase.jsonValue()) as string;
}

/**
 * Everything wrong with one story: render or play failure, console errors,
 * axe violations. `page` shows the lane's previous story (or none yet);
 * `errors` collects its console errors from the start.
 */
async function checkStory(page: Page, errors: string[], story: IndexEntry, first: boolean): Promise<string[]> {
  const failures: string[] = [];
  const before = errors.length;
  const phase = await (first ? renderStory(page, story.id) : switchStory(page, story.id)).catch((e: Error) => `timeout (${e.message.split('\n')[0]})`);
  // Storybook shows render and play failures in its error overlay.
  const overlay = await page.evaluate(() => document.body.classList.contains('sb-show-errordisplay'));
  const shownError = overlay ? await page.locator('#error-message').textContent().catch(() => null) : null;
  if ((phase !== 'completed' && phase !== 'finished') || overlay) {
    failures.push(`${story.id}: phase ${phase}${shownError ? `: ${shownError}` : ''}`);
  }
  const mine = errors.slice(before);
  if (mine.length) failures.push(`${story.id}: console errors: ${mine.join(' | ')}`);
  // A part fading in is checked as it ends up, not at whatever opacity axe happens to catch.
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((a) => a.effect?.getComputedTiming().endTime !== Infinity)
        .map((a) => a.finished.catch(() => undefined)),
    ),
  );
  if (first) await page.addScriptTag({ url: `${server.origin}${AXE_URL}` });
  const { violations, passes } = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            ctx: unknown,
            opts: unknown,
          ) => Promise<{ passes: unknown[]; violations: Array<{ id: string; help: string; nodes: Array<{ target: unknown }> }> }>;
        };
      }
    ).axe;
    // A story is a component on its own, not a page: the page-structure
    // rules (landmarks, a main heading) do not apply to it.
    const result = await axe.run(document.getElementById('storybook-root'), {
      rules: { region: { enabled: false }, 'page-has-heading-one': { enabled: false }, 'landmark-one-main': { enabled: false } },
    });
    return {
      // A story that renders nothing visible (e.g. nobody typing) has nothing for axe to check.
      passes: document.getElementById('storybook-root')?.innerText.trim() ? result.passes.length : -1,
      violations: result.violations.map((v) => `${v.id} (${v.help}) at ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`),
    };
  });
  // axe really looked at something (an empty root would pass vacuously).
  if (passes === 0) failures.push(`${story.id}: axe checked no rule on the story`);
  if (violations.length) failures.push(`${story.id}: axe: ${violations.join(' ; ')}`);
  return failures;
}

// Stories spend most of their time in play functions and scenes waiting on
// timers, so two run at once, each in its own context (its own window, so
// neither is a background tab with throttled frames). Each lane loads the
// preview once and switches stories in it, as Storybook's UI does: loading
// the whole preview again for every story cost seconds each on two cores.
const LANES = 2;

/** A window for one lane of stories; `fresh` until it shows its first. */
async function openLane(): Promise<{ context: BrowserContext; page: Page; errors: string[]; fresh: boolean }> {
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const page = await context.newPage();
  return { context, page, errors: collectErrors(page), fresh: true };
}

test('every story renders and plays without console errors, and axe finds no violations', async () => {
  expect(stories.length).toBeGreaterThan(0);
  const found: string[][] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: LANES }, async () => {
      let lane = await openLane();
      for (let i = next++; i < stories.length; i = next++) {
        const story = stories[i]!;
        const switched = !lane.fresh;
        found[i] = await checkStory(lane.page, lane.errors, story, lane.fresh);
        lane.fresh = false;
        if (found[i]!.length === 0) continue;
        if (!switched) {
          // Failed in a page of its own: its own failure. The lane goes on in a new page.
          await lane.context.close();
          lane = await openLane();
          continue;
        }
        // A failure in a switched-to story may be the previous story's leftovers
        // (a timer, an unmount error): check it again in a page of its own,
        // where it fails only for itself; the lane goes on in a new page too.
        await lane.context.close();
        lane = await openLane();
        const alone = await checkStory(lane.page, lane.errors, story, true);
        lane.fresh = false;
        if (alone.length === 0) console.warn(`${story.id} failed only after another story in the same page: ${found[i]!.join(' ; ')}`);
        found[i] = alone;
      }
      await lane.context.close();
    }),
  );
  // In story order, whichever lane met them; the message names them even where a log keeps one line.
  const failures = found.flat();
  expect(failures, failures.join(' ; ')).toEqual([]);
}, 600_000);

// Screenshots of the main stories for review (light, dark, RTL, 390 px),
// written beside the demo's (screenshots/, gitignored).
const SHOTS_DIR = resolve(process.env.STOMPKIT_SCREENSHOTS ?? 'screenshots');
const STORY_SHOTS: Array<{ id: string; name: string; globals?: string; width?: number; hover?: string }> = [
  { id: 'chat-chatroom--conversation', name: 'story-chatroom-light' },
  { id: 'chat-chatroom--conversation', name: 'story-chatroom-dark', globals: 'theme:dark' },
  { id: 'chat-chatroom--conversation', name: 'story-chatroom-rtl', globals: 'dir:rtl' },
  { id: 'chat-chatroom--presence-open-on-phone', name: 'story-chatroom-390-presence', width: 390 },
  { id: 'chat-chatroom--outage-with-pending-messages', name: 'story-chatroom-outage-pending' },
  { id: 'chat-messagelist--grouped', name: 'story-messagelist-grouped-light' },
  { id: 'chat-messagelist--grouped', name: 'story-messagelist-grouped-dark', globals: 'theme:dark' },
  { id: 'chat-messagelist--grouped', name: 'story-messagelist-grouped-rtl', globals: 'dir:rtl', hover: '.sk-message[data-grouped]' },
  { id: 'chat-messagelist--grouped', name: 'story-messagelist-grouped-390', width: 390 },
  { id: 'chat-messagelist--long-thread-of-one-author', name: 'story-messagelist-11am', hover: '.sk-message[data-grouped]' },
  { id: 'chat-messagelist--empty-room', name: 'story-messagelist-empty' },
  { id: 'chat-messagelist--loading', name: 'story-messagelist-loading' },
  { id: 'chat-messagelist--history-error', name: 'story-messagelist-history-error' },
  { id: 'chat-messagelist--bubbles', name: 'story-messagelist-bubbles' },
  { id: 'chat-message--actions', name: 'story-message-actions' },
  { id: 'chat-message--with-image-avatar', name: 'story-message-image-avatar' },
  { id: 'chat-composer--editing', name: 'story-composer-editing' },
];

test('screenshots of the main stories: light, dark, RTL, 390 px', async () => {
  await mkdir(SHOTS_DIR, { recursive: true });
  const failures: string[] = [];
  for (const shot of STORY_SHOTS) {
    const context = await browser.newContext({ viewport: { width: shot.width ?? 1024, height: 720 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const phase = await renderStory(page, shot.id, shot.globals);
    if (phase !== 'completed' && phase !== 'finished') failures.push(`${shot.id}: ${phase}`);
    if (shot.hover) await page.locator(shot.hover).last().hover();
    await page.screenshot({ path: join(SHOTS_DIR, `${shot.name}.png`) });
    await context.close();
  }
  expect(failures).toEqual([]);
}, 300_000);

// The message log's scrolling in a real layout engine: where jsdom lays
// nothing out, these are the tests of following, anchoring and paging.
describe('MessageList scrolling in Chromium', () => {
  interface LogState {
    state: string | null;
    fromBottom: number;
    scrollTop: number;
    rows: Array<{ key: string; top: number; bottom: number }>;
    messages: number;
  }

  const readLog = (page: Page): Promise<LogState> =>
    page.evaluate(() => {
      const scroller = document.querySelector<HTMLElement>('.sk-messages__scroller');
      if (!scroller) throw new Error('no message log');
      const top = scroller.getBoundingClientRect().top;
      const rows = [...scroller.querySelectorAll<HTMLElement>('.sk-messages__row')].map((row) => {
        const box = row.getBoundingClientRect();
        return { key: row.dataset.key ?? '', top: box.top - top, bottom: box.bottom - top };
      });
      return {
        state: scroller.closest('.sk-messages')?.getAttribute('data-state') ?? null,
        fromBottom: scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight,
        scrollTop: scroller.scrollTop,
        rows,
        messages: rows.filter((r) => !r.key.startsWith('day:')).length,
      };
    });

  /** Two frames: ResizeObserver callbacks and the corrections they make have run. */
  const settle = (page: Page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

  /** The first message row fully in view. */
  const firstVisible = (log: LogState) => {
    const row = log.rows.find((r) => r.top >= 0 && !r.key.startsWith('day:'));
    if (!row) throw new Error('no message row in view');
    return row;
  };

  async function wheelOverLog(page: Page, dy: number): Promise<void> {
    const box = await page.locator('.sk-messages__scroller').boundingBox();
    if (!box) throw new Error('message log not laid out');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, dy);
  }

  test('starts at the bottom, keeps the read row in place when rows above grow and when an older page loads, and jumps back', async () => {
    const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    const page = await context.newPage();
    const errors = collectErrors(page);
    expect(await renderStory(page, 'chat-messagelist--long-history-loading-older')).toMatch(/completed|finished/);
    await settle(page);
    let log = await readLog(page);
    expect(log.state).toBe('following');
    expect(log.fromBottom).toBeLessThan(2);
    expect(log.rows.at(-1)?.key).toBe('p0-29');

    // Scroll up a little: the log stops following and offers the way back.
    await wheelOverLog(page, -300);
    await page.waitForFunction(() => document.querySelector('.sk-messages')?.getAttribute('data-state') === 'scrolled');
    await page.getByRole('button', { name: /Jump to latest/ }).waitFor();
    await settle(page);
    log = await readLog(page);
    const anchor = firstVisible(log);

    // A row above the viewport grows (an image loads, a message is edited longer).
    const above = log.rows.filter((r) => r.bottom <= 0).at(-1);
    if (!above) throw new Error('no rendered row above the viewport');
    await page.evaluate((key) => {
      const row = document.querySelector(`.sk-messages__row[data-key="${key}"] article, .sk-messages__row[data-key="${key}"] div`);
      const tall = document.createElement('div');
      tall.style.blockSize = '160px';
      row?.appendChild(tall);
    }, above.key);
    await settle(page);
    log = await readLog(page);
    expect(Math.abs((log.rows.find((r) => r.key === anchor.key)?.top ?? NaN) - anchor.top)).toBeLessThan(1.5);

    // To the top: the story loads 30 older messages after 900 ms; the row read stays put.
    for (let i = 0; i < 40 && (await readLog(page)).scrollTop > 0; i += 1) await wheelOverLog(page, -600);
    await page.getByText('Loading earlier messages…').waitFor();
    await settle(page);
    const top = firstVisible(await readLog(page));
    await page.waitForFunction(() => document.querySelector('.sk-messages__row[data-key^="p1-"]') !== null, null, { timeout: 10_000 });
    await page.getByText('Loading earlier messages…').waitFor({ state: 'detached' });
    await settle(page);
    log = await readLog(page);
    expect(Math.abs((log.rows.find((r) => r.key === top.key)?.top ?? NaN) - top.top)).toBeLessThan(1.5);
    expect(log.rows.findIndex((r) => r.key.startsWith('p1-'))).toBeLessThan(log.rows.findIndex((r) => r.key === top.key));

    await page.getByRole('button', { name: /Jump to latest/ }).click();
    await page.waitForFunction(() => document.querySelector('.sk-messages')?.getAttribute('data-state') === 'following');
    await settle(page);
    log = await readLog(page);
    expect(log.fromBottom).toBeLessThan(2);
    expect(log.rows.at(-1)?.key).toBe('p0-29');
    expect(errors).toEqual([]);
    await context.close();
  });

  test('follows the bottom through a 300-message burst and keeps only the rows near the viewport in the DOM', async () => {
    const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    const page = await context.newPage();
    expect(await renderStory(page, 'chat-messagelist--burst-of-incoming')).toMatch(/completed|finished/);
    await page.waitForFunction(() => document.querySelector('.sk-messages__row[data-key="burst-299"]') !== null, null, { timeout: 15_000 });
    await settle(page);
    const log = await readLog(page);
    expect(log.state).toBe('following');
    expect(log.fromBottom).toBeLessThan(2);
    expect(log.rows.at(-1)?.key).toBe('burst-299');
    // 300+ messages, a 480 px pane: a few dozen rows at most are mounted.
    expect(log.messages).toBeGreaterThan(5);
    expect(log.messages).toBeLessThan(80);
    await context.close();
  });
});
