import { collectErrors, newPage } from './chromium';
import {
  createRoom,
  onlineNames,
  openRoom,
  send,
  shownMessages,
  shownTexts,
  signIn,
  waitForMessage,
} from './demo-page';
import { useDemoInChromium } from './demo-server';

// Scenario 1: two people in two browser contexts (separate storage, separate
// sessions) on the demo with the bundled broker: messages both ways, typing,
// presence, unread counts.
const fixture = useDemoInChromium();

test('two people chat and see each other’s messages, typing and presence', async () => {
  const { demo, browser } = fixture;
  const alice = await newPage(browser);
  const bob = await newPage(browser);
  const errors = [...[alice.page, bob.page].map(collectErrors)];

  await signIn(alice.page, demo.origin, 'alice');
  await signIn(bob.page, demo.origin, 'bob');
  await openRoom(alice.page, 'general');
  await openRoom(bob.page, 'general');

  // Presence: each sees the other online in the room.
  await alice.page.waitForFunction(() => document.querySelector('.sk-presence')?.textContent?.includes('bob'));
  await bob.page.waitForFunction(() => document.querySelector('.sk-presence')?.textContent?.includes('alice'));
  expect(await onlineNames(alice.page)).toEqual(expect.arrayContaining(['alice', 'bob']));

  // Typing: Bob types without sending; Alice sees it.
  const bobBox = bob.page.getByRole('textbox', { name: /^Message #/ });
  await bobBox.click();
  await bobBox.pressSequentially('hel', { delay: 20 });
  await alice.page.getByText('bob is typing').waitFor();
  await bobBox.fill('');

  // Messages both ways, in order, with the right authors.
  await send(bob.page, 'Hi Alice, are you there?');
  await waitForMessage(alice.page, 'Hi Alice, are you there?');
  await send(alice.page, 'Yes! Hello Bob 👋');
  await waitForMessage(bob.page, 'Yes! Hello Bob 👋', 'sent');
  await waitForMessage(alice.page, 'Yes! Hello Bob 👋', 'sent');
  for (const page of [alice.page, bob.page]) {
    expect(await shownTexts(page)).toEqual(['Hi Alice, are you there?', 'Yes! Hello Bob 👋']);
    expect((await shownMessages(page)).map((m) => m.author)).toEqual(['bob', 'alice']);
  }
  // Markup typed by a person arrives as text.
  await send(bob.page, '<img src=x onerror=alert(1)>');
  await waitForMessage(alice.page, '<img src=x onerror=alert(1)>');
  expect(await alice.page.locator('[role="log"] img').count()).toBe(0);

  expect(errors.flat()).toEqual([]);
  await alice.context.close();
  await bob.context.close();
});

test('unread counts grow in a room someone else posts to, and clear once it is read', async () => {
  const { demo, browser } = fixture;
  const alice = await newPage(browser);
  const bob = await newPage(browser);
  const errors = [alice.page, bob.page].map(collectErrors);
  await signIn(alice.page, demo.origin, 'alice');
  await signIn(bob.page, demo.origin, 'bob');
  await openRoom(alice.page, 'general');

  // Unread: Bob creates a room and posts; Alice, still in #general, sees a count.
  await createRoom(bob.page, 'release');
  // Alice's list shows (and watches) the room before Bob posts: unread counts are live.
  const releaseInAlice = alice.page.getByRole('navigation', { name: 'Rooms' }).getByRole('button', { name: /release/ });
  await releaseInAlice.waitFor();
  await send(bob.page, 'Release notes are up');
  await alice.page.waitForFunction(() =>
    [...document.querySelectorAll('.sk-rooms__room')].some((b) => /release/.test(b.textContent ?? '') && /1\s*unread/.test(b.textContent ?? '')),
  );
  await openRoom(alice.page, 'release');
  await waitForMessage(alice.page, 'Release notes are up');
  await alice.page.waitForFunction(() =>
    [...document.querySelectorAll('.sk-rooms__room')].every((b) => !/release/.test(b.textContent ?? '') || !/unread/.test(b.textContent ?? '')),
  );

  // While Alice reads #release at its bottom, new messages there never show a badge, not even for a moment.
  await alice.page.evaluate(() => {
    const w = window as unknown as { __badges: number };
    w.__badges = 0;
    new MutationObserver(() => {
      const open = document.querySelector('.sk-rooms__room[aria-current="page"]');
      if (open?.hasAttribute('data-unread')) w.__badges += 1;
    }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  });
  for (const text of ['one more', 'and another']) {
    await send(bob.page, text);
    await waitForMessage(alice.page, text);
  }
  await alice.page.waitForTimeout(1500); // past the read marker's round trip
  expect(await alice.page.evaluate(() => (window as unknown as { __badges: number }).__badges)).toBe(0);

  expect(errors.flat()).toEqual([]);
  await alice.context.close();
  await bob.context.close();
});
