import { describe, expect, test } from 'vitest';
import { canonicalDestination, resolveDestination } from '../../../src/broker/engine/destination.js';
import { thrown } from './harness.js';

describe('resolveDestination', () => {
  test('topics and queues', () => {
    expect(resolveDestination('/topic/chat.typing.1')).toEqual({ kind: 'topic', key: 'chat.typing.1' });
    expect(resolveDestination('/queue/chat.room.1')).toEqual({ kind: 'queue', name: 'chat.room.1' });
  });
  test('existing queues, temp queues and amq.topic', () => {
    expect(resolveDestination('/amq/queue/q')).toEqual({ kind: 'existing', name: 'q' });
    expect(resolveDestination('/reply-queue/amq.gen-x')).toEqual({ kind: 'existing', name: 'amq.gen-x' });
    expect(resolveDestination('/temp-queue/foo')).toEqual({ kind: 'temp', name: 'foo' });
    expect(resolveDestination('/exchange/amq.topic/a.*')).toEqual({ kind: 'topic', key: 'a.*' });
    expect(resolveDestination('/exchange/amq.topic')).toEqual({ kind: 'topic', key: '' });
  });
  test.each(['/bogus/x', '/topic/', '/queue/', '/amq/queue/', '/temp-queue/', '/reply-queue/', '/exchange/', 'queue/x', ''])(
    '%s is refused',
    (d) => {
      const e = thrown(() => resolveDestination(d));
      expect(e.message).toBe('Unknown destination');
      expect(e.detail).toBe(
        `'${d}' is not a valid destination.\nValid destination types are: /temp-queue, /exchange, /topic, /queue, /amq/queue, /reply-queue/.\n`,
      );
    },
  );
  test('exchanges other than amq.topic are not found', () => {
    const e = thrown(() => resolveDestination('/exchange/nope-ex/k'));
    expect(e).toMatchObject({ message: 'not_found', detail: "NOT_FOUND - no exchange 'nope-ex' in vhost '/'" });
  });
  test('the authorize hook sees what an alias reaches', () => {
    const canon = (d: string) => canonicalDestination(resolveDestination(d), d);
    expect(canon('/amq/queue/q')).toBe('/queue/q');
    expect(canon('/reply-queue/q')).toBe('/queue/q');
    expect(canon('/exchange/amq.topic/k')).toBe('/topic/k');
    expect(canon('/topic/k')).toBe('/topic/k');
  });
});
