import { useEffect, useState } from 'react';

/**
 * Whole seconds left until `target` (epoch ms), re-rendering once a second
 * while it counts down and never after it reaches zero. Null when no target.
 */
export function useCountdown(target: number | null, now: () => number = Date.now): number | null {
  const compute = () => (target === null ? null : Math.max(0, Math.ceil((target - now()) / 1000)));
  const [seconds, setSeconds] = useState(compute);
  useEffect(() => {
    setSeconds(compute());
    if (target === null) return;
    const timer = setInterval(() => {
      const left = compute();
      setSeconds(left);
      if (left === 0) clearInterval(timer);
    }, 1000);
    return () => clearInterval(timer);
    // `compute` reads only `target` and `now`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [target, now]);
  return seconds;
}
