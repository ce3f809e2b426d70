/**
 * `/topic/<key>` fan-out with RabbitMQ topic-exchange matching: routing keys
 * and binding patterns are words split on `.`; `*` matches exactly one word,
 * `#` zero or more (RabbitMQ STOMP guide, "Topic Destinations").
 *
 * Bindings are precompiled: exact patterns sit in a map, wildcard patterns in
 * a trie; wildcard matches are cached per routing key until bindings change,
 * so a publish to a hot key is one map lookup and a loop over subscribers.
 *
 * A hostile pattern cannot make matching expensive: consecutive `#` words
 * are one `#` (they match the same keys), and the trie walk visits each
 * (node, word position) pair once, so a match costs at most trie nodes ×
 * key words, however the `#`s are arranged.
 */
import type { DestinationStats } from './types.js';
import type { Entry, Subscriber } from './message.js';

interface TrieNode {
  words: Map<string, TrieNode>;
  star?: TrieNode;
  hash?: TrieNode;
  subs: Set<Subscriber>;
}

const node = (): TrieNode => ({ words: new Map(), subs: new Set() });

/** Most routing keys whose wildcard matches are cached at once. */
const CACHE_LIMIT = 10_000;

/** `#.#` matches what `#` matches: runs of `#` words collapse into one. */
export function normalizePattern(pattern: string): string {
  return pattern.split('.').filter((w, i, words) => !(w === '#' && words[i - 1] === '#')).join('.');
}

/** True when `pattern` contains a wildcard word. */
export function isWildcard(pattern: string): boolean {
  return pattern.split('.').some((w) => w === '*' || w === '#');
}

/** Reference matcher, used by tests and for one-off checks. */
export function topicMatches(pattern: string, key: string): boolean {
  const p = pattern.split('.');
  const k = key.split('.');
  const go = (i: number, j: number): boolean => {
    if (i === p.length) return j === k.length;
    if (p[i] === '#') {
      for (let s = j; s <= k.length; s++) if (go(i + 1, s)) return true;
      return false;
    }
    if (j === k.length) return false;
    return (p[i] === '*' || p[i] === k[j]) && go(i + 1, j + 1);
  };
  return go(0, 0);
}

export class TopicExchange {
  private readonly exact = new Map<string, Set<Subscriber>>();
  private readonly root: TrieNode = node();
  private wildcardCount = 0;
  private readonly cache = new Map<string, Subscriber[]>();
  private readonly patterns = new Map<string, number>();

  bind(pattern: string, sub: Subscriber): void {
    this.patterns.set(pattern, (this.patterns.get(pattern) ?? 0) + 1);
    if (!isWildcard(pattern)) {
      let set = this.exact.get(pattern);
      if (!set) this.exact.set(pattern, (set = new Set()));
      set.add(sub);
      return;
    }
    let n = this.root;
    for (const w of normalizePattern(pattern).split('.')) {
      if (w === '*') n = n.star ??= node();
      else if (w === '#') n = n.hash ??= node();
      else {
        let next = n.words.get(w);
        if (!next) n.words.set(w, (next = node()));
        n = next;
      }
    }
    n.subs.add(sub);
    this.wildcardCount++;
    this.cache.clear();
  }

  unbind(pattern: string, sub: Subscriber): void {
    const count = (this.patterns.get(pattern) ?? 1) - 1;
    if (count <= 0) this.patterns.delete(pattern);
    else this.patterns.set(pattern, count);
    if (!isWildcard(pattern)) {
      const set = this.exact.get(pattern);
      set?.delete(sub);
      if (set?.size === 0) this.exact.delete(pattern);
      return;
    }
    // Walk down remembering the path so empty nodes can be pruned.
    const path: Array<[TrieNode, string]> = [];
    let n: TrieNode | undefined = this.root;
    for (const w of normalizePattern(pattern).split('.')) {
      if (!n) return;
      path.push([n, w]);
      n = w === '*' ? n.star : w === '#' ? n.hash : n.words.get(w);
    }
    if (!n || !n.subs.delete(sub)) return;
    this.wildcardCount--;
    this.cache.clear();
    for (let i = path.length - 1; i >= 0; i--) {
      const [parent, w] = path[i];
      const child = w === '*' ? parent.star : w === '#' ? parent.hash : parent.words.get(w);
      if (!child || child.subs.size > 0 || child.words.size > 0 || child.star || child.hash) break;
      if (w === '*') parent.star = undefined;
      else if (w === '#') parent.hash = undefined;
      else parent.words.delete(w);
    }
  }

  /** Deliver to every matching subscription; returns how many got it. */
  publish(key: string, entry: Entry): number {
    let count = 0;
    const direct = this.exact.get(key);
    if (direct) {
      for (const sub of direct) {
        if (sub.open) {
          sub.deliver(entry, null);
          count++;
        }
      }
    }
    if (this.wildcardCount > 0) {
      for (const sub of this.wildcardMatches(key)) {
        if (sub.open) {
          sub.deliver(entry, null);
          count++;
        }
      }
    }
    return count;
  }

  private wildcardMatches(key: string): Subscriber[] {
    let hit = this.cache.get(key);
    if (hit) return hit;
    const out = new Set<Subscriber>();
    collect(this.root, key.split('.'), 0, out, new Map());
    hit = [...out];
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(key, hit);
    return hit;
  }

  /** One row per bound pattern (topics hold no messages). */
  stats(): DestinationStats[] {
    return [...this.patterns].map(([pattern, subscribers]) => ({
      destination: `/topic/${pattern}`,
      kind: 'topic' as const,
      subscribers,
      depth: 0,
      storedBytes: 0,
    }));
  }
}

/** Adds the subscribers of every pattern below `n` that matches `words` from `i`; `seen` holds the (node, position) pairs already walked. */
function collect(n: TrieNode, words: string[], i: number, out: Set<Subscriber>, seen: Map<TrieNode, Set<number>>): void {
  let at = seen.get(n);
  if (!at) seen.set(n, (at = new Set()));
  if (at.has(i)) return;
  at.add(i);
  if (n.hash) for (let j = i; j <= words.length; j++) collect(n.hash, words, j, out, seen);
  if (i === words.length) {
    for (const s of n.subs) out.add(s);
    return;
  }
  const next = n.words.get(words[i]);
  if (next) collect(next, words, i + 1, out, seen);
  if (n.star) collect(n.star, words, i + 1, out, seen);
}
