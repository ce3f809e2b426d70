import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBroker, type Broker, type BrokerUrls } from '../../src/broker/index';

export interface RestartableBroker {
  readonly urls: BrokerUrls;
  /** The outage: every connection dropped, the port closed. */
  stop(): Promise<void>;
  /** Back on the same port with the same data directory (streams survive). */
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A standalone `createBroker` with a file data directory, on its own port, that
 * can be stopped and started again like a real deployment restart. The demo
 * reaches it through `VITE_STOMPKIT_URL` (the Vite plugin's broker lives and
 * dies with the dev server, so it cannot model a broker restart).
 */
export async function startRestartableBroker(): Promise<RestartableBroker> {
  const dataDir = await mkdtemp(join(tmpdir(), 'stompkit-broker-'));
  let broker: Broker | null = createBroker({ dataDir });
  const { port } = await broker.listen(0, '127.0.0.1');
  const urls = broker.urls;
  if (!urls) throw new Error('startRestartableBroker: the broker reports no URLs after listen');
  return {
    urls,
    async stop() {
      await broker?.close();
      broker = null;
    },
    async start() {
      if (broker) throw new Error('startRestartableBroker: already running');
      broker = createBroker({ dataDir });
      await broker.listen(port, '127.0.0.1');
    },
    async close() {
      await broker?.close();
      broker = null;
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
