import { createMemoryBroker } from '../../src/testing/memory-broker';
import { createTestSession, recordMessages, waitForState, waitForStatus } from '../../src/testing/session';

describe('createTestSession', () => {
  it('wires a session to its own memory broker and disposes both', async () => {
    const { session, broker, dispose } = createTestSession();
    const state = await waitForStatus(session, 'connected');
    expect(state.transport).toBe('websocket');
    expect(broker.stats().connections.memory).toBe(1);
    await dispose();
    expect(session.getSnapshot().status).toBe('closed');
    // The broker it created is closed too: new connections are refused.
    expect(broker.running).toBe(false);
  });

  it('shares a given broker and leaves it running on dispose', async () => {
    const broker = createMemoryBroker();
    const a = createTestSession({ broker });
    const b = createTestSession({ broker });
    await Promise.all([waitForStatus(a.session, 'connected'), waitForStatus(b.session, 'connected')]);
    const inbox = recordMessages(b.session, '/topic/shared');
    await a.session.send('/topic/nobody', 'warm-up');
    await b.session.send('/topic/nobody', 'warm-up'); // b's SUBSCRIBE is in before a sends
    await a.session.send('/topic/shared', 'from a');
    expect((await inbox.waitFor(1))[0].body).toBe('from a');
    inbox.stop();
    await a.dispose();
    expect(broker.running).toBe(true);
    expect(broker.stats().connections.memory).toBe(1);
    await b.dispose();
    await broker.close();
  });

  it('passes session options through', async () => {
    const { session, dispose } = createTestSession({ autoConnect: false });
    expect(session.getSnapshot().status).toBe('idle');
    session.connect();
    await waitForStatus(session, 'connected');
    await dispose();
  });
});

describe('waitForState', () => {
  it('resolves at once when the state already matches', async () => {
    const { session, dispose } = createTestSession({ autoConnect: false });
    await expect(waitForState(session, (s) => s.status === 'idle')).resolves.toMatchObject({ status: 'idle' });
    await dispose();
  });

  it('rejects on timeout, saying where the session is', async () => {
    const broker = createMemoryBroker();
    broker.stop();
    const { session, dispose } = createTestSession({ broker });
    await expect(waitForStatus(session, 'connected', { timeout: 50 })).rejects.toThrow(/timed out after 50 ms \(status (connecting|reconnecting)/);
    await dispose();
    await broker.close();
  });

  it('rejects as soon as the session closes first', async () => {
    const { session, dispose } = createTestSession({ autoConnect: false });
    const waiting = waitForStatus(session, 'connected', { timeout: 60_000 });
    await session.close();
    await expect(waiting).rejects.toThrow(/closed first/);
    await dispose();
  });
});

describe('recordMessages', () => {
  it('keeps messages in order and rejects a wait that is not met', async () => {
    const { session, dispose } = createTestSession();
    await waitForStatus(session, 'connected');
    const inbox = recordMessages(session, '/queue/recorded');
    await session.send('/queue/recorded', 'one');
    await session.send('/queue/recorded', 'two');
    expect((await inbox.waitFor(2)).map((m) => m.body)).toEqual(['one', 'two']);
    await expect(inbox.waitFor(3, { timeout: 30 })).rejects.toThrow(/2 of 3 messages/);
    inbox.stop();
    await dispose();
  });
});
