/**
 * A TCP proxy on 127.0.0.1 that can go silent the way a dead Wi-Fi or an
 * expired NAT entry does: bytes stop flowing both ways and nothing closes.
 * Connections alive when `silence()` is called stay dead for good (their
 * path is gone); connections made while silent are accepted and hang;
 * after `restore()` new connections work again.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface SilentProxy {
  port: number;
  /** Stop forwarding without closing anything. */
  silence(): void;
  /** New connections forward again (the silenced ones stay dead). */
  restore(): void;
  /** Connections opened through the proxy so far. */
  readonly connections: number;
  close(): Promise<void>;
}

export async function startSilentProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<SilentProxy> {
  let silent = false;
  let opened = 0;
  const pairs = new Set<{ client: Socket; upstream: Socket; dead: boolean }>();
  const server: Server = createServer((client) => {
    opened++;
    const upstream = connect(targetPort, targetHost);
    const pair = { client, upstream, dead: silent };
    pairs.add(pair);
    client.on('data', (data) => void (pair.dead || upstream.write(data)));
    upstream.on('data', (data) => void (pair.dead || client.write(data)));
    // A dead path carries no close either: only the side that closes learns of it.
    const closed = (other: Socket) => () => {
      if (!pair.dead) other.destroy();
      if (client.destroyed && upstream.destroyed) pairs.delete(pair);
    };
    client.on('close', closed(upstream));
    upstream.on('close', closed(client));
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    silence() {
      silent = true;
      for (const pair of pairs) pair.dead = true;
    },
    restore() {
      silent = false;
    },
    get connections() {
      return opened;
    },
    async close() {
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
