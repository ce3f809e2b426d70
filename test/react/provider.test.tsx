// @vitest-environment jsdom
import { StrictMode, useState, type ReactNode } from 'react';
import { configure, act, cleanup, render, screen, waitFor } from '@testing-library/react';
import WebSocket from 'ws';
import { StompProvider } from '../../src/react/provider';
import { useConnectionState, useStompSession } from '../../src/react/use-connection';
import { createMemoryBroker, type MemoryBroker } from '../../src/testing/memory-broker';
import { createTestSession, waitForStatus } from '../../src/testing/session';
import type { WebSocketLike } from '../../src/core/types';
import { startTestBroker, isRabbit } from '../support/broker';

// Generous: the suite may share two cores with many other files.
configure({ asyncUtilTimeout: 5000 });

function Status({ label = 'status' }: { label?: string }) {
  const status = useConnectionState((s) => s.status);
  return <p data-testid={label}>{status}</p>;
}

function inMemory(broker: MemoryBroker, children: ReactNode) {
  return (
    <StrictMode>
      <StompProvider url="memory://stompkit" transports={['websocket']} socketFactory={broker.socketFactory}>
        {children}
      </StompProvider>
    </StrictMode>
  );
}

describe('<StompProvider url>', () => {
  let broker: MemoryBroker;
  beforeEach(() => {
    broker = createMemoryBroker();
  });
  afterEach(async () => {
    cleanup(); // unmount before the broker goes away, or the sessions see an outage
    await broker.close();
  });

  it('opens exactly one connection per provider under StrictMode', async () => {
    render(
      <>
        {inMemory(broker, <Status label="a" />)}
        {inMemory(broker, <Status label="b" />)}
      </>,
    );
    await waitFor(() => expect(screen.getByTestId('a')).toHaveTextContent(/^connected$/));
    await waitFor(() => expect(screen.getByTestId('b')).toHaveTextContent(/^connected$/));
    // Let any stray second connection show itself before counting.
    await act(() => new Promise((r) => setTimeout(r, 20)));
    const stats = broker.stats();
    expect(stats.sockets.opened).toBe(2);
    expect(stats.commands.CONNECT ?? stats.commands.STOMP).toBe(2);
    expect(stats.connections.memory).toBe(2);
  });

  it('closes the session it owns when the last owner unmounts', async () => {
    const { unmount } = render(inMemory(broker, <Status />));
    await waitFor(() => expect(screen.getByTestId('status')).toHaveTextContent(/^connected$/));
    unmount();
    await waitFor(() => expect(broker.stats().sockets.open).toBe(0));
    expect(broker.stats().commands.DISCONNECT).toBe(1);
    expect(broker.stats().sockets.opened).toBe(1);
  });

  it('a new url makes a new session and closes the old one', async () => {
    function Switch() {
      const [url, setUrl] = useState('memory://one');
      return (
        <StompProvider url={url} transports={['websocket']} socketFactory={broker.socketFactory}>
          <Status />
          <button onClick={() => setUrl('memory://two')}>switch</button>
        </StompProvider>
      );
    }
    render(
      <StrictMode>
        <Switch />
      </StrictMode>,
    );
    await waitFor(() => expect(screen.getByTestId('status')).toHaveTextContent(/^connected$/));
    act(() => screen.getByText('switch').click());
    await waitFor(() => expect(screen.getByTestId('status')).toHaveTextContent(/^connected$/));
    await waitFor(() => expect(broker.stats().sockets.open).toBe(1));
    expect(broker.stats().sockets.opened).toBe(2);
  });

  it('asks for a url or a session', () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    // @ts-expect-error neither url nor session
    expect(() => render(<StompProvider />)).toThrow(/needs a `url` or a `session`/);
  });
});

describe('<StompProvider session>', () => {
  it('borrows a session: never connects nor closes it', async () => {
    const idle = createTestSession({ autoConnect: false });
    const live = createTestSession();
    await waitForStatus(live.session, 'connected');
    const { unmount } = render(
      <StrictMode>
        <StompProvider session={idle.session}>
          <Status label="idle" />
        </StompProvider>
        <StompProvider session={live.session}>
          <Status label="live" />
        </StompProvider>
      </StrictMode>,
    );
    expect(screen.getByTestId('idle')).toHaveTextContent('idle');
    expect(screen.getByTestId('live')).toHaveTextContent(/^connected$/);
    unmount();
    await act(() => new Promise((r) => setTimeout(r, 20)));
    expect(idle.broker.stats().sockets.opened).toBe(0);
    expect(live.session.getSnapshot().status).toBe('connected');
    await idle.dispose();
    await live.dispose();
  });
});

describe('useStompSession', () => {
  it('says what is missing outside a provider', () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    function Orphan() {
      useStompSession();
      return null;
    }
    expect(() => render(<Orphan />)).toThrow(/no <StompProvider> above this component/);
  });
});

describe.skipIf(isRabbit)('<StompProvider> against the broker over real sockets', () => {
  it('opens exactly one WebSocket connection under StrictMode', async () => {
    const real = await startTestBroker({ memory: true });
    try {
      const socketFactory = (url: string) => new WebSocket(url) as unknown as WebSocketLike;
      const connections = async () => {
        const stats = (await (await fetch(`${real.httpUrl}/stats`)).json()) as { connections: Record<string, number> };
        return stats.connections.websocket;
      };
      const { unmount } = render(
        <StrictMode>
          <StompProvider url={real.wsUrl} transports={['websocket']} socketFactory={socketFactory}>
            <Status />
          </StompProvider>
        </StrictMode>,
      );
      await waitFor(() => expect(screen.getByTestId('status')).toHaveTextContent(/^connected$/));
      await act(() => new Promise((r) => setTimeout(r, 50)));
      expect(await connections()).toBe(1);
      unmount();
      await waitFor(async () => expect(await connections()).toBe(0));
    } finally {
      await real.close();
    }
  });
});
