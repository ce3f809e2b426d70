/**
 * Classic-queue arguments: parsed and checked as RabbitMQ does (3.10.8,
 * probed over raw STOMP).
 * - Values must be integers: `abc` or `1.5` gets ERROR `Processing error`;
 *   a negative one `precondition_failed` "PRECONDITION_FAILED - invalid arg
 *   'x-max-length' for queue 'q' in vhost '/': {value_negative,-1}";
 *   `x-expires:0` "... {value_zero,0}".
 */
import { StompError } from './frame.js';

/** Limits a classic queue enforces; `Infinity` when the argument is absent. */
export interface ClassicLimits {
  maxLength: number;
  maxLengthBytes: number;
  /** `x-message-ttl` in ms. */
  messageTtl: number;
  /** `x-expires` in ms. */
  expires: number;
}

export const NO_LIMITS: Readonly<ClassicLimits> = Object.freeze({
  maxLength: Infinity,
  maxLengthBytes: Infinity,
  messageTtl: Infinity,
  expires: Infinity,
});

/** Classic-queue arguments compared on re-declaration, in the order RabbitMQ checks them. */
export const CLASSIC_ARGS = ['x-expires', 'x-message-ttl', 'x-max-length', 'x-max-length-bytes'] as const;

/** Parse and check the classic-queue arguments of a declaration (RabbitMQ's errors, above). */
export function classicLimits(name: string, args: Readonly<Record<string, string>>): ClassicLimits {
  const read = (arg: (typeof CLASSIC_ARGS)[number]): number => {
    const value = args[arg];
    if (value === undefined) return Infinity;
    if (!/^[+-]?\d+$/.test(value)) {
      throw new StompError('Processing error', `Processing error - '${arg}' must be an integer, got "${value}"`);
    }
    const n = Number(value);
    const invalid = n < 0 ? `{value_negative,${n}}` : n === 0 && arg === 'x-expires' ? '{value_zero,0}' : undefined;
    if (invalid) {
      throw new StompError(
        'precondition_failed',
        `PRECONDITION_FAILED - invalid arg '${arg}' for queue '${name}' in vhost '/': ${invalid}`,
      );
    }
    return n;
  };
  return {
    expires: read('x-expires'),
    messageTtl: read('x-message-ttl'),
    maxLength: read('x-max-length'),
    maxLengthBytes: read('x-max-length-bytes'),
  };
}
