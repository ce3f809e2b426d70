// @vitest-environment jsdom
import { browserReadPositions } from '../../src/chat/read-positions';

test('positions persist per user and only move forward', () => {
  const alice = browserReadPositions('alice');
  alice.set('general', 10);
  alice.set('general', 4);
  alice.set('random', 2);
  expect(browserReadPositions('alice').get('general')).toBe(10);
  expect(browserReadPositions('alice').get('random')).toBe(2);
  expect(browserReadPositions('bob').get('general')).toBeUndefined();
});

test('garbage in storage is ignored', () => {
  localStorage.setItem('stompkit.chat.read.carol', '{"general":"x","ok":3,"neg":-1');
  expect(browserReadPositions('carol').get('ok')).toBeUndefined();
  localStorage.setItem('stompkit.chat.read.carol', '{"general":"x","ok":3,"neg":-1}');
  const carol = browserReadPositions('carol');
  expect([carol.get('general'), carol.get('ok'), carol.get('neg')]).toEqual([undefined, 3, undefined]);
});
