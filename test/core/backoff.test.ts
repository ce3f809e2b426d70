import { createBackoff, backoffDelay, type Clock } from '../../src/core/backoff.js';

/** A clock whose time only moves when the test says so. */
function manualClock(): Clock & { advance(ms: number): void; timers: number } {
  let now = 1_000;
  let timers: { at: number; fn: () => void; id: number }[] = [];
  let nextId = 0;
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = ++nextId;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimeout(handle) {
      timers = timers.filter((t) => t.id !== handle);
    },
    advance(ms) {
      now += ms;
      const due = timers.filter((t) => t.at <= now);
      timers = timers.filter((t) => t.at > now);
      for (const t of due) t.fn();
    },
    get timers() {
      return timers.length;
    },
  };
}

describe('backoffDelay', () => {
  it('draws uniformly below an exponentially growing ceiling (full jitter)', () => {
    const opts = { baseDelay: 100, maxDelay: 100_000 };
    // random() just below 1 shows the ceiling of each step.
    const top = (n: number) => backoffDelay(n, { ...opts, random: () => 0.999999 });
    expect([1, 2, 3, 4, 5].map(top)).toEqual([99, 199, 399, 799, 1599]);
    expect(backoffDelay(3, { ...opts, random: () => 0 })).toBe(0);
    expect(backoffDelay(3, { ...opts, random: () => 0.5 })).toBe(200);
  });

  it('never exceeds the cap, even for huge attempt numbers', () => {
    const opts = { baseDelay: 500, maxDelay: 8000, random: () => 0.999999 };
    expect(backoffDelay(10, opts)).toBe(7999);
    expect(backoffDelay(5000, opts)).toBe(7999);
  });

  it('returns null once maxAttempts failures happened', () => {
    const opts = { maxAttempts: 3, random: () => 0.5 };
    expect(backoffDelay(2, opts)).not.toBeNull();
    expect(backoffDelay(3, opts)).toBeNull();
    expect(backoffDelay(0, { maxAttempts: 0 })).toBeNull();
  });

  it('refuses negative delays', () => {
    expect(() => backoffDelay(1, { baseDelay: -1 })).toThrow(RangeError);
    expect(() => backoffDelay(1, { maxDelay: Number.NaN })).toThrow(RangeError);
  });
});

describe('Backoff', () => {
  it('fires the callback after the drawn delay and reports when', () => {
    const clock = manualClock();
    const backoff = createBackoff({ baseDelay: 1000, random: () => 0.25 }, clock);
    const fired = vi.fn();
    const at = backoff.schedule(2, fired); // ceiling 2000 → 500
    expect(at).toBe(1_500);
    expect(backoff.pending).toBe(true);
    clock.advance(499);
    expect(fired).not.toHaveBeenCalled();
    clock.advance(1);
    expect(fired).toHaveBeenCalledOnce();
    expect(backoff.pending).toBe(false);
  });

  it('replaces a pending timer and cancel leaves none behind', () => {
    const clock = manualClock();
    const backoff = createBackoff({ baseDelay: 100, random: () => 0.5 }, clock);
    const first = vi.fn();
    const second = vi.fn();
    backoff.schedule(1, first);
    backoff.schedule(1, second);
    expect(clock.timers).toBe(1);
    clock.advance(1000);
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledOnce();
    backoff.schedule(1, first);
    backoff.cancel();
    expect(clock.timers).toBe(0);
  });

  it('schedules nothing when attempts are used up', () => {
    const clock = manualClock();
    const backoff = createBackoff({ maxAttempts: 2 }, clock);
    expect(backoff.schedule(2, () => undefined)).toBeNull();
    expect(clock.timers).toBe(0);
    expect(backoff.pending).toBe(false);
  });
});
