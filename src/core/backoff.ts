/**
 * Reconnect timing: exponential backoff with full jitter, a cap and an
 * optional attempt limit. Clock and random source are injectable so tests
 * drive time themselves.
 */

/** Time source and timers; {@link systemClock} in production. */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real clock. Looks the globals up on every call so fake timers apply. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface BackoffOptions {
  /** Ceiling of the first delay, ms. Default 500. */
  baseDelay?: number;
  /** No delay exceeds this, ms. Default 30000. */
  maxDelay?: number;
  /** Give up after this many failed attempts in a row. Default: never. */
  maxAttempts?: number;
  /** Uniform in [0, 1). Default `Math.random`. */
  random?: () => number;
}

export const DEFAULT_BASE_DELAY = 500;
export const DEFAULT_MAX_DELAY = 30_000;

/**
 * Delay before the next attempt after `failures` failed attempts in a row
 * (1 for the first retry), or `null` when `maxAttempts` is used up.
 *
 * Full jitter (a uniform pick in `[0, min(maxDelay, baseDelay·2^(failures-1)))`)
 * spreads the clients that all lost the same broker, so they do not come back
 * in one wave.
 */
export function backoffDelay(failures: number, options: BackoffOptions = {}): number | null {
  const base = options.baseDelay ?? DEFAULT_BASE_DELAY;
  const cap = options.maxDelay ?? DEFAULT_MAX_DELAY;
  if (!(base >= 0) || !(cap >= 0)) throw new RangeError('backoff: baseDelay and maxDelay must be >= 0');
  if (options.maxAttempts !== undefined && failures >= options.maxAttempts) return null;
  // 2^n overflows to Infinity for large n; min() keeps it at the cap.
  const ceiling = Math.min(cap, base * 2 ** Math.max(0, failures - 1));
  const random = options.random ?? Math.random;
  return Math.floor(random() * ceiling);
}

/** One pending retry timer at a time; made by {@link createBackoff}. */
export interface Backoff {
  /**
   * Calls `callback` after the delay for `failures`; returns the epoch ms it
   * will fire, or `null` (and schedules nothing) when attempts are used up.
   * A timer already pending is replaced.
   */
  schedule(failures: number, callback: () => void): number | null;
  /** Whether a retry timer is waiting. */
  readonly pending: boolean;
  cancel(): void;
}

export function createBackoff(options: BackoffOptions = {}, clock: Clock = systemClock): Backoff {
  let handle: unknown = null;
  const cancel = (): void => {
    if (handle !== null) {
      clock.clearTimeout(handle);
      handle = null;
    }
  };
  return {
    schedule(failures, callback) {
      cancel();
      const delay = backoffDelay(failures, options);
      if (delay === null) return null;
      handle = clock.setTimeout(() => {
        handle = null;
        callback();
      }, delay);
      return clock.now() + delay;
    },
    get pending() {
      return handle !== null;
    },
    cancel,
  };
}
