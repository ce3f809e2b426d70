import { linkify, safeHref } from '../../../src/chat/components/linkify';

const joined = (text: string) =>
  linkify(text)
    .map((t) => t.text)
    .join('');

describe('linkify', () => {
  it('links http, https, www and mailto and keeps every character of the input', () => {
    const text = 'see https://example.com/a?b=1, www.example.org and mail ana@example.com or mailto:bo@example.com.';
    const links = linkify(text).filter((t) => t.kind === 'link');
    expect(links.map((l) => (l.kind === 'link' ? l.href : ''))).toEqual([
      'https://example.com/a?b=1',
      'https://www.example.org/',
      'mailto:ana@example.com',
      'mailto:bo@example.com',
    ]);
    expect(joined(text)).toBe(text);
  });

  it('never links javascript:, data: or vbscript: targets, in any case', () => {
    for (const text of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'data:text/html,<script>x</script>', 'vbscript:msgbox']) {
      expect(linkify(text)).toEqual([{ kind: 'text', text }]);
    }
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref('https://')).toBeNull();
  });

  it('leaves sentence punctuation and unbalanced parentheses outside the link', () => {
    const [, link, rest] = linkify('(see https://en.wikipedia.org/wiki/Foo_(bar)).');
    expect(link).toEqual({ kind: 'link', text: 'https://en.wikipedia.org/wiki/Foo_(bar)', href: 'https://en.wikipedia.org/wiki/Foo_(bar)' });
    expect(rest).toEqual({ kind: 'text', text: ').' });
  });

  it('returns one text token for text without links and nothing for empty text', () => {
    expect(linkify('<b>hi</b>')).toEqual([{ kind: 'text', text: '<b>hi</b>' }]);
    expect(linkify('')).toEqual([]);
  });
});
