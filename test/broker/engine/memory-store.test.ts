import { expect, test } from 'vitest';
import { createMemoryStore } from '../../../src/broker/engine/memory-store.js';

const decl = { name: 'q', type: 'classic' as const, durable: true, autoDelete: false, args: {} };
const msg = (offset: number) => ({ offset, timestamp: offset, headers: { n: String(offset) }, body: new Uint8Array([offset]) });

test('appends, removes, truncates and loads in offset order', async () => {
  const s = createMemoryStore();
  await s.declare(decl);
  for (const o of [0, 1, 2, 3]) await s.append('q', msg(o));
  await s.remove('q', [1]);
  expect((await s.load())[0].messages.map((m) => m.offset)).toEqual([0, 2, 3]);
  await s.truncate('q', 3);
  const [q] = await s.load();
  expect(q.messages.map((m) => m.offset)).toEqual([3]);
  expect(q.nextOffset).toBe(4);
  expect(q.declaration).toEqual(decl);
});

test('writing to an undeclared queue or a closed store fails', async () => {
  const s = createMemoryStore();
  await expect(s.append('nope', msg(0))).rejects.toThrow(/never declared/);
  await s.declare(decl);
  await s.close();
  await expect(s.append('q', msg(0))).rejects.toThrow(/closed/);
});

test('a re-declaration replaces the declaration and keeps the messages (like the file store)', async () => {
  const s = createMemoryStore();
  await s.declare(decl);
  await s.append('q', msg(0));
  const again = { ...decl, args: { 'x-max-length': '5' } };
  await s.declare(again);
  const [q] = await s.load();
  expect(q.declaration).toEqual(again);
  expect(q.messages.map((m) => m.offset)).toEqual([0]);
});

test('a deleted queue loses its declaration and messages; declared again it starts empty', async () => {
  const s = createMemoryStore();
  await s.declare(decl);
  await s.declare({ ...decl, name: 'other' });
  for (const o of [0, 1, 2]) await s.append('q', msg(o));
  await s.delete!('q');
  expect((await s.load()).map((q) => q.declaration.name)).toEqual(['other']);
  await expect(s.append('q', msg(3))).rejects.toThrow(/never declared/);
  await s.declare(decl);
  const [, q] = await s.load();
  expect(q).toEqual({ declaration: decl, messages: [], nextOffset: 0 });
});

test('deleting an unknown queue does nothing; a closed store refuses', async () => {
  const s = createMemoryStore();
  await s.delete!('nope');
  expect(await s.load()).toEqual([]);
  await s.close();
  await expect(s.delete!('nope')).rejects.toThrow(/closed/);
});
