// @vitest-environment jsdom
import { act, renderHook } from '@testing-library/react';
import { useMarkRead } from '../../../src/chat/components/use-mark-read';

describe('useMarkRead', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('marks read once per interval while in view, however many messages arrive', () => {
    const markRead = vi.fn();
    const { rerender } = renderHook(({ inView, lastId }) => useMarkRead(markRead, inView, lastId, 1000), {
      initialProps: { inView: true, lastId: 'a' as string | undefined },
    });
    for (const id of ['b', 'c', 'd']) rerender({ inView: true, lastId: id });
    expect(markRead).not.toHaveBeenCalled();
    act(() => vi.advanceTimersByTime(1000));
    expect(markRead).toHaveBeenCalledTimes(1);
    rerender({ inView: true, lastId: 'e' });
    act(() => vi.advanceTimersByTime(1000));
    expect(markRead).toHaveBeenCalledTimes(2);
  });

  it('does not mark read while scrolled up, with no messages, or after unmount', () => {
    const markRead = vi.fn();
    const { rerender, unmount } = renderHook(({ inView, lastId }) => useMarkRead(markRead, inView, lastId, 1000), {
      initialProps: { inView: false, lastId: 'a' as string | undefined },
    });
    rerender({ inView: true, lastId: undefined });
    act(() => vi.advanceTimersByTime(5000));
    expect(markRead).not.toHaveBeenCalled();
    rerender({ inView: true, lastId: 'b' });
    unmount();
    act(() => vi.advanceTimersByTime(5000));
    expect(markRead).not.toHaveBeenCalled();
  });
});
