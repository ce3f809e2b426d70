import type { MessageData } from '../../src/chat/components/Message';

/**
 * Sample conversations for the stories. Timestamps are fixed (not "now") so
 * stories render the same on every machine and day separators are stable.
 */
export const T0 = Date.UTC(2026, 2, 14, 9, 0, 0);
const MINUTE = 60_000;

export const PEOPLE = {
  me: { id: 'you', name: 'You' },
  ana: { id: 'ana', name: 'Ana Lima' },
  bo: { id: 'bo', name: 'Bo Chen' },
  dalia: { id: 'dalia', name: 'Dalia Haddad' },
  kenji: { id: 'kenji', name: 'Kenji Sato' },
} as const;

type Person = (typeof PEOPLE)[keyof typeof PEOPLE];

export function message(
  id: string,
  who: Person,
  text: string,
  minutes: number,
  extra: Partial<MessageData> = {},
): MessageData {
  return { id, authorId: who.id, authorName: who.name, text, createdAt: T0 + minutes * MINUTE, status: 'sent', ...extra };
}

export const CONVERSATION: MessageData[] = [
  message('m1', PEOPLE.ana, 'Morning! Is the release branch cut yet?', 0),
  message('m2', PEOPLE.bo, 'Cutting it now. CI is green on main.', 2),
  message('m3', PEOPLE.bo, 'Changelog is at https://example.com/changelog — have a look.', 3),
  message('m4', PEOPLE.me, 'Thanks! I will smoke-test the demo in two windows.', 5, {
    reactions: [
      { emoji: '👍', count: 2, mine: false },
      { emoji: '🚀', count: 1, mine: true },
    ],
  }),
  message('m5', PEOPLE.dalia, 'RTL looks right now — the banner mirrors too.', 9, { editedAt: T0 + 10 * MINUTE }),
  message('m6', PEOPLE.ana, 'ship it', 12),
];

const LINES = [
  'Pushed the fix for the reconnect loop.',
  'Can someone review #482?',
  'Looks good to me 👍',
  'The outbox kept all twelve messages through the restart.',
  'Lunch?',
  'Benchmarks are in the PR description.',
  'Heads up: RabbitMQ needs the stream headers on every SEND.',
  'Merged.',
];
const CAST = [PEOPLE.ana, PEOPLE.bo, PEOPLE.dalia, PEOPLE.kenji, PEOPLE.me];

/** `count` messages ending at `endMinute`, spread across several days (day separators). */
export function history(count: number, { prefix = 'h', endMinute = 0 } = {}): MessageData[] {
  return Array.from({ length: count }, (_, i) => {
    const who = CAST[(i * 7 + 3) % CAST.length];
    const minutes = endMinute - (count - 1 - i) * 47;
    return message(`${prefix}${i}`, who, `${LINES[i % LINES.length]} (${i + 1})`, minutes);
  });
}

export const LONG_WORDS =
  'Supercalifragilisticexpialidocious-and-then-some-more-without-any-spaces-at-all-https://example.com/a/very/long/path/that/never/breaks/naturally?with=query&and=more';
export const EMOJI = '🎉🎉🎉 Congrats on the launch! 🚀👩🏽‍💻👨🏿‍🚀 🇧🇷🇯🇵 ❤️‍🔥';
export const ARABIC = 'مرحبا بالجميع! هل وصلت الرسائل بعد إعادة الاتصال؟';
