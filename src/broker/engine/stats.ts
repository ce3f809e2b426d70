/**
 * The numbers behind `GET /stats`: connections per transport, frame counters
 * and one row per destination.
 */
import type { BrokerStats, TransportKind } from './types.js';
import type { Connection } from './connection.js';
import type { Router } from './router.js';

export function collectStats(
  connections: Iterable<Connection>,
  counters: { framesIn: number; framesOut: number },
  router: Router,
): BrokerStats {
  const byTransport: Record<TransportKind, number> = { websocket: 0, sockjs: 0, tcp: 0, memory: 0 };
  for (const c of connections) byTransport[c.sink.transport]++;
  return {
    connections: byTransport,
    framesIn: counters.framesIn,
    framesOut: counters.framesOut,
    destinations: router.stats().sort((a, b) => a.destination.localeCompare(b.destination)),
  };
}
