// @vitest-environment jsdom
import { StrictMode, type ReactNode } from 'react';
import { configure, act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { StompProvider } from '../../src/react/provider';
import { useSend, type SendFunction } from '../../src/react/use-send';
import { useConnectionState } from '../../src/react/use-connection';
import { createTestSession, recordMessages, waitForStatus, type TestSession } from '../../src/testing/session';
import type { Receipt } from '../../src/core/types';

// Generous: the suite may share two cores with many other files.
configure({ asyncUtilTimeout: 5000 });

let t: TestSession;
beforeEach(() => {
  t = createTestSession();
});
afterEach(async () => {
  cleanup();
  await t.dispose();
});

const wrap = (children: ReactNode) => (
  <StrictMode>
    <StompProvider session={t.session}>{children}</StompProvider>
  </StrictMode>
);

describe('useSend', () => {
  it('keeps one identity across renders and connection changes', async () => {
    const seen = new Set<SendFunction>();
    function Sender() {
      const send = useSend();
      const state = useConnectionState(); // re-renders on every state change
      seen.add(send);
      return <p data-testid="status">{state.status}</p>;
    }
    const { rerender } = render(wrap(<Sender />));
    await waitFor(() => expect(screen.getByTestId('status')).toHaveTextContent(/^connected$/));
    rerender(wrap(<Sender />));
    act(() => t.broker.stop());
    await waitFor(() => expect(screen.getByTestId('status')).toHaveTextContent('reconnecting'));
    act(() => t.broker.start());
    await waitFor(() => expect(screen.getByTestId('status')).toHaveTextContent(/^connected$/));
    expect(seen.size).toBe(1);
  });

  it('returns the receipt promise, and queues while offline', async () => {
    let send: SendFunction | undefined;
    function Sender() {
      send = useSend();
      return null;
    }
    render(wrap(<Sender />));
    await waitForStatus(t.session, 'connected');
    const inbox = recordMessages(t.session, '/queue/orders');
    const receipt: Receipt = await act(() => send!('/queue/orders', { id: 1 }));
    expect(receipt.destination).toBe('/queue/orders');
    expect(receipt.receiptId).toBeTruthy();

    act(() => t.broker.stop());
    await waitForStatus(t.session, 'reconnecting');
    const offline = send!('/queue/orders', { id: 2 });
    expect(t.session.getOutbox().map((e) => e.status)).toContain('queued');
    act(() => t.broker.start());
    await act(() => offline);
    const messages = await inbox.waitFor(2);
    expect(messages.map((m) => m.json)).toEqual([{ id: 1 }, { id: 2 }]);
  });
});
