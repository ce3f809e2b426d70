import { FAIR_SHARE_BYTES, fairShare, isTextFrame } from '../../../src/broker/node/sinks.js';

const turn = () => new Promise((r) => setImmediate(r));

describe('fair share of the event loop', () => {
  function socket() {
    const calls: string[] = [];
    const share = fairShare(
      () => calls.push('pause'),
      () => calls.push('resume'),
    );
    const handled: number[] = [];
    const receive = (n: number) => share.receive(new Uint8Array(n), (d) => handled.push(d.length));
    return { calls, share, handled, receive };
  }

  test('a peer that sends a fair share in one turn waits for the next; below it, nothing pauses', async () => {
    const s = socket();
    s.receive(1000);
    await turn();
    s.receive(FAIR_SHARE_BYTES - 1);
    expect(s.calls).toEqual([]);
    s.receive(1);
    expect(s.calls).toEqual(['pause']);
    // Everything received is still handed on: pausing only stops further reads.
    expect(s.handled).toEqual([1000, FAIR_SHARE_BYTES - 1, 1]);
    await turn();
    expect(s.calls).toEqual(['pause', 'resume']);
  });

  test('a peer that costs the engine its time share waits too, however few bytes', async () => {
    const calls: string[] = [];
    const share = fairShare(
      () => calls.push('pause'),
      () => calls.push('resume'),
    );
    share.receive(new Uint8Array(10), () => {
      const until = performance.now() + 5;
      while (performance.now() < until);
    });
    expect(calls).toEqual(['pause']);
    await turn();
    expect(calls).toEqual(['pause', 'resume']);
  });

  test('flow control holding the socket outlasts the end of the turn; the socket reads again only when both let go', async () => {
    const s = socket();
    s.receive(FAIR_SHARE_BYTES);
    s.share.hold();
    await turn();
    expect(s.calls).toEqual(['pause', 'pause']);
    s.share.release();
    expect(s.calls).toEqual(['pause', 'pause', 'resume']);
    // Held first, then a fair share used up: released before the turn ends, it waits for the turn.
    s.share.hold();
    s.receive(FAIR_SHARE_BYTES);
    s.share.release();
    expect(s.calls.slice(3)).toEqual(['pause']);
    await turn();
    expect(s.calls.slice(3)).toEqual(['pause', 'resume']);
  });
});

describe('isTextFrame', () => {
  test('UTF-8 with only the terminating NUL is text; other bytes are binary', () => {
    expect(isTextFrame(new TextEncoder().encode('MESSAGE\n\nhé\0'))).toBe(true);
    expect(isTextFrame(new Uint8Array([77, 0, 65, 0]))).toBe(false);
    expect(isTextFrame(new Uint8Array([0xff, 0]))).toBe(false);
  });
});
