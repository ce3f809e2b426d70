import type { BrowserContext } from 'playwright-core';
import { collectErrors, newPage } from './chromium';
import { banner, openRoom, send, signIn, waitForMessage, waitForSession } from './demo-page';
import { useDemoInChromium } from './demo-server';

// Scenario 2: WebSocket fails for the page (the page's socket to /ws is
// closed as it opens, as a proxy that kills upgrades would), so the app falls
// back to SockJS; the banner and the session state say which transport, and
// chat works with a peer on plain WebSocket. Then HTTP streaming (and
// EventSource) are refused too, and it works over long-polling.
const fixture = useDemoInChromium();

async function refuseWebSocket(context: BrowserContext): Promise<void> {
  await context.routeWebSocket(/\/ws$/, (ws) => ws.close({ code: 1006, reason: 'refused by test' }));
}

/** SockJS streaming transports: answer their requests with 404, as a buffering proxy that breaks them would. */
async function refuseStreaming(context: BrowserContext): Promise<string[]> {
  const refused: string[] = [];
  await context.route(/\/sockjs\/.*\/(xhr_streaming|eventsource|htmlfile)(\?|$)/, async (route) => {
    refused.push(new URL(route.request().url()).pathname.split('/').pop() ?? '');
    await route.fulfill({ status: 404, body: 'refused by test' });
  });
  return refused;
}

test('WebSocket refused: connects over SockJS streaming, says so, and chat works', async () => {
  const { demo, browser } = fixture;
  const carol = await newPage(browser);
  const dave = await newPage(browser);
  const errors = collectErrors(dave.page);
  await refuseWebSocket(carol.context);

  await signIn(dave.page, demo.origin, 'dave');
  await signIn(carol.page, demo.origin, 'carol');
  const daveState = await waitForSession(dave.page, 'connected', 'websocket');
  const carolState = await waitForSession(carol.page, 'connected', 'xhr-streaming');
  expect(daveState.transport).toBe('websocket');
  expect(carolState.transport).toBe('xhr-streaming');
  await carol.page.waitForFunction(() => document.querySelector('.sk-banner')?.getAttribute('data-state') === 'fallback');
  expect(await banner(carol.page)).toEqual({ state: 'fallback', text: expect.stringContaining('via SockJS fallback (xhr-streaming)') });
  expect((await banner(dave.page)).state).toBe('hidden');

  await openRoom(carol.page, 'general');
  await openRoom(dave.page, 'general');
  await send(carol.page, 'over xhr-streaming');
  await waitForMessage(dave.page, 'over xhr-streaming');
  await send(dave.page, 'over websocket');
  await waitForMessage(carol.page, 'over websocket');
  await waitForMessage(carol.page, 'over xhr-streaming', 'sent');

  expect(errors).toEqual([]);
  await carol.context.close();
  await dave.context.close();
});

test('WebSocket and streaming refused: works over xhr-polling', async () => {
  const { demo, browser } = fixture;
  const erin = await newPage(browser);
  const frank = await newPage(browser);
  await refuseWebSocket(erin.context);
  const refused = await refuseStreaming(erin.context);

  await signIn(frank.page, demo.origin, 'frank');
  await signIn(erin.page, demo.origin, 'erin');
  const state = await waitForSession(erin.page, 'connected', 'xhr-polling', 60_000);
  expect(state.transport).toBe('xhr-polling');
  expect(refused).toEqual(expect.arrayContaining(['xhr_streaming', 'eventsource']));
  await erin.page.waitForFunction(() => document.querySelector('.sk-banner')?.textContent?.includes('xhr-polling'));
  expect(await banner(erin.page)).toEqual({ state: 'fallback', text: expect.stringContaining('via SockJS fallback (xhr-polling)') });

  await openRoom(erin.page, 'general');
  await openRoom(frank.page, 'general');
  await send(erin.page, 'over long-polling');
  await waitForMessage(frank.page, 'over long-polling');
  await send(frank.page, 'reply to polling');
  await waitForMessage(erin.page, 'reply to polling');

  await erin.context.close();
  await frank.context.close();
});
