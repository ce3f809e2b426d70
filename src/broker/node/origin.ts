/**
 * The `Origin` allow list checked on WebSocket and SockJS handshakes. A browser
 * page from another site must not reach a local broker with the user's
 * cookies or network position (cross-site WebSocket hijacking), so only listed
 * origins pass. Requests without an `Origin` header (Node clients, curl, TCP)
 * are not from a browser page and pass.
 */

/** An allowed origin: an exact origin (`https://app.example.com`), `*` for every origin, or a pattern. */
export type OriginRule = string | RegExp;

/** Default: pages served from this machine, on any port, over http or https. */
export const LOCAL_ORIGINS: readonly OriginRule[] = [
  /^https?:\/\/localhost(:\d+)?$/,
  /^https?:\/\/127\.0\.0\.1(:\d+)?$/,
  /^https?:\/\/\[::1\](:\d+)?$/,
];

/** Build the check for a list of rules (or a custom predicate). */
export function originPolicy(
  rules: readonly OriginRule[] | ((origin: string) => boolean) = LOCAL_ORIGINS,
): (origin: string | undefined) => boolean {
  if (typeof rules === 'function') return (origin) => origin === undefined || rules(origin);
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  let everyOrigin = false;
  for (const rule of rules) {
    if (rule === '*') everyOrigin = true;
    else if (typeof rule === 'string') exact.add(rule.replace(/\/+$/, '').toLowerCase());
    else patterns.push(rule);
  }
  return (origin) => {
    if (origin === undefined) return true;
    if (everyOrigin) return true;
    const o = origin.toLowerCase();
    return exact.has(o) || patterns.some((p) => p.test(o));
  };
}
