/**
 * Avatar colours: a fixed palette, each at least 4.5:1 against white text
 * (WCAG AA for the initials), picked by a hash of the user id so a person
 * keeps one colour on every device and in both themes.
 */
export const AVATAR_COLORS: readonly string[] = [
  '#b3261e', '#2f5fd0', '#1e7a3c', '#8a4baf', '#a14a00', '#00727a',
  '#c2185b', '#5b6b00', '#4e5bb0', '#7a5c00', '#006c9e', '#6d4c41',
];

/** FNV-1a over UTF-16 units: small, fast, and the same everywhere. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The avatar background of a user id (one of `AVATAR_COLORS`). */
export function avatarColor(userId: string): string {
  return AVATAR_COLORS[hash(userId) % AVATAR_COLORS.length];
}

/** Up to two initials of a name ("Ana Lima" → "AL", "bo" → "B"), whole characters (emoji, surrogate pairs). */
export function initials(name: string): string {
  const words = name.trim().split(/[\s._-]+/u).filter(Boolean);
  const first = (word: string | undefined) => (word ? Array.from(word)[0].toLocaleUpperCase() : '');
  return words.length > 1 ? first(words[0]) + first(words[words.length - 1]) : first(words[0]) || '?';
}
