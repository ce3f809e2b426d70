/**
 * `npm run test:cluster`: boots the three-node RabbitMQ cluster
 * (scripts/rabbitmq-cluster, idempotent) before the files run and stops it
 * after, so no node is left holding memory on the machine.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CLUSTER_SCRIPT } from '../support/broker.js';

const run = promisify(execFile);

async function cluster(command: 'start' | 'stop'): Promise<void> {
  const { stdout, stderr } = await run(CLUSTER_SCRIPT, [command], { timeout: 300_000 });
  process.stdout.write(stdout + stderr);
}

export async function setup(): Promise<() => Promise<void>> {
  await cluster('start');
  return () => cluster('stop');
}
