import { FAIR_SHARE_BYTES, FAIR_SLICE_BYTES, fairShare, isTextFrame } from '../../../src/broker/node/sinks.js';

const turn = () => new Promise((r) => setImmediate(r));

describe('fair share of the event loop', () => {
  function socket(work: () => void = () => undefined) {
    const calls: string[] = [];
    const handled: number[] = [];
    const share = fairShare(
      () => calls.push('pause'),
      () => calls.push('resume'),
      (d) => {
        handled.push(d.length);
        work();
      },
    );
    return { calls, share, handled, receive: (n: number) => share.receive(new Uint8Array(n).fill(n % 251)) };
  }

  test('below the share, data is handed on at once and nothing pauses', async () => {
    const s = socket();
    s.receive(1000);
    await turn();
    s.receive(FAIR_SHARE_BYTES - 1);
    expect(s.calls).toEqual([]);
    expect(s.handled.reduce((a, b) => a + b, 0)).toBe(1000 + FAIR_SHARE_BYTES - 1);
  });

  test('a large chunk is handed on in slices; past the share the rest waits for the next turn, in order, with the socket paused', async () => {
    const chunks: Uint8Array[] = [];
    const share = fairShare(
      () => chunks.push(new Uint8Array([0])),
      () => undefined,
      (d) => chunks.push(d),
    );
    const data = new Uint8Array(5 * FAIR_SHARE_BYTES).map((_, i) => i % 256);
    share.receive(data);
    const first = chunks.filter((c) => c.length > 1);
    expect(first.every((c) => c.length <= FAIR_SLICE_BYTES)).toBe(true);
    expect(first.reduce((a, c) => a + c.length, 0)).toBe(FAIR_SHARE_BYTES);
    for (let i = 0; i < 6; i++) await turn();
    const all = chunks.filter((c) => c.length > 1);
    const joined = new Uint8Array(all.reduce((a, c) => a + c.length, 0));
    let at = 0;
    for (const c of all) {
      joined.set(c, at);
      at += c.length;
    }
    expect(Buffer.from(joined).equals(Buffer.from(data))).toBe(true);
  });

  test('a peer that costs the engine its time share waits too, however few bytes', async () => {
    const s = socket(() => {
      const until = performance.now() + 5;
      while (performance.now() < until);
    });
    s.receive(10);
    s.receive(10);
    expect(s.calls).toEqual(['pause']);
    expect(s.handled).toEqual([10]);
    await turn();
    expect(s.handled).toEqual([10, 10]);
    await turn();
    expect(s.calls).toEqual(['pause', 'resume']);
  });

  test('flow control holding the socket outlasts the end of the turn; the socket reads again only when both let go', async () => {
    const s = socket();
    s.receive(FAIR_SHARE_BYTES);
    s.share.hold();
    await turn();
    expect(s.calls).toEqual(['pause', 'pause']);
    s.share.release();
    expect(s.calls).toEqual(['pause', 'pause', 'resume']);
  });

  test('after close, nothing more is handed on', async () => {
    const s = socket();
    s.receive(3 * FAIR_SHARE_BYTES);
    const before = s.handled.length;
    s.share.close();
    for (let i = 0; i < 4; i++) await turn();
    expect(s.handled.length).toBe(before);
  });
});

describe('isTextFrame', () => {
  test('UTF-8 with only the terminating NUL is text; other bytes are binary', () => {
    expect(isTextFrame(new TextEncoder().encode('MESSAGE\n\nhé\0'))).toBe(true);
    expect(isTextFrame(new Uint8Array([77, 0, 65, 0]))).toBe(false);
    expect(isTextFrame(new Uint8Array([0xff, 0]))).toBe(false);
  });
});
