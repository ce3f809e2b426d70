/**
 * CONNECT negotiation helpers (STOMP 1.2 §"Protocol Negotiation",
 * §"Heart-beating").
 */
import { type StompVersion, SUPPORTED_VERSIONS, StompError } from './frame.js';

/** Highest version both sides speak; no `accept-version` means 1.0. */
export function negotiateVersion(acceptVersion: string | undefined): StompVersion {
  if (acceptVersion === undefined) return '1.0';
  const offered = acceptVersion.split(',').map((v) => v.trim());
  for (let i = SUPPORTED_VERSIONS.length - 1; i >= 0; i--) {
    if (offered.includes(SUPPORTED_VERSIONS[i])) return SUPPORTED_VERSIONS[i];
  }
  throw new StompError('Unsupported protocol version', `Supported protocol versions are ${SUPPORTED_VERSIONS.join(',')}`, {
    version: SUPPORTED_VERSIONS.join(','),
  });
}

/**
 * Longest heart-beat period honoured (ms). A client may legally ask for
 * `heart-beat:0,4294967296`; a period past what a timer can hold would wrap
 * to a 1 ms timer, so periods are clamped here (one day is "rarely").
 */
export const MAX_HEARTBEAT = 86_400_000;

/** Default heart-beat floors `[sx, sy]` ms: a client's own periods are granted down to these. */
export const HEARTBEAT_FLOORS: [number, number] = [1000, 1000];

/** `heart-beat: cx,cy` of CONNECT; absent means `0,0`; each period clamped to {@link MAX_HEARTBEAT}. */
export function parseHeartBeat(value: string | undefined): [number, number] {
  if (value === undefined) return [0, 0];
  const m = /^\s*(\d+)\s*,\s*(\d+)\s*$/.exec(value);
  if (!m) throw new StompError('Malformed frame', `Invalid heart-beat header "${value}"`);
  return [Math.min(Number(m[1]), MAX_HEARTBEAT), Math.min(Number(m[2]), MAX_HEARTBEAT)];
}
