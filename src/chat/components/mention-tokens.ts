/**
 * Splits plain text around `@login` words of a message's mentions, so they
 * render highlighted — as text nodes, never as markup.
 */
export type MentionToken = { kind: 'text'; text: string } | { kind: 'mention'; text: string; userId: string };

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');

/** `text` cut into plain pieces and `@login` pieces of the logins in `mentions` (same word rules as `mentionsIn`). */
export function mentionTokens(text: string, mentions: readonly string[] | undefined): MentionToken[] {
  if (!mentions || mentions.length === 0 || !text.includes('@')) return [{ kind: 'text', text }];
  // Longest first, so `@ana` does not win over `@anabel`.
  const alternatives = [...mentions].sort((a, b) => b.length - a.length).map(escape).join('|');
  const pattern = new RegExp(`(^|[\\s(])@(${alternatives})(?=$|[\\s.,;:!?)'"])`, 'gu');
  const out: MentionToken[] = [];
  let at = 0;
  for (const m of text.matchAll(pattern)) {
    const start = m.index + m[1]!.length;
    if (start > at) out.push({ kind: 'text', text: text.slice(at, start) });
    out.push({ kind: 'mention', text: `@${m[2]!}`, userId: m[2]! });
    at = start + 1 + m[2]!.length;
  }
  if (at < text.length) out.push({ kind: 'text', text: text.slice(at) });
  return out;
}
