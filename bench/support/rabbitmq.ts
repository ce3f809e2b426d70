/**
 * RabbitMQ helpers shared by the benches: the test-suite lock files and the
 * three-node cluster of `scripts/rabbitmq-cluster`.
 */
import { open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reachable } from './processes.js';

/**
 * The interop suites simulate outages of the default node and the cluster
 * suites kill cluster nodes; each holds its lock file meanwhile
 * (test/support/broker.ts). A bench takes the same lock so those outages and
 * its rounds do not overlap.
 */
export const DEFAULT_NODE_LOCK = join(tmpdir(), 'stompkit-rabbitmq-tests.lock');
export const CLUSTER_LOCK = join(tmpdir(), 'stompkit-rabbitmq-cluster-tests.lock');

/** Take lock file `path` (waiting while a live process holds it); resolves with its release. */
export async function lockRabbit(path: string): Promise<() => Promise<void>> {
  let told = false;
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = Number(await readFile(path, 'utf8').catch(() => ''));
    let alive = false;
    try {
      if (owner) process.kill(owner, 0);
      alive = owner > 0;
    } catch (err) {
      alive = (err as NodeJS.ErrnoException).code === 'EPERM';
    }
    if (!alive) {
      await rm(path, { force: true });
      continue;
    }
    if (!told) console.log(`  (waiting: RabbitMQ test suites are running, pid ${owner})`);
    told = true;
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

/** Web-STOMP ports of cluster nodes 1..3 (`scripts/rabbitmq-cluster`). */
export const CLUSTER_PORTS = [15691, 15692, 15693] as const;

/** The cluster's Web-STOMP URLs, or null (with the reason) when a node does not answer. */
export async function clusterUrls(): Promise<{ urls: string[] } | { missing: string }> {
  const up = await Promise.all(CLUSTER_PORTS.map((p) => reachable(p)));
  const down = CLUSTER_PORTS.filter((_, i) => !up[i]);
  if (down.length > 0) return { missing: `nothing listens on 127.0.0.1:${down.join(', ')} (run scripts/rabbitmq-cluster start)` };
  return { urls: CLUSTER_PORTS.map((p) => `ws://127.0.0.1:${p}/ws`) };
}
