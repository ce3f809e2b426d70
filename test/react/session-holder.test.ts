import { createSessionHolder } from '../../src/react/session-holder';
import { createMemoryBroker, type MemoryBroker } from '../../src/testing/memory-broker';
import { waitForStatus } from '../../src/testing/session';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('createSessionHolder', () => {
  let broker: MemoryBroker;
  let holder: ReturnType<typeof createSessionHolder>;
  beforeEach(() => {
    broker = createMemoryBroker();
    holder = createSessionHolder({ url: 'memory://stompkit', transports: ['websocket'], socketFactory: broker.socketFactory });
  });
  afterEach(async () => {
    await holder.get().close();
    await broker.close();
  });

  it('creates nothing that connects until acquired', async () => {
    const session = holder.get();
    expect(holder.get()).toBe(session);
    await tick();
    expect(session.getSnapshot().status).toBe('idle');
    expect(broker.stats().sockets.opened).toBe(0);
  });

  it('treats release + acquire in the same tick (StrictMode) as nothing', async () => {
    const release = holder.acquire();
    release();
    const releaseAgain = holder.acquire();
    await waitForStatus(holder.get(), 'connected');
    await tick();
    expect(holder.get().getSnapshot().status).toBe('connected');
    expect(broker.stats().sockets.opened).toBe(1);
    releaseAgain();
  });

  it('stays open while any owner remains, closes after the last one, once', async () => {
    const a = holder.acquire();
    const b = holder.acquire();
    await waitForStatus(holder.get(), 'connected');
    a();
    a(); // a second call of the same release changes nothing
    await tick();
    expect(holder.get().getSnapshot().status).toBe('connected');
    b();
    await waitForStatus(holder.get(), 'closed');
    expect(broker.stats().commands.DISCONNECT).toBe(1);
  });

  it('gives a fresh session to an owner that comes back after the close', async () => {
    const first = holder.get();
    const release = holder.acquire();
    await waitForStatus(first, 'connected');
    release();
    await waitForStatus(first, 'closed');
    let replaced = 0;
    holder.subscribe(() => replaced++);
    const releaseAgain = holder.acquire();
    const second = holder.get();
    expect(second).not.toBe(first);
    expect(replaced).toBe(1);
    await waitForStatus(second, 'connected');
    expect(first.getSnapshot().status).toBe('closed');
    releaseAgain();
  });
});
