import { createMemoryBroker, type MemoryBroker } from '../../src/testing/memory-broker';
import { createTestSession, recordMessages, waitForStatus } from '../../src/testing/session';
import type { MessageStore } from '../../src/broker/engine/types';
import type { WebSocketLike } from '../../src/core/types';

const text = (data: string | ArrayBuffer) => (typeof data === 'string' ? data : new TextDecoder().decode(data));

/** A raw client on the memory transport: frames in, frames out, nothing else. */
function rawClient(broker: MemoryBroker) {
  const socket: WebSocketLike = broker.socketFactory('memory://raw');
  const received: string[] = [];
  const events: string[] = [];
  let wake: () => void = () => undefined;
  socket.onmessage = (e) => {
    received.push(text(e.data));
    wake();
  };
  socket.onclose = (e) => {
    events.push(`close ${e.code}`);
    wake();
  };
  socket.onerror = () => events.push('error');
  const opened = new Promise<void>((resolve) => {
    socket.onopen = () => resolve();
  });
  const until = (check: () => boolean) =>
    new Promise<void>((resolve) => {
      wake = () => check() && resolve();
      wake();
    });
  return { socket, received, events, opened, until };
}

describe('createMemoryBroker', () => {
  let broker: MemoryBroker;
  afterEach(async () => {
    await broker?.close();
  });

  it('carries a real STOMP exchange and counts sockets and commands', async () => {
    broker = createMemoryBroker();
    const { session, dispose } = createTestSession({ broker });
    await waitForStatus(session, 'connected');
    const inbox = recordMessages(session, '/topic/greetings');
    await session.send('/topic/warmup', 'x'); // the SUBSCRIBE went out before this RECEIPT
    await session.send('/topic/greetings', { hello: 'world' });
    const [message] = await inbox.waitFor(1);
    expect(message.json).toEqual({ hello: 'world' });

    const stats = broker.stats();
    expect(stats.sockets).toEqual({ opened: 1, open: 1, refused: 0 });
    expect(stats.connections.memory).toBe(1);
    expect(stats.commands.CONNECT ?? stats.commands.STOMP).toBe(1);
    expect(stats.commands.SUBSCRIBE).toBe(1);
    expect(stats.commands.SEND).toBe(2);
    await dispose();
    expect(broker.stats().sockets.open).toBe(0);
    expect(broker.stats().connections.memory).toBe(0);
  });

  it('delivers asynchronously, never inside send', async () => {
    broker = createMemoryBroker();
    const client = rawClient(broker);
    await client.opened;
    client.socket.send('CONNECT\naccept-version:1.2\nhost:x\nheart-beat:0,0\n\n\0');
    await new Promise((r) => setTimeout(r, 0));
    expect(client.received.length).toBe(1);
    client.socket.send('SEND\ndestination:/topic/a\nreceipt:r1\n\nhi\0');
    expect(client.received.length).toBe(1);
    await client.until(() => client.received.length === 2);
    expect(client.received[1]).toMatch(/^RECEIPT\n/);
  });

  it('an outage drops every connection, refuses new ones, and recovers on start', async () => {
    broker = createMemoryBroker();
    const { session, dispose } = createTestSession({ broker });
    await waitForStatus(session, 'connected');
    broker.stop();
    expect(broker.running).toBe(false);
    await waitForStatus(session, 'reconnecting');
    // A fresh client is refused while stopped.
    const client = rawClient(broker);
    await client.until(() => client.events.includes('close 1006'));
    expect(client.events).toEqual(['error', 'close 1006']);
    expect(broker.stats().sockets.refused).toBeGreaterThanOrEqual(1);
    expect(broker.stats().connections.memory).toBe(0);
    broker.start();
    await waitForStatus(session, 'connected');
    expect(broker.stats().sockets.open).toBe(1);
    await dispose();
  });

  it('keeps order under latency, including when it changes mid-stream', async () => {
    broker = createMemoryBroker({ latency: 15 });
    const { session, dispose } = createTestSession({ broker });
    await waitForStatus(session, 'connected');
    const inbox = recordMessages(session, '/queue/ordered');
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < 20; i++) {
      if (i === 10) broker.setLatency(0);
      sends.push(session.send('/queue/ordered', String(i)));
    }
    await Promise.all(sends);
    const messages = await inbox.waitFor(20);
    expect(messages.map((m) => m.body)).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
    expect(broker.stats().latency).toBe(0);
    await dispose();
  });

  it('rejects a bad latency with a clear error', () => {
    broker = createMemoryBroker();
    expect(() => broker.setLatency(-1)).toThrow(RangeError);
    expect(() => broker.setLatency(Number.NaN)).toThrow(/latency/);
    expect(() => createMemoryBroker({ latency: -5 })).toThrow(RangeError);
  });

  it('an ERROR from the broker arrives before the close', async () => {
    broker = createMemoryBroker();
    const client = rawClient(broker);
    await client.opened;
    client.socket.send('NOT-A-COMMAND\n\n\0');
    await client.until(() => client.events.length > 0);
    expect(client.received[0]).toMatch(/^ERROR\n/);
    expect(client.events).toEqual(['close 1000']);
  });

  it('refuses connections, with the reason, when the engine cannot start', async () => {
    const store: MessageStore = {
      load: () => Promise.reject(new Error('disk on fire')),
      declare: async () => undefined,
      append: async () => undefined,
      remove: async () => undefined,
      truncate: async () => undefined,
      close: async () => undefined,
    };
    broker = createMemoryBroker({ store });
    await expect(broker.ready).rejects.toThrow('disk on fire');
    const socket = broker.socketFactory('memory://raw');
    const reason = await new Promise<string>((resolve) => {
      socket.onclose = (e) => resolve(e.reason ?? '');
    });
    expect(reason).toMatch(/disk on fire/);
  });

  it('reports opening in a later task, so handlers attached after a few awaits see it (like a real socket)', async () => {
    broker = createMemoryBroker();
    const late = async (socket: WebSocketLike) => {
      for (let i = 0; i < 10; i++) await Promise.resolve();
      return new Promise<string>((resolve) => {
        socket.onopen = () => resolve('open');
        socket.onclose = (e) => resolve(`close ${e.code}`);
      });
    };
    expect(await late(broker.socketFactory('memory://late'))).toBe('open');
    broker.stop();
    expect(await late(broker.socketFactory('memory://late'))).toBe('close 1006');
  });
});
