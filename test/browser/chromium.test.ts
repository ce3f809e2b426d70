import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { collectErrors, launchChromium } from './chromium';

// The harness itself: Debian's Chromium starts headless, loads a page over
// loopback HTTP, and the error collector reports what the page logs.
let browser: Browser;
let server: Server;
let origin: string;

beforeAll(async () => {
  browser = await launchChromium();
  server = createServer((req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(req.url === '/broken' ? '<script>console.error("boom")</script><p>x</p>' : '<h1>stompkit</h1>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

test('Chromium loads a page served over loopback', async () => {
  const page = await browser.newPage();
  const errors = collectErrors(page);
  await page.goto(`${origin}/`);
  expect(await page.textContent('h1')).toBe('stompkit');
  expect(errors).toEqual([]);
  await page.close();
});

test('console errors of a page are collected', async () => {
  const page = await browser.newPage();
  const errors = collectErrors(page);
  await page.goto(`${origin}/broken`);
  await page.waitForSelector('p');
  expect(errors).toEqual([expect.stringMatching(/^boom/)]);
  await page.close();
});
