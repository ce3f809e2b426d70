import { MemorySocket, Pipe, CONNECTING, OPEN, CLOSED } from '../../src/testing/memory-socket';
import type { EngineClock } from '../../src/broker/engine/types';

/** A clock the test moves by hand. */
function manualClock() {
  let now = 0;
  const timers: { at: number; fn: () => void; id: number }[] = [];
  let nextId = 1;
  const clock: EngineClock & { advance(ms: number): void } = {
    now: () => now,
    setTimeout(fn, ms) {
      const id = nextId++;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimeout(handle) {
      const i = timers.findIndex((t) => t.id === handle);
      if (i >= 0) timers.splice(i, 1);
    },
    setInterval: () => 0,
    clearInterval: () => undefined,
    advance(ms) {
      now += ms;
      for (const timer of timers.filter((t) => t.at <= now).sort((a, b) => a.at - b.at)) {
        timers.splice(timers.indexOf(timer), 1);
        timer.fn();
      }
    },
  };
  return clock;
}

const flush = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('Pipe', () => {
  it('delivers asynchronously, in order, never inside push', async () => {
    const got: number[] = [];
    const pipe = new Pipe<number>(manualClock(), () => 0, (n) => got.push(n));
    pipe.push(1);
    pipe.push(2);
    expect(got).toEqual([]);
    await flush();
    expect(got).toEqual([1, 2]);
  });

  it('keeps order when the latency is lowered in between', async () => {
    const clock = manualClock();
    let latency = 100;
    const got: string[] = [];
    const pipe = new Pipe<string>(clock, () => latency, (s) => got.push(s));
    pipe.push('slow', 4);
    latency = 0;
    pipe.push('fast', 4);
    await flush();
    expect(got).toEqual([]);
    expect(pipe.pendingBytes()).toBe(8);
    clock.advance(99);
    await flush();
    expect(got).toEqual([]);
    clock.advance(1);
    await flush();
    expect(got).toEqual(['slow', 'fast']);
    expect(pipe.pendingBytes()).toBe(0);
  });

  it('delivers nothing after dispose', async () => {
    const got: number[] = [];
    const pipe = new Pipe<number>(manualClock(), () => 0, (n) => got.push(n));
    pipe.push(1);
    pipe.dispose();
    pipe.push(2);
    await flush();
    expect(got).toEqual([]);
  });
});

describe('MemorySocket', () => {
  function open() {
    const sent: (string | Uint8Array)[] = [];
    const closes: { code: number; reason: string }[] = [];
    const clock = manualClock();
    const socket = new MemorySocket('memory://x', clock, () => 0);
    socket.accept({ send: (c) => sent.push(c), close: (code, reason) => closes.push({ code, reason }) });
    return { socket, sent, closes, clock };
  }

  it('refuses send before it is open, with a clear error', () => {
    const socket = new MemorySocket('memory://x', manualClock(), () => 0);
    expect(socket.readyState).toBe(CONNECTING);
    expect(() => socket.send('x')).toThrow(/not open/);
  });

  it('opens, carries text and bytes both ways, and copies sent bytes', async () => {
    const { socket, sent } = open();
    expect(socket.readyState).toBe(OPEN);
    const bytes = new Uint8Array([1, 2, 3]);
    socket.send('hello');
    socket.send(bytes);
    bytes[0] = 9; // the caller reuses its buffer
    await flush();
    expect(sent[0]).toBe('hello');
    expect(Array.from(sent[1] as Uint8Array)).toEqual([1, 2, 3]);

    const received: (string | ArrayBuffer)[] = [];
    socket.onmessage = (e) => received.push(e.data);
    socket.push(new Uint8Array([7, 8]));
    expect(received).toEqual([]);
    await flush();
    expect(Array.from(new Uint8Array(received[0] as ArrayBuffer))).toEqual([7, 8]);
  });

  it('a broker close delivers what was written, then closes cleanly', async () => {
    const { socket } = open();
    const events: string[] = [];
    socket.onmessage = () => events.push('message');
    socket.onclose = (e) => events.push(`close ${e.code} ${e.wasClean}`);
    socket.push(new Uint8Array([1]));
    socket.closeFromBroker();
    await flush();
    expect(events).toEqual(['message', 'close 1000 true']);
    expect(socket.readyState).toBe(CLOSED);
  });

  it('a drop loses what is in flight and reports an unclean close', async () => {
    const { socket, clock } = open();
    const events: string[] = [];
    socket.onmessage = () => events.push('message');
    socket.onerror = () => events.push('error');
    socket.onclose = (e) => events.push(`close ${e.code} ${e.wasClean}`);
    socket.push(new Uint8Array([1]));
    socket.drop('gone');
    await flush();
    expect(events).toEqual([]); // reported in a later task, like a real socket
    clock.advance(0);
    expect(events).toEqual(['error', 'close 1006 false']);
  });

  it('a client close tells the broker and closes asynchronously, once', async () => {
    const { socket, closes } = open();
    let closed = 0;
    socket.onclose = () => closed++;
    socket.close(4000, 'bye');
    socket.close();
    expect(closes).toEqual([{ code: 4000, reason: 'bye' }]);
    expect(closed).toBe(0);
    await flush();
    expect(closed).toBe(1);
    expect(() => socket.send('x')).toThrow(/not open/);
  });

  it('closing while connecting makes a late accept close the broker side at once', () => {
    const socket = new MemorySocket('memory://x', manualClock(), () => 0);
    socket.close();
    const closes: number[] = [];
    socket.accept({ send: () => undefined, close: (code) => closes.push(code) });
    expect(closes).toEqual([1000]);
  });

  it('a refused connection errors and closes with 1006', () => {
    const socket = new MemorySocket('memory://x', manualClock(), () => 0);
    const events: string[] = [];
    socket.onerror = () => events.push('error');
    socket.onclose = (e) => events.push(`close ${e.code}`);
    socket.refuse('stopped');
    expect(events).toEqual(['error', 'close 1006']);
    expect(socket.readyState).toBe(CLOSED);
  });
});
