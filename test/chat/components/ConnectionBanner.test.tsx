// @vitest-environment jsdom
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ConnectionBanner, ConnectionBannerView } from '../../../src/chat/components/ConnectionBanner';
import type { SessionState } from '../../../src/core/types';
import { StompProvider } from '../../../src/react/index';
import { createTestSession, waitForStatus } from '../../../src/testing/index';
import { newEventId, roomEventFrame } from '../../../src/chat/protocol';
import { axeViolations } from './axe';

const base: SessionState = {
  status: 'connected',
  transport: 'websocket',
  attempt: 0,
  nextRetryAt: null,
  error: null,
  serverInfo: null,
  pending: 0,
};
const banner = () => screen.getByRole('status');

describe('ConnectionBannerView', () => {
  afterEach(() => vi.useRealTimers());

  it('is an empty status region while connected over WebSocket', () => {
    render(<ConnectionBannerView state={base} onRetryNow={() => {}} />);
    expect(banner()).toHaveAttribute('data-state', 'hidden');
    expect(banner()).toBeEmptyDOMElement();
  });

  it('with the kit stylesheet, the hidden banner stays in the accessibility tree (a live region must be, to announce its first change)', () => {
    const style = document.createElement('style');
    // The kit stylesheet as it ships: its parts in the order styles.css imports them.
    const entry = readFileSync(join(process.cwd(), 'src/chat/styles.css'), 'utf8');
    const parts = [...entry.matchAll(/^@import '\.\/(styles\/[\w-]+\.css)';$/gm)].map((m) => m[1]);
    expect(parts.length).toBeGreaterThan(1);
    style.textContent = parts.map((part) => readFileSync(join(process.cwd(), 'src/chat', part), 'utf8')).join('\n');
    document.head.append(style);
    try {
      const { rerender } = render(<ConnectionBannerView state={base} />);
      // getByRole skips elements hidden from assistive technology (display:none included).
      expect(banner()).toHaveAttribute('data-state', 'hidden');
      expect(getComputedStyle(banner()).display).not.toBe('none');
      rerender(<ConnectionBannerView state={{ ...base, status: 'reconnecting' }} />);
      expect(banner()).toHaveTextContent('Reconnecting');
    } finally {
      style.remove();
    }
  });

  it('connecting: says so, with the attempt number after the first, and no retry button', () => {
    const { rerender } = render(<ConnectionBannerView state={{ ...base, status: 'connecting', transport: null }} onRetryNow={() => {}} />);
    expect(banner()).toHaveAttribute('data-state', 'connecting');
    expect(banner()).toHaveTextContent('Connecting…');
    expect(screen.queryByRole('button')).toBeNull();
    rerender(<ConnectionBannerView state={{ ...base, status: 'connecting', attempt: 3 }} />);
    expect(banner()).toHaveTextContent('Connecting… (attempt 3)');
  });

  it('reconnecting: counts down live to nextRetryAt, shows queued messages and Retry now', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const onRetryNow = vi.fn();
    const state: SessionState = { ...base, status: 'reconnecting', attempt: 2, nextRetryAt: 1_000_000 + 5_000, pending: 2 };
    render(<ConnectionBannerView state={state} onRetryNow={onRetryNow} />);
    expect(banner()).toHaveAttribute('data-state', 'reconnecting');
    expect(banner()).toHaveTextContent('Connection lost. Reconnecting in 5 s…');
    expect(banner()).toHaveTextContent('2 messages waiting to send');
    await act(() => vi.advanceTimersByTimeAsync(2_000));
    expect(banner()).toHaveTextContent('Reconnecting in 3 s…');
    await act(() => vi.advanceTimersByTimeAsync(3_000));
    expect(banner()).toHaveTextContent('Reconnecting…');
    screen.getByRole('button', { name: 'Retry now' }).click();
    expect(onRetryNow).toHaveBeenCalledOnce();
  });

  it('offline: says messages will be sent on reconnect, with the queued count', () => {
    render(<ConnectionBannerView state={{ ...base, status: 'reconnecting', pending: 1 }} online={false} />);
    expect(banner()).toHaveAttribute('data-state', 'offline');
    expect(banner()).toHaveTextContent('Offline — messages will be sent when you reconnect');
    expect(banner()).toHaveTextContent('1 message waiting to send');
  });

  it('auth error: explains and offers no retry (it would fail the same way)', () => {
    const state: SessionState = { ...base, status: 'closed', error: { kind: 'auth', message: 'Bad credentials' } };
    render(<ConnectionBannerView state={state} onRetryNow={() => {}} />);
    expect(banner()).toHaveAttribute('data-state', 'auth-error');
    expect(banner()).toHaveTextContent('Sign-in failed: Bad credentials');
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('closed: says disconnected and why', () => {
    const state: SessionState = { ...base, status: 'closed', error: { kind: 'network', message: 'socket closed' } };
    render(<ConnectionBannerView state={state} onRetryNow={() => {}} />);
    expect(banner()).toHaveAttribute('data-state', 'closed');
    expect(banner()).toHaveTextContent('Disconnected: socket closed');
    expect(screen.getByRole('button', { name: 'Retry now' })).toBeInTheDocument();
  });

  it('names the SockJS fallback transport, also while connected', () => {
    const { rerender } = render(<ConnectionBannerView state={{ ...base, transport: 'xhr-polling' }} />);
    expect(banner()).toHaveAttribute('data-state', 'fallback');
    expect(banner()).toHaveTextContent('Connected');
    expect(banner()).toHaveTextContent('via SockJS fallback (xhr-polling)');
    rerender(<ConnectionBannerView state={{ ...base, status: 'reconnecting', transport: 'xhr-streaming' }} />);
    expect(banner()).toHaveTextContent('via SockJS fallback (xhr-streaming)');
  });
});

describe('ConnectionBanner on a memory broker', () => {
  it('shows the outage and "Retry now" reconnects once the broker is back', async () => {
    const user = userEvent.setup();
    // A long backoff, so only "Retry now" can bring the session back within the test.
    const { session, broker, dispose } = createTestSession({ reconnect: { baseDelay: 60_000, maxDelay: 60_000 } });
    try {
      render(
        <StompProvider session={session}>
          <ConnectionBanner />
        </StompProvider>,
      );
      await act(() => waitForStatus(session, 'connected'));
      expect(banner()).toHaveAttribute('data-state', 'hidden');

      await act(async () => {
        broker.stop();
        await waitForStatus(session, 'reconnecting');
      });
      expect(banner()).toHaveAttribute('data-state', 'reconnecting');
      expect(banner()).toHaveTextContent(/Reconnecting in \d+ s…/);

      broker.start();
      await user.click(screen.getByRole('button', { name: 'Retry now' }));
      await act(() => waitForStatus(session, 'connected'));
      expect(banner()).toHaveAttribute('data-state', 'hidden');
    } finally {
      await act(() => dispose());
    }
  });

  it('counts queued chat messages only, not queued read markers or reactions', async () => {
    const { session, broker, dispose } = createTestSession({ reconnect: { baseDelay: 60_000, maxDelay: 60_000 } });
    try {
      render(
        <StompProvider session={session}>
          <ConnectionBanner />
        </StompProvider>,
      );
      await act(() => waitForStatus(session, 'connected'));
      await act(async () => {
        broker.stop();
        await waitForStatus(session, 'reconnecting');
      });
      const messageId = newEventId();
      const frames = [
        roomEventFrame({ id: messageId, type: 'message.created', roomId: 'general', ts: 1, text: 'hi' }, 'alice'),
        roomEventFrame({ id: newEventId(), type: 'read', roomId: 'general', ts: 2, messageId, offset: 0 }, 'alice'),
        roomEventFrame({ id: newEventId(), type: 'reaction.added', roomId: 'general', ts: 3, messageId, emoji: '👍' }, 'alice'),
      ];
      act(() => {
        for (const f of frames) session.send(f.destination, f.body, f.headers).catch(() => undefined);
      });
      expect(session.getSnapshot().pending).toBe(3);
      expect(banner()).toHaveTextContent('1 message waiting to send');
    } finally {
      await act(() => dispose());
    }
  });

  it('has no axe violations while reconnecting', async () => {
    const { container } = render(<ConnectionBannerView state={{ ...base, status: 'reconnecting', pending: 1, transport: 'xhr-polling' }} onRetryNow={() => {}} />);
    expect(await axeViolations(container)).toEqual([]);
  });
});
