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
});
