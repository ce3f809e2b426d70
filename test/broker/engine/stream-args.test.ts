import { parseMaxAge, parseOffsetSpec } from '../../../src/broker/engine/stream-args.js';
import { thrown } from './harness.js';

describe('parsing', () => {
  test('x-max-age units', () => {
    expect(parseMaxAge('10s')).toBe(10_000);
    expect(parseMaxAge('30m')).toBe(1_800_000);
    expect(parseMaxAge('12h')).toBe(43_200_000);
    expect(parseMaxAge('7D')).toBe(604_800_000);
    expect(thrown(() => parseMaxAge('7 days')).message).toBe('precondition_failed');
  });
  test('x-stream-offset specs', () => {
    expect(parseOffsetSpec(undefined)).toEqual({ kind: 'next' });
    expect(parseOffsetSpec('first')).toEqual({ kind: 'first' });
    expect(parseOffsetSpec('offset=12')).toEqual({ kind: 'offset', offset: 12 });
    expect(parseOffsetSpec('timestamp=1700000000')).toEqual({ kind: 'timestamp', seconds: 1700000000 });
    expect(thrown(() => parseOffsetSpec('offset=x')).message).toBe('precondition_failed');
  });
});
