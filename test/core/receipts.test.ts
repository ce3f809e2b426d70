import { createReceipts } from '../../src/core/receipts.js';

describe('Receipts', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const waiter = () => ({ onReceipt: vi.fn(), onFailure: vi.fn() });

  it('resolves the matching waiter once and clears its timer', () => {
    const receipts = createReceipts();
    const w = waiter();
    receipts.expect('r-1', 1000, w);
    expect(vi.getTimerCount()).toBe(1);
    expect(receipts.receipt('r-1')).toBe(true);
    expect(receipts.receipt('r-1')).toBe(false);
    expect(w.onReceipt).toHaveBeenCalledOnce();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('times out a receipt that never comes', () => {
    const receipts = createReceipts();
    const w = waiter();
    receipts.expect('r-1', 1000, w);
    vi.advanceTimersByTime(1000);
    expect(w.onFailure).toHaveBeenCalledWith('timeout', 'no RECEIPT within 1000 ms');
    expect(receipts.receipt('r-1')).toBe(false);
    expect(w.onReceipt).not.toHaveBeenCalled();
  });

  it('a receipt the broker lost times out although later frames keep being answered (overtaken)', () => {
    const timeouts: string[] = [];
    const receipts = createReceipts((id) => timeouts.push(id));
    const lost = waiter();
    receipts.expect('lost', 1000, lost);
    // Later frames are answered every 400 ms: the link is alive, but not for the first one.
    for (let i = 0; i < 6; i++) {
      receipts.expect(`later-${i}`, 1000, waiter());
      vi.advanceTimersByTime(400);
      receipts.receipt(`later-${i}`);
    }
    expect(lost.onFailure).toHaveBeenCalledWith('timeout', 'no RECEIPT within 1000 ms');
    expect(timeouts).toEqual(['lost']);
  });

  it('answered in order, a long backlog never times out while answers keep coming', () => {
    const receipts = createReceipts();
    const waiters = Array.from({ length: 10 }, (_, i) => {
      const w = waiter();
      receipts.expect(`r-${i}`, 1000, w);
      return w;
    });
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(900);
      receipts.receipt(`r-${i}`);
    }
    for (const w of waiters) expect(w.onFailure).not.toHaveBeenCalled();
  });

  it('reports an ERROR naming the receipt', () => {
    const receipts = createReceipts();
    const w = waiter();
    receipts.expect('r-1', 0, w);
    expect(vi.getTimerCount()).toBe(0);
    expect(receipts.error('r-1', 'access refused')).toBe(true);
    expect(w.onFailure).toHaveBeenCalledWith('error', 'access refused');
  });

  it('loseAll tells every waiter and leaves no timer; clear tells nobody', () => {
    const receipts = createReceipts();
    const a = waiter();
    const b = waiter();
    receipts.expect('a', 1000, a);
    receipts.expect('b', 1000, b);
    receipts.loseAll('connection lost');
    expect(a.onFailure).toHaveBeenCalledWith('lost', 'connection lost');
    expect(b.onFailure).toHaveBeenCalledWith('lost', 'connection lost');
    expect(vi.getTimerCount()).toBe(0);
    const c = waiter();
    receipts.expect('c', 1000, c);
    receipts.clear();
    expect(receipts.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    expect(c.onFailure).not.toHaveBeenCalled();
  });

  it('refuses to wait twice for the same id', () => {
    const receipts = createReceipts();
    receipts.expect('x', 0, waiter());
    expect(() => receipts.expect('x', 0, waiter())).toThrow(/already awaited/);
  });

  it('watches any number of waits with one timer, and reports each timeout to onTimeout', () => {
    const timedOut: string[] = [];
    const receipts = createReceipts((id) => timedOut.push(id));
    const waiters = Array.from({ length: 1000 }, (_, i) => {
      const w = waiter();
      receipts.expect(`r-${i}`, 1000, w);
      return w;
    });
    expect(vi.getTimerCount()).toBe(1);
    receipts.receipt('r-0');
    vi.advanceTimersByTime(500);
    receipts.expect('late', 1000, waiter());
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(500);
    expect(timedOut).toHaveLength(999);
    expect(waiters[1]!.onFailure).toHaveBeenCalledWith('timeout', 'no RECEIPT within 1000 ms');
    expect(waiters[0]!.onFailure).not.toHaveBeenCalled();
    vi.advanceTimersByTime(499);
    expect(timedOut).toHaveLength(999);
    vi.advanceTimersByTime(1);
    expect(timedOut.at(-1)).toBe('late');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a wait without a timeout does not hide the deadline of a later one', () => {
    const receipts = createReceipts();
    receipts.expect('forever', 0, waiter());
    const w = waiter();
    receipts.expect('soon', 100, w);
    vi.advanceTimersByTime(100);
    expect(w.onFailure).toHaveBeenCalledWith('timeout', 'no RECEIPT within 100 ms');
    expect(receipts.size).toBe(1);
  });

  it('a link that keeps answering is busy, not suspect: waits time out only after a silence of the timeout', () => {
    const timedOut: string[] = [];
    const receipts = createReceipts((id) => timedOut.push(id));
    for (let i = 0; i < 5; i++) receipts.expect(`big-${i}`, 1000, waiter());
    // One large frame confirmed every 800 ms: slower than the timeout in all, never silent for it.
    for (let i = 0; i < 4; i++) {
      vi.advanceTimersByTime(800);
      receipts.receipt(`big-${i}`);
    }
    expect(timedOut).toEqual([]);
    vi.advanceTimersByTime(1000);
    expect(timedOut).toEqual(['big-4']);
  });

  it('forget stops a wait without telling its waiter, and leaves no timer', () => {
    const receipts = createReceipts();
    const w = waiter();
    receipts.expect('gone', 1000, w);
    receipts.forget('gone');
    vi.advanceTimersByTime(2000);
    expect(w.onFailure).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });
});
