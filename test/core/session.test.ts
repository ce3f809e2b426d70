import { createStompSession } from '../../src/core/session.js';
import type { SessionState, StompSession, StompSessionOptions } from '../../src/core/types.js';
import { createMemoryBroker, waitForStatus, waitForState, type MemoryBroker } from '../../src/testing/index.js';

let broker: MemoryBroker;
const sessions: StompSession[] = [];

function open(options: Partial<StompSessionOptions> = {}): StompSession {
  const session = createStompSession({
    url: 'memory://stompkit',
    socketFactory: broker.socketFactory,
    reconnect: { baseDelay: 20, maxDelay: 100 },
    ...options,
  });
  sessions.push(session);
  return session;
}

/** Lets queued microtasks and due macrotasks run (no timing assertion rests on it). */
const settle = (ms = 50) => new Promise((r) => setTimeout(r, ms));

beforeEach(() => {
  broker = createMemoryBroker();
});
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
  await broker.close();
});

describe('state machine', () => {
  it('goes idle → connecting → connected and reports transport and server', async () => {
    const session = open({ autoConnect: false, connectHeaders: { login: 'alice', passcode: 'x' } });
    const seen: SessionState[] = [];
    session.subscribe(() => seen.push(session.getSnapshot()));
    expect(session.getSnapshot()).toMatchObject({ status: 'idle', transport: null, attempt: 0 });
    session.connect();
    const state = await waitForStatus(session, 'connected');
    expect(seen[0]).toMatchObject({ status: 'connecting' });
    expect(state).toMatchObject({ transport: 'websocket', attempt: 0, error: null, nextRetryAt: null });
    expect(state.serverInfo).toMatchObject({ version: '1.2', userName: 'alice' });
    expect(state.serverInfo?.server).toMatch(/^stompkit/);
    // A new frozen object per change, none for no-op changes.
    expect(new Set(seen).size).toBe(seen.length);
    expect(Object.isFrozen(state)).toBe(true);
  });

  it('reconnects after an outage with backoff and says why it is reconnecting', async () => {
    const session = open();
    await waitForStatus(session, 'connected');
    broker.stop();
    const down = await waitForState(session, (s) => s.status === 'reconnecting' && s.nextRetryAt !== null);
    expect(down.error?.kind).toBe('network');
    expect(down.nextRetryAt).toBeGreaterThanOrEqual(Date.now() - 1000);
    await waitForState(session, (s) => s.attempt >= 2);
    broker.start();
    const up = await waitForStatus(session, 'connected');
    expect(up).toMatchObject({ attempt: 0, error: null });
  });

  it('calls a connectHeaders function on every connect', async () => {
    let calls = 0;
    const session = open({ connectHeaders: async () => ({ login: `user-${++calls}`, passcode: 'p' }) });
    await waitForStatus(session, 'connected');
    expect(session.getSnapshot().serverInfo?.userName).toBe('user-1');
    broker.stop();
    await waitForStatus(session, 'reconnecting');
    broker.start();
    const state = await waitForStatus(session, 'connected');
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(state.serverInfo?.userName).toBe(`user-${calls}`);
  });

  it('a connectHeaders function that throws or hangs fails the attempt, which is retried', async () => {
    let calls = 0;
    const session = open({
      connectTimeout: 30,
      connectHeaders: () => {
        calls++;
        if (calls === 1) throw new Error('token service down');
        if (calls === 2) return new Promise(() => undefined); // never answers
        return { login: 'late' };
      },
    });
    const errors: string[] = [];
    session.subscribe(() => {
      const e = session.getSnapshot().error;
      if (e && errors.at(-1) !== e.message) errors.push(e.message);
    });
    const state = await waitForStatus(session, 'connected');
    expect(errors).toEqual(['connectHeaders failed: token service down', 'connectHeaders failed: no answer within 30 ms']);
    expect(state.serverInfo?.userName).toBe('late');
  });

  it('stops on refused credentials: closed, error kind auth, no further attempt', async () => {
    await broker.close();
    broker = createMemoryBroker({
      authenticate: (login, passcode) => (passcode === 'right' ? { ok: true, user: login ?? '' } : { ok: false, message: '' }),
    });
    const session = open({ connectHeaders: { login: 'mallory', passcode: 'wrong' } });
    const state = await waitForState(session, (s) => s.status === 'closed');
    expect(state.error?.kind).toBe('auth');
    expect(state.error?.message).toMatch(/Bad CONNECT.*Access refused/);
    expect(state.nextRetryAt).toBeNull();
    await settle(200); // ten backoff periods
    expect(broker.stats().sockets.opened).toBe(1);
    expect(session.getSnapshot().status).toBe('closed');
  });

  it('a first attempt that fails goes connecting → reconnecting with a retry time, attempts counting up', async () => {
    broker.stop();
    const session = open({ autoConnect: false, reconnect: { baseDelay: 10, maxDelay: 20 } });
    const seen: SessionState[] = [];
    session.subscribe(() => seen.push(session.getSnapshot()));
    session.connect();
    await waitForState(session, (s) => s.attempt >= 3);
    expect(seen[0]).toMatchObject({ status: 'connecting', attempt: 0 });
    const waiting = seen.filter((s) => s.nextRetryAt !== null);
    expect(waiting.length).toBeGreaterThanOrEqual(2);
    expect(waiting.every((s) => s.status === 'reconnecting' && s.error?.kind === 'network')).toBe(true);
    expect(seen.map((s) => s.attempt).filter((a, i, all) => a !== all[i - 1])).toEqual(
      expect.arrayContaining([1, 2, 3]),
    );
  });

  it('gives up after maxAttempts and connect() starts over', async () => {
    broker.stop();
    const session = open({ reconnect: { baseDelay: 5, maxAttempts: 3 } });
    const state = await waitForState(session, (s) => s.status === 'closed');
    expect(state.error?.message).toMatch(/gave up after 3 attempts/);
    expect(broker.stats().sockets.refused).toBe(3);
    broker.start();
    session.connect();
    await waitForStatus(session, 'connected');
  });

  it('retryNow() after giving up starts over too', async () => {
    broker.stop();
    const session = open({ reconnect: { baseDelay: 5, maxAttempts: 1 } });
    await waitForState(session, (s) => s.status === 'closed');
    broker.start();
    session.retryNow();
    await waitForStatus(session, 'connected');
  });

  it('retryNow skips the backoff wait', async () => {
    const session = open({ reconnect: { baseDelay: 3_600_000, maxDelay: 3_600_000 } });
    await waitForStatus(session, 'connected');
    broker.stop();
    // With full jitter a draw can be near 0; force a long wait with a second failure if needed.
    await waitForState(session, (s) => s.status === 'reconnecting' && s.nextRetryAt !== null);
    broker.start();
    session.retryNow();
    await waitForStatus(session, 'connected');
  });

  it('reconnect() replaces a live connection and restores its subscriptions; idle it does nothing', async () => {
    const idle = open({ autoConnect: false });
    idle.reconnect();
    expect(idle.getSnapshot().status).toBe('idle');
    const session = open();
    await waitForStatus(session, 'connected');
    const got: string[] = [];
    session.subscribe('/topic/replaced', (m) => void got.push(m.body));
    const before = broker.stats().sockets.opened;
    session.reconnect('suspect link');
    const down = await waitForState(session, (s) => s.status === 'reconnecting');
    expect(down.error).toEqual({ kind: 'network', message: 'suspect link' });
    await waitForStatus(session, 'connected');
    expect(broker.stats().sockets.opened).toBe(before + 1);
    await session.send('/topic/replaced', 'after');
    await vi.waitFor(() => expect(got).toEqual(['after']));
  });

  it('tries at once on `online` and when a hidden tab becomes visible', async () => {
    const win = new EventTarget();
    const doc = Object.assign(new EventTarget(), { visibilityState: 'hidden' });
    vi.stubGlobal('window', win);
    vi.stubGlobal('document', doc);
    try {
      const session = open({ reconnect: { baseDelay: 3_600_000, maxDelay: 3_600_000 } });
      await waitForStatus(session, 'connected');
      broker.stop();
      await waitForState(session, (s) => s.status === 'reconnecting' && s.nextRetryAt !== null);
      broker.start();
      win.dispatchEvent(new Event('online'));
      await waitForStatus(session, 'connected');

      broker.stop();
      await waitForState(session, (s) => s.status === 'reconnecting' && s.nextRetryAt !== null);
      broker.start();
      doc.dispatchEvent(new Event('visibilitychange')); // still hidden: nothing
      await settle();
      expect(session.getSnapshot().status).toBe('reconnecting');
      doc.visibilityState = 'visible';
      doc.dispatchEvent(new Event('visibilitychange'));
      await waitForStatus(session, 'connected');

      const removed = vi.spyOn(win, 'removeEventListener');
      const removedDoc = vi.spyOn(doc, 'removeEventListener');
      await session.close();
      expect(removed).toHaveBeenCalledWith('online', expect.any(Function));
      expect(removedDoc).toHaveBeenCalledWith('visibilitychange', expect.any(Function));
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('an http origin unreachable at first (offline) is retried, not given up as a bad url', async () => {
    let calls = 0;
    vi.stubGlobal('fetch', async () => {
      if (++calls === 1) throw new TypeError('Failed to fetch');
      return { ok: true, status: 200, json: async () => ({ websocket: 'ws://chat.test/ws' }) };
    });
    try {
      const session = open({ url: 'https://chat.test' });
      const retrying = await waitForState(session, (s) => s.status === 'reconnecting');
      expect(retrying.error?.message).toMatch(/cannot read https:\/\/chat.test\/stompkit.json: Failed to fetch/);
      expect((await waitForStatus(session, 'connected')).transport).toBe('websocket');
      expect(calls).toBe(2);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('debug logs never show the passcode', async () => {
    const logs: string[] = [];
    const session = open({ connectHeaders: { login: 'alice', passcode: 'hunter2' }, debug: (m) => logs.push(m) });
    await waitForStatus(session, 'connected');
    expect(logs.some((l) => l.includes('CONNECT'))).toBe(true);
    expect(logs.some((l) => l.includes('hunter2'))).toBe(false);
  });

  it('methods work detached from the session (useSyncExternalStore, destructuring)', async () => {
    const session = open();
    const { subscribe, getSnapshot, send } = session;
    const changes = vi.fn();
    const stop = subscribe(changes);
    await waitForStatus(session, 'connected');
    expect(changes).toHaveBeenCalled();
    expect(getSnapshot().status).toBe('connected');
    await expect(send('/topic/detached', 'x')).resolves.toMatchObject({ destination: '/topic/detached' });
    stop();
  });

  it('refuses a bad url clearly without retrying', async () => {
    const session = createStompSession({ url: 'ftp://example.com', reconnect: { baseDelay: 1 } });
    sessions.push(session);
    const state = await waitForState(session, (s) => s.status === 'closed');
    expect(state.error).toEqual({ kind: 'protocol', message: 'url: unsupported scheme "ftp:" (use ws:, wss:, http: or https:)' });
    expect(() => createStompSession({} as StompSessionOptions)).toThrow(/url/);
  });

  it('counts a socket that never reaches CONNECTED within connectTimeout as failed', async () => {
    broker.setLatency(300);
    const session = open({ connectTimeout: 50, reconnect: { baseDelay: 5, maxAttempts: 1 } });
    const state = await waitForState(session, (s) => s.status === 'closed');
    expect(state.error).toMatchObject({ kind: 'timeout' });
    expect(state.error?.message).toMatch(/websocket: no CONNECTED within 50 ms/);
  });
});

describe('close()', () => {
  it('sends DISCONNECT with a receipt and leaves no timer and no listener behind', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const session = open({ heartbeat: [1000, 1000] });
      session.subscribe('/topic/t', () => undefined);
      await waitForStatus(session, 'connected');
      void session.send('/topic/t', 'hello');
      const listener = vi.fn();
      session.subscribe(listener);
      await session.close();
      expect(session.getSnapshot()).toMatchObject({ status: 'closed', error: null, nextRetryAt: null });
      expect(broker.stats().commands.DISCONNECT).toBe(1);
      expect(broker.stats().sockets.open).toBe(0);
      expect(vi.getTimerCount()).toBe(0);
      await session.close(); // idempotent
    } finally {
      vi.useRealTimers();
    }
  });

  it('while reconnecting cancels the retry timer', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const session = open({ reconnect: { baseDelay: 60_000 } });
      await waitForStatus(session, 'connected');
      broker.stop();
      await waitForState(session, (s) => s.status === 'reconnecting' && s.nextRetryAt !== null);
      await session.close();
      expect(vi.getTimerCount()).toBe(0);
      expect(session.getSnapshot().status).toBe('closed');
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('outbox through the session', () => {
  it('queues sends while offline, flushes them in order after CONNECTED, counts pending', async () => {
    const session = open({ autoConnect: false });
    const receipts = [1, 2, 3].map((n) => session.send('/queue/q', { n }));
    expect(session.getSnapshot().pending).toBe(3);
    expect(session.getOutbox().map((e) => e.status)).toEqual(['queued', 'queued', 'queued']);
    const got: unknown[] = [];
    session.subscribe('/queue/q', (m) => got.push(m.json));
    session.connect();
    await Promise.all(receipts);
    expect(session.getOutbox().map((e) => e.status)).toEqual(['confirmed', 'confirmed', 'confirmed']);
    expect(session.getSnapshot().pending).toBe(0);
    await vi.waitFor(() => expect(got).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]));
  });

  it('keeps queued sends across a "reload" on the same storage', async () => {
    const { memoryStorage } = await import('../../src/core/storage.js');
    const storage = memoryStorage();
    const first = open({ autoConnect: false, storage });
    void first.send('/queue/kept', 'survives');
    await first.close();
    const second = open({ storage });
    expect(second.getOutbox().map((e) => e.body)).toEqual(['survives']);
    const got: string[] = [];
    second.subscribe('/queue/kept', (m) => got.push(m.body));
    await vi.waitFor(() => expect(got).toEqual(['survives']));
    await vi.waitFor(() => expect(second.getSnapshot().pending).toBe(0));
  });
});
