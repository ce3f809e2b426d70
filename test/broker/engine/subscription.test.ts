import { expect, test } from 'vitest';
import { parseAckTag } from '../../../src/broker/engine/subscription.js';

test('the delivery tag is the number after the last @@, as RabbitMQ reads it', () => {
  expect(parseAckTag('T_s@@session-x@@42')).toBe(42);
  expect(parseAckTag('T_a@@b@@c@@7')).toBe(7);
  expect(parseAckTag('T_s@@SESSION@@1')).toBe(1);
  expect(parseAckTag('9')).toBe(9);
  expect(parseAckTag('T_s@@x@@')).toBeUndefined();
  expect(parseAckTag('nonsense')).toBeUndefined();
});
