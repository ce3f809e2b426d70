// @vitest-environment jsdom
import { StrictMode, useEffect } from 'react';
import { configure, act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { StompProvider } from '../../src/react/provider';
import { useConnectionState, useStompSession } from '../../src/react/use-connection';
import { createMemoryBroker, type MemoryBroker } from '../../src/testing/memory-broker';
import type { SessionStatus, StompSession, WebSocketLike } from '../../src/core/types';
import WebSocket from 'ws';
import { startTestBroker } from '../support/broker';

// Generous: the suite may share two cores with many other files.
configure({ asyncUtilTimeout: 5000 });

let broker: MemoryBroker;
beforeEach(() => {
  broker = createMemoryBroker();
});
afterEach(async () => {
  cleanup();
  await broker.close();
});

function App({ children }: { children: React.ReactNode }) {
  return (
    <StrictMode>
      <StompProvider url="memory://stompkit" transports={['websocket']} socketFactory={broker.socketFactory} reconnect={{ baseDelay: 10, maxDelay: 50 }}>
        {children}
      </StompProvider>
    </StrictMode>
  );
}

describe('useConnectionState', () => {
  it('follows a broker restart: connected → reconnecting → connected', async () => {
    const statuses: SessionStatus[] = [];
    function Banner() {
      const state = useConnectionState();
      useEffect(() => {
        if (statuses.at(-1) !== state.status) statuses.push(state.status);
      });
      return (
        <p data-testid="banner">
          {state.status} {state.transport ?? 'none'} {state.error?.kind ?? ''}
        </p>
      );
    }
    render(
      <App>
        <Banner />
      </App>,
    );
    await waitFor(() => expect(screen.getByTestId('banner')).toHaveTextContent('connected websocket'));
    act(() => broker.stop());
    await waitFor(() => expect(screen.getByTestId('banner')).toHaveTextContent(/^reconnecting/));
    expect(screen.getByTestId('banner')).toHaveTextContent('network');
    act(() => broker.start());
    await waitFor(() => expect(screen.getByTestId('banner')).toHaveTextContent('connected websocket'));
    // The server-safe first render is `idle`; the provider connects on mount.
    expect(statuses.slice(0, 4)).toEqual(['idle', 'connecting', 'connected', 'reconnecting']);
    expect(statuses.at(-1)).toBe('connected');
    expect(broker.stats().sockets.open).toBe(1);
  });

  it('with a selector, re-renders only when the selected value changes', async () => {
    let commits = 0;
    let session: StompSession | undefined;
    function Status() {
      session = useStompSession();
      const status = useConnectionState((s) => s.status);
      useEffect(() => {
        commits++;
      });
      return <p data-testid="status">{status}</p>;
    }
    render(
      <App>
        <Status />
      </App>,
    );
    await waitFor(() => expect(screen.getByTestId('status')).toHaveTextContent(/^connected$/));
    const before = commits;
    // `pending` changes twice per send (queued, then confirmed); the status does not.
    await act(async () => {
      await session!.send('/topic/x', 'a');
      await session!.send('/topic/x', 'b');
    });
    expect(commits).toBe(before);
    act(() => broker.stop());
    await waitFor(() => expect(screen.getByTestId('status')).toHaveTextContent('reconnecting'));
    expect(commits).toBeGreaterThan(before);
  });
});

describe('useConnectionState against the broker over real sockets', () => {
  it('follows a restart of the broker on the same port', async () => {
    const real = await startTestBroker();
    try {
      function Banner() {
        const status = useConnectionState((s) => s.status);
        return <p data-testid="status">{status}</p>;
      }
      render(
        <StrictMode>
          <StompProvider
            url={real.wsUrl}
            transports={['websocket']}
            socketFactory={(url) => new WebSocket(url) as unknown as WebSocketLike}
            connectHeaders={{ login: real.login, passcode: real.passcode }}
            reconnect={{ baseDelay: 50, maxDelay: 200 }}
          >
            <Banner />
          </StompProvider>
        </StrictMode>,
      );
      await waitFor(() => expect(screen.getByTestId('status')).toHaveTextContent(/^connected$/));
      await act(() => real.stop());
      await waitFor(() => expect(screen.getByTestId('status')).toHaveTextContent('reconnecting'));
      await act(() => real.start());
      await waitFor(() => expect(screen.getByTestId('status')).toHaveTextContent(/^connected$/));
      cleanup();
    } finally {
      await real.close();
    }
  });
});

