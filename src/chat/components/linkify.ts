/**
 * Splits message text into plain-text and link tokens so components can
 * render links as React elements while everything else stays a text node.
 * Only `http:`, `https:` and `mailto:` targets become links; anything else
 * (`javascript:`, `data:`, `vbscript:` ...) stays text. No HTML is parsed.
 */

/** A piece of message text. */
export type TextToken =
  | { kind: 'text'; text: string }
  | { kind: 'link'; text: string; href: string };

/** Schemes that may become `href`s. */
export const SAFE_LINK_SCHEMES: readonly string[] = ['http:', 'https:', 'mailto:'];

// Candidates: explicit http(s) URLs, bare `www.` hosts and e-mail addresses.
// `javascript:` and friends never match, and every candidate is re-checked by
// URL parsing below, so the regex is a finder, not the security boundary.
const CANDIDATE =
  /\b(?:https?:\/\/[^\s<>"]+|www\.[^\s<>"]+|mailto:[^\s<>"]+|[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})/gi;

// Trailing punctuation usually belongs to the sentence, not the URL.
const TRAILING = /[.,;:!?'"]+$/;

/** Drops a trailing `)` unless the URL itself opened one (Wikipedia links). */
function trimTrailing(candidate: string): string {
  let text = candidate.replace(TRAILING, '');
  while (text.endsWith(')') && countOf(text, '(') < countOf(text, ')')) {
    text = text.slice(0, -1).replace(TRAILING, '');
  }
  return text;
}

function countOf(text: string, ch: string): number {
  let n = 0;
  for (const c of text) if (c === ch) n++;
  return n;
}

/**
 * The `href` for a candidate, or null when it is not a safe link.
 * Parsing with `URL` normalises the scheme (`JaVaScRiPt:` and encoded forms
 * would be caught here even if the finder let them through).
 */
export function safeHref(candidate: string): string | null {
  let raw = candidate;
  if (/^www\./i.test(raw)) raw = `https://${raw}`;
  else if (!/^[a-z][a-z0-9+.-]*:/i.test(raw) && raw.includes('@')) raw = `mailto:${raw}`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (!SAFE_LINK_SCHEMES.includes(url.protocol)) return null;
  if (url.protocol !== 'mailto:' && !url.hostname) return null;
  return url.href;
}

/** Tokenizes `text`; concatenating every token's `text` gives back the input. */
export function linkify(text: string): TextToken[] {
  const tokens: TextToken[] = [];
  let last = 0;
  const pushText = (s: string) => {
    if (!s) return;
    const prev = tokens[tokens.length - 1];
    if (prev && prev.kind === 'text') prev.text += s;
    else tokens.push({ kind: 'text', text: s });
  };
  for (const match of text.matchAll(CANDIDATE)) {
    const start = match.index ?? 0;
    const candidate = trimTrailing(match[0]);
    const href = candidate ? safeHref(candidate) : null;
    if (!href) continue;
    pushText(text.slice(last, start));
    tokens.push({ kind: 'link', text: candidate, href });
    last = start + candidate.length;
  }
  pushText(text.slice(last));
  return tokens;
}
