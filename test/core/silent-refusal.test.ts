import { createSilentRefusals } from '../../src/core/silent-refusal.js';

describe('SilentRefusals (RabbitMQ Web-STOMP closes without the ERROR of a refused frame)', () => {
  test('the same frame oldest-unanswered on three clean closes in a row is refused', () => {
    const r = createSilentRefusals();
    expect(r.dropped(1000, 'subscribe:7')).toBeNull();
    expect(r.dropped(1000, 'subscribe:7')).toBeNull();
    expect(r.dropped(1000, 'subscribe:7')).toBe('subscribe:7');
    // It starts over afterwards.
    expect(r.dropped(1000, 'subscribe:7')).toBeNull();
  });

  test('a resent SEND is the same frame although its receipt carries the attempt number', () => {
    const r = createSilentRefusals();
    expect(r.dropped(1000, 'send:abc:1')).toBeNull();
    expect(r.dropped(1000, 'send:abc:2')).toBeNull();
    expect(r.dropped(1000, 'send:abc:3')).toBe('send:abc:3');
  });

  test('outages do not count: abnormal closes, nothing unanswered, or another frame in between', () => {
    const r = createSilentRefusals();
    expect(r.dropped(1006, 'send:a:1')).toBeNull();
    expect(r.dropped(1006, 'send:a:2')).toBeNull();
    expect(r.dropped(1006, 'send:a:3')).toBeNull();
    expect(r.dropped(1000, 'send:a:4')).toBeNull();
    expect(r.dropped(1000, undefined)).toBeNull(); // everything answered: the frame went through
    expect(r.dropped(1000, 'send:a:5')).toBeNull();
    expect(r.dropped(1000, 'send:b:1')).toBeNull();
    expect(r.dropped(1000, 'send:a:6')).toBeNull();
    expect(r.dropped(1001, 'send:a:7')).toBeNull();
    expect(r.dropped(1000, 'send:a:8')).toBeNull();
    expect(r.dropped(1000, 'send:a:9')).toBeNull();
    expect(r.dropped(1000, 'send:a:10')).toBe('send:a:10');
  });

  test('the threshold is configurable', () => {
    const r = createSilentRefusals(1);
    expect(r.dropped(1000, 'subscribe:1')).toBe('subscribe:1');
  });
});
