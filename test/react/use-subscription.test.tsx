// @vitest-environment jsdom
import { StrictMode, useEffect, type ReactNode } from 'react';
import { configure, act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { StompProvider } from '../../src/react/provider';
import { useSubscription } from '../../src/react/use-subscription';
import { createTestSession, waitForStatus, type TestSession } from '../../src/testing/session';
import type { IncomingMessage } from '../../src/core/types';

// Generous: the suite may share two cores with many other files.
configure({ asyncUtilTimeout: 5000 });

let t: TestSession;
beforeEach(async () => {
  t = createTestSession();
  await waitForStatus(t.session, 'connected');
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
const commands = () => t.broker.stats().commands;
/** Send and wait for the RECEIPT: everything sent before it has been processed by the broker. */
const publish = (destination: string, body: unknown) => act(async () => void (await t.session.send(destination, body)));
describe('useSubscription', () => {
  it('never resubscribes on re-render with inline callbacks and headers', async () => {
    const seen: string[] = [];
    function Feed({ prefix }: { prefix: string }) {
      useSubscription('/topic/feed', (m) => seen.push(`${prefix}:${m.body}`), { headers: { 'x-tag': 'a' } });
      return <p>{prefix}</p>;
    }
    const { rerender } = render(wrap(<Feed prefix="v1" />));
    await publish('/topic/nothing', 'sync');
    for (const prefix of ['v2', 'v3', 'v4']) rerender(wrap(<Feed prefix={prefix} />));
    await act(() => new Promise((r) => setTimeout(r, 10)));
    await publish('/topic/feed', 'hello');
    // The latest inline callback got the message.
    await waitFor(() => expect(seen).toEqual(['v4:hello']));
    expect(commands().SUBSCRIBE).toBe(1);
    expect(commands().UNSUBSCRIBE ?? 0).toBe(0);
  });

  it('sends one SUBSCRIBE when mounted under StrictMode while connected', async () => {
    function Feed() {
      useSubscription('/topic/strict', () => undefined);
      return null;
    }
    render(wrap(<Feed />));
    await act(() => new Promise((r) => setTimeout(r, 20)));
    await publish('/topic/nothing', 'sync');
    expect(commands().SUBSCRIBE).toBe(1);
    expect(commands().UNSUBSCRIBE ?? 0).toBe(0);
  });

  it('resubscribes when the destination changes and stops hearing the old one', async () => {
    const seen: string[] = [];
    function Room({ id }: { id: string }) {
      useSubscription(`/topic/room.${id}`, (m) => seen.push(`${id}:${m.body}`));
      return null;
    }
    const { rerender } = render(wrap(<Room id="a" />));
    await publish('/topic/nothing', 'sync');
    rerender(wrap(<Room id="b" />));
    await act(() => new Promise((r) => setTimeout(r, 0)));
    await publish('/topic/room.a', 'old');
    await publish('/topic/room.b', 'new');
    await waitFor(() => expect(seen).toEqual(['b:new']));
    expect(commands().SUBSCRIBE).toBe(2);
    expect(commands().UNSUBSCRIBE).toBe(1);
  });

  it('resubscribes when a header value changes', async () => {
    function Feed({ tag }: { tag: string }) {
      useSubscription('/topic/h', () => undefined, { headers: { 'x-tag': tag } });
      return null;
    }
    const { rerender } = render(wrap(<Feed tag="a" />));
    rerender(wrap(<Feed tag="a" />));
    await publish('/topic/nothing', 'sync');
    expect(commands().SUBSCRIBE).toBe(1);
    rerender(wrap(<Feed tag="b" />));
    await publish('/topic/nothing', 'sync');
    expect(commands().SUBSCRIBE).toBe(2);
  });

  it('subscribes only while enabled (and not for a null destination)', async () => {
    const seen: string[] = [];
    function Feed({ enabled, destination }: { enabled: boolean; destination: string | null }) {
      useSubscription(destination, (m) => seen.push(m.body), { enabled });
      useSubscription('/topic/marker', (m) => seen.push(m.body));
      return null;
    }
    const { rerender } = render(wrap(<Feed enabled={false} destination="/topic/e" />));
    rerender(wrap(<Feed enabled destination={null} />));
    await publish('/topic/nothing', 'sync');
    await publish('/topic/e', 'unheard');
    await publish('/topic/marker', 'm1');
    await waitFor(() => expect(seen).toEqual(['m1']));
    expect(commands().SUBSCRIBE).toBe(1); // the marker only
    rerender(wrap(<Feed enabled destination="/topic/e" />));
    await publish('/topic/nothing', 'sync');
    await publish('/topic/e', 'heard');
    await waitFor(() => expect(seen).toEqual(['m1', 'heard']));
    rerender(wrap(<Feed enabled={false} destination="/topic/e" />));
    await act(() => new Promise((r) => setTimeout(r, 10)));
    await publish('/topic/e', 'after');
    await publish('/topic/marker', 'm2');
    await waitFor(() => expect(seen).toEqual(['m1', 'heard', 'm2']));
    expect(commands().SUBSCRIBE).toBe(2);
    expect(commands().UNSUBSCRIBE).toBe(1);
  });

  it('select: returns the latest selected value and re-renders only when it changes', async () => {
    let commits = 0;
    let quietCommits = 0;
    function Price() {
      const price = useSubscription('/topic/quote', { select: (m: IncomingMessage) => (m.json as { price: number }).price });
      useEffect(() => {
        commits++;
      });
      return <p data-testid="price">{price ?? 'none'}</p>;
    }
    function Quiet() {
      useSubscription('/topic/quote', () => undefined);
      useEffect(() => {
        quietCommits++;
      });
      return null;
    }
    render(wrap(<><Price /><Quiet /></>));
    expect(screen.getByTestId('price')).toHaveTextContent('none');
    await publish('/topic/nothing', 'sync');
    await publish('/topic/quote', { price: 10, at: 1 });
    await waitFor(() => expect(screen.getByTestId('price')).toHaveTextContent('10'));
    const before = commits;
    const quietBefore = quietCommits;
    // Unrelated frames (same price) re-render nothing; the next change proves they were all handled.
    for (let at = 2; at < 7; at++) await publish('/topic/quote', { price: 10, at });
    await publish('/topic/quote', { price: 11, at: 7 });
    await waitFor(() => expect(screen.getByTestId('price')).toHaveTextContent('11'));
    expect(commits).toBe(before + 1);
    expect(quietCommits).toBe(quietBefore);
  });

  it('a handler that throws does not stop other subscribers', async () => {
    const seen: string[] = [];
    function Bad() {
      useSubscription('/topic/shared', () => {
        throw new Error('boom');
      });
      return null;
    }
    function Good() {
      useSubscription('/topic/shared', (m) => seen.push(m.body));
      return null;
    }
    render(wrap(<><Bad /><Good /></>));
    await publish('/topic/nothing', 'sync');
    await publish('/topic/shared', 'still here');
    await waitFor(() => expect(seen).toEqual(['still here']));
    expect(commands().SUBSCRIBE).toBe(1); // equal destination + headers share one SUBSCRIBE
  });
});
