// @vitest-environment jsdom
import { StrictMode, type ReactNode } from 'react';
import { act, cleanup, render } from '@testing-library/react';
import { StompProvider } from '../../src/react/provider';
import { useTransaction, type TransactionRunner } from '../../src/react/use-transaction';
import { createTestSession, recordMessages, waitForStatus, type TestSession } from '../../src/testing/session';
import { TransactionError } from '../../src/core/transaction-error';

let t: TestSession;
let run: TransactionRunner | undefined;
const runs = new Set<TransactionRunner>();
function Tx() {
  run = useTransaction();
  runs.add(run);
  return null;
}
const wrap = (children: ReactNode) => (
  <StrictMode>
    <StompProvider session={t.session}>{children}</StompProvider>
  </StrictMode>
);

beforeEach(async () => {
  t = createTestSession();
  runs.clear();
  await waitForStatus(t.session, 'connected');
});
afterEach(async () => {
  cleanup();
  await t.dispose();
});

describe('useTransaction', () => {
  it('commits everything sent in the transaction and returns what the work returned', async () => {
    const { rerender } = render(wrap(<Tx />));
    rerender(wrap(<Tx />));
    expect(runs.size).toBe(1);
    const inbox = recordMessages(t.session, '/queue/tx');
    const result = await act(() =>
      run!(async (tx) => {
        tx.send('/queue/tx', 'one');
        tx.send('/queue/tx', 'two');
        return 42;
      }),
    );
    expect(result).toBe(42);
    expect((await inbox.waitFor(2)).map((m) => m.body)).toEqual(['one', 'two']);
    const { commands } = t.broker.stats();
    expect(commands.BEGIN).toBe(1);
    expect(commands.COMMIT).toBe(1);
    expect(commands.ABORT ?? 0).toBe(0);
  });

  it('aborts when the work throws, rethrows the same error, and nothing arrives', async () => {
    render(wrap(<Tx />));
    const inbox = recordMessages(t.session, '/queue/tx');
    const failure = new Error('card declined');
    await expect(
      act(() =>
        run!(async (tx) => {
          tx.send('/queue/tx', 'half');
          throw failure;
        }),
      ),
    ).rejects.toBe(failure);
    await act(async () => void (await t.session.send('/queue/tx', 'after')));
    expect((await inbox.waitFor(1)).map((m) => m.body)).toEqual(['after']);
    const { commands } = t.broker.stats();
    expect(commands.ABORT).toBe(1);
    expect(commands.COMMIT ?? 0).toBe(0);
  });

  it('rejects when the connection drops inside the transaction, and nothing of it arrives', async () => {
    render(wrap(<Tx />));
    const inbox = recordMessages(t.session, '/queue/tx');
    const outcome = act(() =>
      run!(async (tx) => {
        tx.send('/queue/tx', 'lost');
        t.broker.stop();
        await waitForStatus(t.session, 'reconnecting');
        tx.send('/queue/tx', 'also lost');
      }),
    );
    await expect(outcome).rejects.toBeInstanceOf(TransactionError);
    t.broker.start();
    await act(() => waitForStatus(t.session, 'connected').then(() => undefined));
    await act(async () => void (await t.session.send('/queue/tx', 'after')));
    expect((await inbox.waitFor(1)).map((m) => m.body)).toEqual(['after']);
  });

  it('rejects clearly when there is no connection to begin on', async () => {
    render(wrap(<Tx />));
    t.broker.stop();
    await waitForStatus(t.session, 'reconnecting');
    let ran = false;
    await expect(
      run!(() => {
        ran = true;
      }),
    ).rejects.toThrow(/not connected/);
    expect(ran).toBe(false);
  });
});
