/**
 * The arguments of streams in RabbitMQ's units: `x-max-age` durations and
 * `x-stream-offset` start positions.
 */
import { StompError } from './frame.js';

const UNIT_MS: Record<string, number> = {
  Y: 365 * 86_400_000,
  M: 30 * 86_400_000,
  D: 86_400_000,
  h: 3_600_000,
  m: 60_000,
  s: 1000,
};

/** `x-max-age` in RabbitMQ units (`7D`, `12h`, `30m`, `10s`, also `Y`, `M`) to milliseconds. */
export function parseMaxAge(value: string): number {
  const m = /^(\d+)([YMDhms])$/.exec(value);
  if (!m) throw new StompError('precondition_failed', `PRECONDITION_FAILED - invalid arg 'x-max-age': "${value}"`);
  return Number(m[1]) * UNIT_MS[m[2]];
}

/** Where a reader starts, from `x-stream-offset`. */
export type StreamOffsetSpec =
  | { kind: 'first' | 'last' | 'next' }
  | { kind: 'offset'; offset: number }
  | { kind: 'timestamp'; seconds: number };

export function parseOffsetSpec(value: string | undefined): StreamOffsetSpec {
  if (value === undefined || value === 'next') return { kind: 'next' };
  if (value === 'first' || value === 'last') return { kind: value };
  let m = /^offset=(\d+)$/.exec(value);
  if (m) return { kind: 'offset', offset: Number(m[1]) };
  m = /^timestamp=(\d+)$/.exec(value);
  if (m) return { kind: 'timestamp', seconds: Number(m[1]) };
  throw new StompError('precondition_failed', `Invalid x-stream-offset "${value}"`);
}
