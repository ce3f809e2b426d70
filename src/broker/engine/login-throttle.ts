/**
 * Slows down password guessing. Failed logins are remembered per login and
 * per peer address; each key then lets one credential check through per
 * `delay`, which doubles with every failure up to `maxDelay`. Checks for a
 * penalized key are spaced out rather than refused, so a legitimate user who
 * mistyped once waits a moment, while a guesser drops from thousands of tries
 * a second to one per `maxDelay`. Other logins from other addresses are never
 * slowed. A successful login forgives its login key (not its address: an
 * attacker must not reset the address penalty with an account of their own).
 */
import type { EngineClock } from './types.js';

export interface LoginThrottleOptions {
  /** Delay after the first failure (ms). Default 100. */
  baseDelay?: number;
  /** Longest delay (ms). Default 10000. */
  maxDelay?: number;
  /** A key without failures for this long is forgotten (ms). Default 15 minutes. */
  forgetAfter?: number;
  /** Most keys remembered; the oldest go first. Default 100000. */
  maxKeys?: number;
}

interface Penalty {
  failures: number;
  /** Spacing between checks of this key (0 until it fails). */
  delay: number;
  /** Epoch ms before which no further check of this key starts. */
  nextAt: number;
  lastFailure: number;
}

export interface LoginThrottle {
  /** Reserves the next check of this login from this address: ms to wait before checking its credentials. */
  reserve(login: string | undefined, address: string | undefined): number;
  failed(login: string | undefined, address: string | undefined): void;
  succeeded(login: string | undefined): void;
}

export function createLoginThrottle(clock: Pick<EngineClock, 'now'>, options: LoginThrottleOptions = {}): LoginThrottle {
  const base = options.baseDelay ?? 100;
  const cap = options.maxDelay ?? 10_000;
  const forgetAfter = options.forgetAfter ?? 15 * 60_000;
  const maxKeys = options.maxKeys ?? 100_000;
  /** Insertion order ≈ age of the last failure (a failing key is re-inserted). */
  const penalties = new Map<string, Penalty>();
  const keys = (login: string | undefined, address: string | undefined): string[] => [
    `login:${login ?? ''}`,
    ...(address ? [`addr:${address}`] : []),
  ];
  const live = (key: string, now: number): Penalty | undefined => {
    const p = penalties.get(key);
    if (p && now - p.lastFailure > forgetAfter) {
      penalties.delete(key);
      return undefined;
    }
    return p;
  };
  return {
    reserve(login, address) {
      const now = clock.now();
      let start = now;
      const held = keys(login, address).map((key) => live(key, now)).filter((p): p is Penalty => p !== undefined);
      for (const p of held) start = Math.max(start, p.nextAt);
      for (const p of held) p.nextAt = start + p.delay;
      return start - now;
    },
    failed(login, address) {
      const now = clock.now();
      for (const key of keys(login, address)) {
        const p = live(key, now) ?? { failures: 0, delay: 0, nextAt: now, lastFailure: now };
        p.failures++;
        p.delay = Math.min(base * 2 ** (p.failures - 1), cap);
        p.nextAt = Math.max(p.nextAt, now) + p.delay;
        p.lastFailure = now;
        penalties.delete(key);
        penalties.set(key, p);
      }
      while (penalties.size > maxKeys) penalties.delete(penalties.keys().next().value as string);
    },
    succeeded(login) {
      penalties.delete(`login:${login ?? ''}`);
    },
  };
}
