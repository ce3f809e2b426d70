import { createChatFormat } from '../../../src/chat/components/format';

describe('createChatFormat', () => {
  const noon = Date.UTC(2026, 10, 23, 12, 0);
  const day = 86_400_000;

  it('formats times, counts and days in the given locale and time zone', () => {
    const de = createChatFormat({ locale: 'de-DE', timeZone: 'UTC' });
    expect(de.time(noon)).toBe('12:00');
    expect(de.count(12345)).toBe('12.345');
    expect(de.day(noon, noon)).toBe('Heute');
    expect(de.day(noon - day, noon)).toBe('Gestern');
    expect(de.day(noon - 3 * day, noon)).toBe('Freitag, 20. November');

    const en = createChatFormat({ locale: 'en-US', timeZone: 'UTC' });
    expect(en.time(noon)).toBe('12:00 PM');
    expect(en.count(12345)).toBe('12,345');
    expect(en.day(noon, noon)).toBe('Today');
    expect(en.day(noon - 400 * day, noon)).toBe('October 19, 2025');
  });

  it('keys days by the calendar day of the time zone, not UTC', () => {
    const tokyo = createChatFormat({ locale: 'en-US', timeZone: 'Asia/Tokyo' });
    const late = Date.UTC(2026, 10, 23, 16, 0); // 01:00 on the 24th in Tokyo
    expect(tokyo.dayKey(late)).toBe('2026-11-24');
    expect(createChatFormat({ timeZone: 'UTC' }).dayKey(late)).toBe('2026-11-23');
  });

  it('rejects an invalid time zone with a RangeError', () => {
    expect(() => createChatFormat({ timeZone: 'Mars/Olympus' })).toThrow(RangeError);
  });
});
