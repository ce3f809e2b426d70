// Server rendering: node environment (no DOM), as on a server.
import { renderToString } from 'react-dom/server';
import { StompProvider } from '../../src/react/provider';
import { useConnectionState } from '../../src/react/use-connection';
import { useSubscription } from '../../src/react/use-subscription';
import { useSend } from '../../src/react/use-send';
import { createMemoryBroker } from '../../src/testing/memory-broker';

describe('<StompProvider> on the server', () => {
  it('renders with the initial state and opens no connection', async () => {
    const broker = createMemoryBroker();
    let factoryCalls = 0;
    const socketFactory = (url: string) => {
      factoryCalls++;
      return broker.socketFactory(url);
    };
    function Page() {
      const status = useConnectionState((s) => s.status);
      const latest = useSubscription('/topic/news', { select: (m) => m.body });
      useSend();
      return (
        <p>
          {status} {latest ?? 'no news'}
        </p>
      );
    }
    const html = renderToString(
      <StompProvider url="memory://stompkit" socketFactory={socketFactory}>
        <Page />
      </StompProvider>,
    );
    expect(html).toContain('idle');
    expect(html).toContain('no news');
    await new Promise((r) => setTimeout(r, 20));
    expect(factoryCalls).toBe(0);
    expect(broker.stats().sockets.opened).toBe(0);
    await broker.close();
  });
});
