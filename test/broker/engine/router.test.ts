import { describe, expect, test } from 'vitest';
import { Router, declarationFrom } from '../../../src/broker/engine/router.js';
import { createMemoryStore } from '../../../src/broker/engine/index.js';
import { thrown } from './harness.js';

describe('declarations', () => {
  test('defaults: classic, durable, not auto-delete', () => {
    expect(declarationFrom('q', {})).toEqual({ name: 'q', type: 'classic', durable: true, autoDelete: false, args: {} });
  });
  test('stream with retention args', () => {
    expect(
      declarationFrom('s', { 'x-queue-type': 'stream', durable: 'true', 'auto-delete': 'false', 'x-max-age': '7D', 'x-max-length-bytes': '100', foo: 'x' }),
    ).toEqual({
      name: 's',
      type: 'stream',
      durable: true,
      autoDelete: false,
      args: { 'x-queue-type': 'stream', 'x-max-age': '7D', 'x-max-length-bytes': '100' },
    });
  });
  test('an unknown x-queue-type is refused', () => {
    expect(thrown(() => declarationFrom('q', { 'x-queue-type': 'weird' })).message).toBe('precondition_failed');
  });

  const router = () => new Router(createMemoryStore(), () => {});
  const STREAM = { 'x-queue-type': 'stream', durable: 'true', 'auto-delete': 'false' };

  test('re-declaring with the same type returns the same queue; a different x-max-age is accepted', () => {
    const r = router();
    const q = r.declare('s', STREAM);
    expect(r.declare('s', { ...STREAM, 'x-max-age': '1D' })).toBe(q);
  });
  test('a classic declaration of a stream and vice versa are refused', () => {
    const r = router();
    r.declare('s', STREAM);
    r.declare('c', {});
    expect(thrown(() => r.declare('s', {})).detail).toMatch(/received none but current is the value 'stream'/);
    expect(thrown(() => r.declare('c', STREAM)).detail).toMatch(/received the value 'stream' of type 'longstr' but current is none/);
  });
  test('explicit durable/auto-delete mismatches are refused', () => {
    const r = router();
    r.declare('c', {});
    const locked = thrown(() => r.declare('c', { durable: 'false' }));
    expect(locked.message).toBe('resource_locked');
    expect(locked.detail).toMatch(/^RESOURCE_LOCKED - cannot obtain exclusive access to locked queue 'c'/);
    expect(thrown(() => r.declare('c', { 'auto-delete': 'true' })).detail).toBe(
      "PRECONDITION_FAILED - inequivalent arg 'auto_delete' for queue 'c' in vhost '/': received 'true' but current is 'false'",
    );
  });
  test('streams must be durable and have valid retention args', () => {
    const r = router();
    expect(thrown(() => r.declare('s', { ...STREAM, durable: 'false' })).detail).toBe(
      "PRECONDITION_FAILED - invalid property 'auto-delete' for queue 's' in vhost '/'",
    );
    expect(thrown(() => r.declare('s', { ...STREAM, 'auto-delete': 'true' })).message).toBe('precondition_failed');
    expect(thrown(() => r.declare('t', { ...STREAM, 'x-max-age': 'forever' })).message).toBe('precondition_failed');
    expect(thrown(() => r.declare('u', { ...STREAM, 'x-max-length-bytes': '1e3' })).message).toBe('precondition_failed');
  });

  test('queue arguments are compared on re-declaration, in RabbitMQ order and wording', () => {
    const r = router();
    const ARGS = { 'x-expires': '3000', 'x-message-ttl': '1000', 'x-max-length': '5', 'x-max-length-bytes': '100' };
    r.declare('q', ARGS);
    expect(r.declare('q', { ...ARGS, 'x-max-length': '05' })).toBeDefined(); // the same long
    const detail = (h: Record<string, string>) => thrown(() => r.declare('q', h)).detail;
    const prefix = "PRECONDITION_FAILED - inequivalent arg";
    expect(detail({})).toBe(`${prefix} 'x-expires' for queue 'q' in vhost '/': received none but current is the value '3000' of type 'long'`);
    expect(detail({ 'x-expires': '3000' })).toMatch(/'x-message-ttl' .* received none but current is the value '1000'/);
    expect(detail({ ...ARGS, 'x-max-length': '6' })).toBe(`${prefix} 'x-max-length' for queue 'q' in vhost '/': received '6' but current is '5'`);
    const withoutBytes = Object.fromEntries(Object.entries(ARGS).filter(([k]) => k !== 'x-max-length-bytes'));
    expect(detail(withoutBytes)).toMatch(/'x-max-length-bytes' .* received none but current is the value '100'/);
    r.declare('plain', {});
    expect(thrown(() => r.declare('plain', { 'x-max-length': '3' })).detail).toBe(
      `${prefix} 'x-max-length' for queue 'plain' in vhost '/': received the value '3' of type 'long' but current is none`,
    );
  });
  test('queue arguments must be integers; negative ones and x-expires:0 are refused', () => {
    const r = router();
    expect(thrown(() => r.declare('a', { 'x-max-length': 'abc' })).message).toBe('Processing error');
    expect(thrown(() => r.declare('a', { 'x-message-ttl': '1.5' })).message).toBe('Processing error');
    expect(thrown(() => r.declare('a', { 'x-max-length': '-1' }))).toMatchObject({
      message: 'precondition_failed',
      detail: "PRECONDITION_FAILED - invalid arg 'x-max-length' for queue 'a' in vhost '/': {value_negative,-1}",
    });
    expect(thrown(() => r.declare('a', { 'x-expires': '0' })).detail).toMatch(/\{value_zero,0\}$/);
    expect(r.declare('a', { 'x-message-ttl': '0', 'x-max-length': '0' })).toBeDefined();
  });
  test('amq.* names are reserved', () => {
    expect(thrown(() => router().declare('amq.gen-mine', {}))).toMatchObject({
      message: 'access_refused',
      detail: "ACCESS_REFUSED - queue name 'amq.gen-mine' contains reserved prefix 'amq.*'",
    });
  });
  test("existing queues: not_found when missing, resource_locked for another connection's temp queue", () => {
    const r = router();
    expect(thrown(() => r.existing('nope', {}))).toMatchObject({ message: 'not_found', detail: "NOT_FOUND - no queue 'nope' in vhost '/'" });
    expect(r.find('nope')).toBeUndefined();
    const q = r.declare('q', {});
    expect(r.existing('q', {})).toBe(q);
    const owner = {};
    const temp = r.createTemp(owner);
    expect(temp.declaration).toMatchObject({ durable: false, autoDelete: true });
    expect(temp.declaration.name).toMatch(/^amq\.gen-[A-Za-z0-9_-]{22}$/);
    expect(r.existing(temp.declaration.name, owner)).toBe(temp);
    expect(thrown(() => r.existing(temp.declaration.name, {})).message).toBe('resource_locked');
    expect(r.createTemp(owner).declaration.name).not.toBe(temp.declaration.name);
  });
});
