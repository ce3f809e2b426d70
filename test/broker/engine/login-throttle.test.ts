import { describe, expect, test } from 'vitest';
import { createLoginThrottle } from '../../../src/broker/engine/login-throttle.js';
import { FakeClient, ManualClock, engine } from './harness.js';

describe('createLoginThrottle', () => {
  test('spaces out checks of a failing login and address, doubling to the cap; other keys are free', () => {
    const clock = new ManualClock();
    const t = createLoginThrottle(clock, { baseDelay: 100, maxDelay: 400 });
    expect(t.reserve('alice', '10.0.0.9')).toBe(0);
    t.failed('alice', '10.0.0.9');
    // Five guesses at once: each waits for the one before it.
    const waits = Array.from({ length: 5 }, () => t.reserve('alice', '10.0.0.9'));
    expect(waits).toEqual([100, 200, 300, 400, 500]);
    // Another login from another address is not slowed.
    expect(t.reserve('bob', '10.0.0.7')).toBe(0);
    // The same address guessing another login is.
    expect(t.reserve('carol', '10.0.0.9')).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++) t.failed('alice', '10.0.0.9');
    clock.advance(10_000);
    t.reserve('alice', '10.0.0.9');
    expect(t.reserve('alice', '10.0.0.9')).toBe(400); // capped
  });

  test('a success forgives the login but not the address; old failures are forgotten', () => {
    const clock = new ManualClock();
    const t = createLoginThrottle(clock, { baseDelay: 100, forgetAfter: 60_000 });
    t.failed('alice', '10.0.0.9');
    t.succeeded('alice');
    expect(t.reserve('alice', '10.0.0.1')).toBe(0);
    expect(t.reserve('mallory', '10.0.0.9')).toBeGreaterThan(0);
    clock.advance(61_000);
    expect(t.reserve('mallory', '10.0.0.9')).toBe(0);
  });
});

test('the engine answers a wrong passcode after the penalty; a correct login elsewhere is answered at once', async () => {
  const clock = new ManualClock();
  const e = await engine({
    clock,
    authenticate: (login, passcode) => (passcode === 'right' ? { ok: true as const, user: login ?? '' } : { ok: false as const, message: '' }),
    loginThrottle: { baseDelay: 1000 },
  });
  const first = new FakeClient(e);
  first.send('CONNECT\naccept-version:1.2\nlogin:alice\npasscode:wrong\n\n\0');
  expect(first.last()?.command).toBe('ERROR'); // the first failure is answered at once
  const second = new FakeClient(e);
  second.send('CONNECT\naccept-version:1.2\nlogin:alice\npasscode:wrong\n\n\0');
  const bob = new FakeClient(e);
  bob.send('CONNECT\naccept-version:1.2\nlogin:bob\npasscode:right\n\n\0');
  await Promise.resolve();
  expect(bob.last()?.command).toBe('CONNECTED');
  expect(second.last()).toBeUndefined(); // held: the next check of alice waits 1 s
  clock.advance(1000);
  await new Promise((r) => setTimeout(r, 0));
  expect(second.last()?.command).toBe('ERROR');
  await e.close();
});
