/**
 * A transaction interrupted by a disconnect
 * rejects, and nothing of it arrives.
 */
import { TransactionError } from '../../../src/core/index.js';
import { waitForStatus } from '../../../src/testing/index.js';
import { startTestBroker, uniqueName, type TestBroker } from '../../support/broker.js';
import { sessionPool } from './helpers.js';

const pool = sessionPool();
let broker: TestBroker;

beforeEach(async () => {
  broker = await startTestBroker();
});
afterEach(async () => {
  await pool.closeAll();
  await broker.close();
});

test('a transaction cut by a disconnect rejects clearly and applies nothing; a committed one applies whole', async () => {
  const destination = `/queue/${uniqueName('core.tx')}`;
  const receiver = pool.open(broker);
  const got: string[] = [];
  receiver.subscribe(destination, (m) => got.push(m.body));
  const sender = pool.open(broker);
  await Promise.all([waitForStatus(receiver, 'connected'), waitForStatus(sender, 'connected')]);

  const cut = sender.begin();
  cut.send(destination, 'cut-1');
  cut.send(destination, 'cut-2');
  await broker.stop();
  await waitForStatus(sender, 'reconnecting', { timeout: 20_000 });
  await expect(cut.commit()).rejects.toThrow(TransactionError);
  await expect(cut.commit()).rejects.toThrow(/discarded: the connection dropped before COMMIT, so nothing in it took effect/);
  await broker.start();
  await Promise.all([waitForStatus(receiver, 'connected', { timeout: 20_000 }), waitForStatus(sender, 'connected', { timeout: 20_000 })]);

  const whole = sender.begin();
  whole.send(destination, 'whole-1');
  whole.send(destination, 'whole-2');
  await whole.commit();
  // A plain send after the commit, receipted: everything before it has been routed.
  await sender.send(destination, 'marker');
  await vi.waitFor(() => expect(got).toEqual(['whole-1', 'whole-2', 'marker']), { timeout: 10_000 });
});
