import { createStompSession } from '../../src/core/session.js';
import { TransactionError } from '../../src/core/transaction-error.js';
import type { IncomingMessage, StompSession } from '../../src/core/types.js';
import { createMemoryBroker, waitForStatus, type MemoryBroker } from '../../src/testing/index.js';

let broker: MemoryBroker;
const sessions: StompSession[] = [];

function open(): StompSession {
  const session = createStompSession({ url: 'memory://stompkit', socketFactory: broker.socketFactory, reconnect: { baseDelay: 20, maxDelay: 100 } });
  sessions.push(session);
  return session;
}

beforeEach(() => {
  broker = createMemoryBroker();
});
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
  await broker.close();
});

const depth = (destination: string) => broker.stats().destinations.find((d) => d.destination === destination)?.depth ?? 0;

describe('transactions', () => {
  it('holds sends until COMMIT, which resolves on its RECEIPT', async () => {
    const session = open();
    await waitForStatus(session, 'connected');
    const got: unknown[] = [];
    session.subscribe('/topic/tx', (m) => got.push(m.json ?? m.body));
    const tx = session.begin();
    tx.send('/topic/tx', { n: 1 });
    tx.send('/topic/tx', 'two');
    await session.send('/topic/tx', 'outside'); // receipted after the held ones were received
    expect(got).toEqual(['outside']);
    await tx.commit();
    await vi.waitFor(() => expect(got).toEqual(['outside', { n: 1 }, 'two']));
    expect(broker.stats().commands.COMMIT).toBe(1);
    // Transactional sends bypass the outbox.
    expect(session.getOutbox().map((e) => e.body)).toEqual(['outside']);
  });

  it('abort discards everything', async () => {
    const session = open();
    await waitForStatus(session, 'connected');
    const tx = session.begin();
    tx.send('/queue/aborted', 'never');
    await tx.abort();
    await session.send('/queue/aborted', 'after');
    expect(depth('/queue/aborted')).toBe(1);
    await expect(tx.commit()).rejects.toThrow(/already aborted/);
    expect(() => tx.send('/queue/aborted', 'x')).toThrow(TransactionError);
  });

  it('a disconnect inside the transaction rejects commit clearly and applies nothing', async () => {
    const session = open();
    await waitForStatus(session, 'connected');
    const tx = session.begin();
    tx.send('/queue/half', 'a');
    broker.stop();
    await waitForStatus(session, 'reconnecting');
    expect(() => tx.send('/queue/half', 'b')).toThrow(/discarded: the connection dropped before COMMIT/);
    await expect(tx.commit()).rejects.toThrow(TransactionError);
    await expect(tx.commit()).rejects.toThrow(/nothing in it took effect/);
    await tx.abort(); // nothing to abort: resolves
    broker.start();
    await waitForStatus(session, 'connected');
    await session.send('/queue/half', 'marker');
    expect(depth('/queue/half')).toBe(1);
  });

  it('a COMMIT whose connection drops before the RECEIPT rejects as unconfirmed', async () => {
    const session = open();
    await waitForStatus(session, 'connected');
    broker.setLatency(50);
    const tx = session.begin();
    tx.send('/topic/x', 'a');
    const commit = tx.commit();
    broker.stop();
    await expect(commit).rejects.toThrow(/COMMIT of tx-.* unconfirmed: the connection dropped before its RECEIPT/);
  });

  it('ACK inside a transaction takes effect only at COMMIT', async () => {
    const producer = open();
    const consumer = open();
    await Promise.all([waitForStatus(producer, 'connected'), waitForStatus(consumer, 'connected')]);
    await producer.send('/queue/work', 'job');
    const got: IncomingMessage[] = [];
    consumer.subscribe('/queue/work', (m) => got.push(m), { ack: 'client-individual' });
    await vi.waitFor(() => expect(got).toHaveLength(1));
    const tx = consumer.begin();
    tx.ack(got[0]!);
    await tx.abort(); // the ACK is discarded with the transaction
    const tx2 = consumer.begin();
    tx2.ack(got[0]!);
    await tx2.commit();
    await vi.waitFor(() => expect(depth('/queue/work')).toBe(0));
    expect(() => tx2.nack(got[0]!)).toThrow(/already committed/);
  });

  it('begin while not connected throws; bad arguments are refused', async () => {
    const session = open();
    expect(() => session.begin()).toThrow(/not connected/);
    await waitForStatus(session, 'connected');
    const tx = session.begin();
    expect(() => tx.send('', 'x')).toThrow(/destination/);
    expect(() => tx.ack({} as IncomingMessage)).toThrow(/not a message delivered by a stompkit session/);
    await tx.abort();
  });
});
