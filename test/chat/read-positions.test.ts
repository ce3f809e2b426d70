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

test('thread positions persist per user and room; the newest 200 threads of a room are kept', () => {
  const dana = browserReadPositions('dana');
  const read = Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`t${i}`, i]));
  dana.setThreads!('general', { since: 3, read });
  dana.setThreads!('random', { since: null, read: { x: 9 } });
  const again = browserReadPositions('dana');
  const general = again.threads!('general')!;
  expect(general.since).toBe(3);
  expect(Object.keys(general.read)).toHaveLength(200);
  expect([general.read.t249, general.read.t50, general.read.t49]).toEqual([249, 50, undefined]);
  expect(again.threads!('random')).toEqual({ since: null, read: { x: 9 } });
  expect(browserReadPositions('erin').threads!('general')).toBeUndefined();
  // Room positions live under their own key, untouched.
  expect(again.get('general')).toBeUndefined();
});

test('garbage among thread positions is ignored', () => {
  localStorage.setItem('stompkit.chat.read.fay.threads', '{"general":{"since":"x","read":{"a":1,"b":-2,"c":"3"}},"bad":7}');
  const fay = browserReadPositions('fay');
  expect(fay.threads!('general')).toEqual({ since: null, read: { a: 1 } });
  expect(fay.threads!('bad')).toBeUndefined();
  localStorage.setItem('stompkit.chat.read.gus.threads', '{not json');
  expect(browserReadPositions('gus').threads!('general')).toBeUndefined();
});
