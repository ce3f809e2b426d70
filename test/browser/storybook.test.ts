import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
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
  server = await serveStatic(dir);
  browser = await launchChromium();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

/** Phases in which Storybook's preview is done with a story (rendered and played, or failed). */
const DONE = ['completed', 'finished', 'errored', 'aborted'];

async function renderStory(page: Page, id: string): Promise<string> {
  await page.goto(`${server.origin}/iframe.html?id=${encodeURIComponent(id)}&viewMode=story`);
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

test('every story renders and plays without console errors, and axe finds no violations', async () => {
  expect(stories.length).toBeGreaterThan(0);
  const failures: string[] = [];
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  for (const story of stories) {
    const page = await context.newPage();
    const errors = collectErrors(page);
    const phase = await renderStory(page, story.id).catch((e: Error) => `timeout (${e.message.split('\n')[0]})`);
    // Storybook shows render and play failures in its error overlay.
    const overlay = await page.evaluate(() => document.body.classList.contains('sb-show-errordisplay'));
    const shownError = overlay ? await page.locator('#error-message').textContent().catch(() => null) : null;
    if ((phase !== 'completed' && phase !== 'finished') || overlay) {
      failures.push(`${story.id}: phase ${phase}${shownError ? `: ${shownError}` : ''}`);
    }
    if (errors.length) failures.push(`${story.id}: console errors: ${errors.join(' | ')}`);
    await page.addScriptTag({ path: AXE });
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
    await page.close();
  }
  await context.close();
  expect(failures).toEqual([]);
}, 600_000);
