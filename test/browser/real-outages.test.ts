import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { ExpectStatic, TestContext } from 'vitest';
import { startCli, type Cli } from '../support/broker-cli';
import { startSilentProxy, type SilentProxy } from '../support/silent-proxy';
import { launchChromium, newPage } from './chromium';
import { createRoom, openRoom, send, sessionState, shownMessages, signIn, waitForMessage } from './demo-page';
import { startDemo, type DemoServer } from './demo-server';

// The outages users meet, as they meet them: sends are typed the moment the
// network goes (nobody waits for the banner), and nobody presses Retry.
// The demo talks to the broker CLI (its own process, so it can be killed
// with SIGKILL) through a TCP proxy that can go silent without closing
// anything. Every message must arrive exactly once, in order, on both sides.
// Each test has its own broker, proxy and demo, so the outages (mostly
// waiting out real time) run side by side without touching each other.
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

interface Stack {
  /** The running broker CLI (replaced by `restart`). */
  readonly broker: Cli;
  readonly proxy: SilentProxy;
  readonly demo: DemoServer;
  /** Starts the broker CLI again on its port and data directory. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** A broker CLI with its own data directory, the silent proxy in front of it, and the demo pointed at the proxy. */
async function startStack(): Promise<Stack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'stompkit-outages-'));
  let broker = await startCli(['--data-dir', dataDir]);
  const proxy = await startSilentProxy(broker.port);
  const demo = await startDemo({ brokerUrl: `ws://127.0.0.1:${proxy.port}/ws`, sockjsUrl: `http://127.0.0.1:${proxy.port}/sockjs` });
  return {
    get broker() {
      return broker;
    },
    proxy,
    demo,
    async restart() {
      broker = await startCli(['--data-dir', dataDir, '--port', String(broker.port)]);
    },
    async close() {
      await demo.close();
      await proxy.close();
      broker.proc.kill('SIGTERM');
      await broker.exited;
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Alice and Bob in a fresh room, one message each way delivered and confirmed. */
async function twoUsersIn(demo: DemoServer, room: string): Promise<{ alice: Page; bob: Page; close: () => Promise<void> }> {
  const a = await newPage(browser);
  const b = await newPage(browser);
  await signIn(a.page, demo.origin, 'alice');
  await signIn(b.page, demo.origin, 'bob');
  await createRoom(a.page, room);
  await openRoom(b.page, room);
  await send(a.page, 'hello (alice)');
  await waitForMessage(b.page, 'hello (alice)');
  await send(b.page, 'hello (bob)');
  await waitForMessage(a.page, 'hello (bob)');
  for (const page of [a.page, b.page]) await page.waitForFunction(() => window.__stompkit?.session.getSnapshot().pending === 0);
  return {
    alice: a.page,
    bob: b.page,
    close: async () => {
      await a.context.close();
      await b.context.close();
    },
  };
}

/**
 * Records in the page, from the next `offline` event: when it fired, when
 * the banner left `hidden`, and the error of the session's first state that
 * is no longer `connected`.
 */
async function probeOffline(page: Page): Promise<void> {
  await page.evaluate(() => {
    const probe: { offlineAt?: number; bannerAt?: number; firstError?: string } = {};
    (window as unknown as { __offlineProbe: typeof probe }).__offlineProbe = probe;
    window.addEventListener('offline', () => (probe.offlineAt ??= performance.now()), { once: true });
    const session = window.__stompkit!.session;
    const off = session.subscribe(() => {
      const state = session.getSnapshot();
      if (state.status === 'connected') return;
      probe.firstError = state.error?.message;
      off();
    });
    new MutationObserver((_, observer) => {
      if ((document.querySelector('.sk-banner')?.getAttribute('data-state') ?? 'hidden') === 'hidden') return;
      probe.bannerAt = performance.now();
      observer.disconnect();
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
  });
}
const offlineProbe = (page: Page) =>
  page.evaluate(() => (window as unknown as { __offlineProbe: { offlineAt?: number; bannerAt?: number; firstError?: string } }).__offlineProbe);

/** ms until the banner leaves `hidden`, counted from `since`. */
async function bannerShownAfter(page: Page, since: number): Promise<number> {
  await page.waitForFunction(() => (document.querySelector('.sk-banner')?.getAttribute('data-state') ?? 'hidden') !== 'hidden', null, {
    timeout: 60_000,
    polling: 50,
  });
  return Date.now() - since;
}

/** Waits (no user action) until both pages show `expected`, every message `sent`, each once. */
async function everythingOnce(expect: ExpectStatic, pages: Page[], expected: string[]): Promise<void> {
  for (const page of pages) {
    await page.waitForFunction(
      (n) => {
        const rows = [...document.querySelectorAll('[role="log"] article.sk-message')];
        return rows.length === n && rows.every((r) => r.getAttribute('data-state') === 'sent');
      },
      expected.length,
      { timeout: 120_000 },
    );
    expect((await shownMessages(page)).map((m) => m.text)).toEqual(expected);
    expect(await page.evaluate(() => window.__stompkit?.session.getOutbox().filter((e) => e.status === 'failed').length)).toBe(0);
  }
}

/** The failed state never showed: a row that failed would still say so, or have needed Retry. */
async function watchForFailures(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __failedSeen?: number };
    w.__failedSeen = 0;
    new MutationObserver(() => {
      if (document.querySelector('article.sk-message[data-state="failed"]')) w.__failedSeen! += 1;
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
  });
}
const failuresSeen = (page: Page) => page.evaluate(() => (window as unknown as { __failedSeen?: number }).__failedSeen ?? 0);

/** This test's own broker, proxy and demo, closed when it ends (passed or not). */
async function stackForTest({ onTestFinished }: TestContext): Promise<Stack> {
  const stack = await startStack();
  onTestFinished(() => stack.close());
  return stack;
}

const OFFLINE = 'offline for %i s, typing right after the network goes: delivered once, in order, without Retry';
test.concurrent.for([20, 90])(OFFLINE, { timeout: 300_000 }, async (seconds, ctx) => {
  const { expect } = ctx;
  const { demo } = await stackForTest(ctx);
  const { alice, bob, close } = await twoUsersIn(demo, `offline-${seconds}`);
  await watchForFailures(alice);
  await probeOffline(alice);
  const context = alice.context();
  const typed = ['right away 1', 'right away 2', 'right away 3'];
  await context.setOffline(true);
  const wentOffline = Date.now();
  for (const text of typed) await send(alice, text);
  await bannerShownAfter(alice, wentOffline);
  const probe = await offlineProbe(alice);
  // The browser's `offline` event, not a timeout, is what dropped the connection.
  expect(probe.firstError).toBe('the browser went offline');
  const shownAfter = Math.round(probe.bannerAt! - probe.offlineAt!);
  for (const text of typed) await waitForMessage(alice, text, 'pending');
  expect(await alice.locator('.sk-message__status[data-waiting]').count()).toBe(typed.length);

  await sleep(seconds * 1000 - (Date.now() - wentOffline));
  await context.setOffline(false);
  const expected = ['hello (alice)', 'hello (bob)', ...typed];
  await everythingOnce(expect, [alice, bob], expected);
  expect(await failuresSeen(alice)).toBe(0);
  console.info(`offline ${seconds} s: banner ${shownAfter} ms after the offline event`);
  await close();
});

test.concurrent('a network that goes silent without closing: noticed by heart-beats, delivered once after it returns', async (ctx) => {
  const { expect } = ctx;
  const { demo, proxy } = await stackForTest(ctx);
  const { alice, bob, close } = await twoUsersIn(demo, 'silent');
  await watchForFailures(alice);
  proxy.silence();
  const silentAt = Date.now();
  const typed = ['into the void 1', 'into the void 2'];
  for (const text of typed) await send(alice, text);
  const shownAfter = await bannerShownAfter(alice, silentAt); // typing included
  const reason = (await sessionState(alice)).error?.message;
  await sleep(20_000 - (Date.now() - silentAt));
  proxy.restore();
  await everythingOnce(expect, [alice, bob], ['hello (alice)', 'hello (bob)', ...typed]);
  expect(await failuresSeen(alice)).toBe(0);
  console.info(`silent drop: banner ${shownAfter} ms after the proxy went silent (${reason})`);
  await close();
}, 300_000);

test.concurrent('broker killed with SIGKILL, restarted 30 s later: sends typed at the kill arrive once, in order', async (ctx) => {
  const { expect } = ctx;
  const stack = await stackForTest(ctx);
  const { broker } = stack;
  const { alice, bob, close } = await twoUsersIn(stack.demo, 'killed');
  await watchForFailures(alice);
  await watchForFailures(bob);
  broker.proc.kill('SIGKILL');
  const killedAt = Date.now();
  const fromAlice = ['at the kill 1 (alice)', 'at the kill 2 (alice)'];
  const fromBob = ['at the kill 1 (bob)'];
  for (const text of fromAlice) await send(alice, text);
  for (const text of fromBob) await send(bob, text);
  await broker.exited;
  const shownAfter = await bannerShownAfter(alice, killedAt); // typing included
  await sleep(30_000 - (Date.now() - killedAt));
  await stack.restart();
  const expected = ['hello (alice)', 'hello (bob)', ...fromAlice, ...fromBob];
  // Each person's messages keep their order; the two people interleave as the broker took them.
  for (const page of [alice, bob]) {
    await page.waitForFunction((n) => document.querySelectorAll('[role="log"] article.sk-message[data-state="sent"]').length === n, expected.length, {
      timeout: 120_000,
    });
  }
  const shown = (await shownMessages(alice)).map((m) => m.text);
  expect((await shownMessages(bob)).map((m) => m.text)).toEqual(shown);
  expect([...shown].sort()).toEqual([...expected].sort());
  expect(shown.filter((t) => t.endsWith('(alice)') && t.startsWith('at'))).toEqual(fromAlice);
  expect(await failuresSeen(alice)).toBe(0);
  expect(await failuresSeen(bob)).toBe(0);
  console.info(`SIGKILL: banner ${shownAfter} ms after the kill`);
  await close();
}, 300_000);
