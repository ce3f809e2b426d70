import { describe, expect, test } from 'vitest';
import { thrown } from './harness.js';
import { escapeHeader, escapesHeaders, unescapeHeader } from '../../../src/broker/engine/frame.js';

describe('header escaping (STOMP 1.2 Value Encoding)', () => {
  test('1.2 escapes backslash, CR, LF and colon', () => {
    expect(escapeHeader('a\\b\rc\nd:e', '1.2')).toBe('a\\\\b\\rc\\nd\\ce');
  });
  test('1.1 leaves CR alone', () => {
    expect(escapeHeader('a\rb\n:', '1.1')).toBe('a\rb\\n\\c');
  });
  test('1.0 escapes nothing', () => {
    expect(escapeHeader('a\\b:c', '1.0')).toBe('a\\b:c');
  });
  test('round trip for 1.2 and 1.1', () => {
    const v = 'x:y\\z\nw';
    expect(unescapeHeader(escapeHeader(v, '1.2'), '1.2')).toBe(v);
    expect(unescapeHeader(escapeHeader(v, '1.1'), '1.1')).toBe(v);
  });
  test('a trailing lone backslash is an error', () => {
    const e = thrown(() => unescapeHeader('abc\\', '1.2'));
    expect(e.message).toBe('Malformed frame');
    expect(e.detail).toMatch(/Undefined escape/);
  });
  test('CONNECT and CONNECTED are never escaped, other frames from 1.1 on', () => {
    expect(escapesHeaders('CONNECT', '1.2')).toBe(false);
    expect(escapesHeaders('CONNECTED', '1.2')).toBe(false);
    expect(escapesHeaders('STOMP', '1.2')).toBe(false);
    expect(escapesHeaders('MESSAGE', '1.2')).toBe(true);
    expect(escapesHeaders('MESSAGE', '1.1')).toBe(true);
    expect(escapesHeaders('MESSAGE', '1.0')).toBe(false);
  });
});
