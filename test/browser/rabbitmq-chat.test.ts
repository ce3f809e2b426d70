import { randomUUID } from 'node:crypto';
import { collectErrors, newPage } from './chromium';
import { createRoom, openRoom, send, shownMessages, signIn, waitForMessage, waitForSession } from './demo-page';
import { useDemoInChromium } from './demo-server';

// The unchanged demo against RabbitMQ Web-STOMP on this machine,
// with the demo users `scripts/rabbitmq-setup` creates (alice and bob,
// passcode `stompkit`, vhost `stompkit`). Same page helpers as the bundled
// broker scenarios; only the broker differs. RabbitMQ keeps streams between
// runs, so the room is new each run.
// The demo users may not declare room streams: the room directory service runs beside RabbitMQ, as with `npm run demo`.
const RABBIT = {
  brokerUrl: 'ws://127.0.0.1:15674/ws',
  passcode: 'stompkit',
  vhost: process.env.DEMO_VHOST ?? 'stompkit',
  roomDirectory: { passcode: process.env.DEMO_PASSCODE ?? 'stompkit' },
};

const fixture = useDemoInChromium(RABBIT);

test('alice and bob chat through RabbitMQ Web-STOMP', async () => {
  const { demo, browser } = fixture;
  const alice = await newPage(browser);
  const bob = await newPage(browser);
  const errors = [alice.page, bob.page].map(collectErrors);

  await signIn(alice.page, demo.origin, 'alice');
  await signIn(bob.page, demo.origin, 'bob');
  for (const page of [alice.page, bob.page]) {
    const state = await waitForSession(page, 'connected', 'websocket');
    // Proof this is RabbitMQ and not a bundled broker.
    expect(state.serverInfo?.server).toMatch(/^RabbitMQ\//);
  }

  const room = `rmq-${randomUUID().slice(0, 8)}`;
  await createRoom(alice.page, room);
  // The room reaches bob through the directory stream on RabbitMQ.
  await openRoom(bob.page, room);

  await send(alice.page, 'Hello Bob, via RabbitMQ');
  await waitForMessage(bob.page, 'Hello Bob, via RabbitMQ');
  await waitForMessage(alice.page, 'Hello Bob, via RabbitMQ', 'sent');
  await send(bob.page, 'Hi Alice 👋 got it');
  await waitForMessage(alice.page, 'Hi Alice 👋 got it');
  for (const page of [alice.page, bob.page]) {
    const shown = await shownMessages(page);
    expect(shown.map((m) => m.text)).toEqual(['Hello Bob, via RabbitMQ', 'Hi Alice 👋 got it']);
    // Authors come from the broker-checked user-id header.
    expect(shown.map((m) => m.author)).toEqual(['alice', 'bob']);
  }

  // History lives in the RabbitMQ stream: a third tab signed in as bob reads it back.
  const later = await newPage(browser);
  errors.push(collectErrors(later.page));
  await signIn(later.page, demo.origin, 'bob');
  await openRoom(later.page, room);
  // Headless Chromium throttles animation frames of pages not in front (waitForFunction polls on them).
  await later.page.bringToFront();
  await waitForMessage(later.page, 'Hi Alice 👋 got it');
  expect((await shownMessages(later.page)).map((m) => m.text)).toEqual(['Hello Bob, via RabbitMQ', 'Hi Alice 👋 got it']);

  expect(errors.flat()).toEqual([]);
  for (const p of [alice, bob, later]) await p.context.close();
});
