/**
 * Time, day and number formatting for the chat components, all through
 * `Intl` so the locale (and time zone) is the app's choice, not ours.
 * Formatters are built once per locale; `Intl` constructors are costly.
 */

/** Formatting functions bound to one locale. */
export interface ChatFormat {
  readonly locale: string | undefined;
  /** `14:05` / `2:05 PM`: the time of a message. */
  time(ts: number): string;
  /** Full date and time, for a `title`/`dateTime` tooltip. */
  dateTime(ts: number): string;
  /** `Today`, `Yesterday`, or a date: the label of a day separator. */
  day(ts: number, now?: number): string;
  /** `1,234`: counts (unread, queued). */
  count(n: number): string;
  /** A stable key of the local calendar day of `ts` (for grouping by day). */
  dayKey(ts: number): string;
}

export interface ChatFormatOptions {
  /** BCP 47 locale, e.g. `de-DE`; undefined uses the runtime's default. */
  locale?: string;
  /** IANA time zone, e.g. `Europe/Berlin`; undefined uses the runtime's. */
  timeZone?: string;
}

const DAY_MS = 86_400_000;

/** Builds the formatters for a locale. Throws a RangeError for an invalid locale or time zone. */
export function createChatFormat(options: ChatFormatOptions = {}): ChatFormat {
  const { locale, timeZone } = options;
  const time = new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit', timeZone });
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone });
  const date = new Intl.DateTimeFormat(locale, { weekday: 'long', month: 'long', day: 'numeric', timeZone });
  const dateWithYear = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', day: 'numeric', timeZone });
  const keyParts = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone });
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const number = new Intl.NumberFormat(locale);

  const dayKey = (ts: number) => keyParts.format(ts); // en-CA gives YYYY-MM-DD
  const dayIndex = (ts: number) => Date.parse(`${dayKey(ts)}T00:00:00Z`) / DAY_MS;

  return {
    locale,
    time: (ts) => time.format(ts),
    dateTime: (ts) => dateTime.format(ts),
    count: (n) => number.format(n),
    dayKey,
    day(ts, now = Date.now()) {
      const diff = dayIndex(ts) - dayIndex(now);
      if (diff === 0 || diff === -1) {
        const text = relative.format(diff, 'day');
        return text.charAt(0).toLocaleUpperCase(locale) + text.slice(1);
      }
      const sameYear = dayKey(ts).slice(0, 4) === dayKey(now).slice(0, 4);
      return (sameYear ? date : dateWithYear).format(ts);
    },
  };
}
