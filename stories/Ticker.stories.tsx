import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, waitFor, within } from 'storybook/test';
import { useConnectionState, useSubscription } from '../src/react/index';
import { MemoryStomp, type MemoryStage } from './support/memory-stomp';

/** A quote as the feed publishes it on `/topic/prices.<symbol>`. */
interface Quote {
  symbol: string;
  price: number;
  change: number;
}

function isQuote(value: unknown): value is Quote {
  if (typeof value !== 'object' || value === null) return false;
  const q = value as Record<string, unknown>;
  return typeof q.symbol === 'string' && typeof q.price === 'number' && typeof q.change === 'number';
}

const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const percent = new Intl.NumberFormat('en-US', { style: 'percent', signDisplay: 'always', maximumFractionDigits: 2 });

/** One row re-renders only when its own symbol's quote changes (the `select` form). */
function TickerRow({ symbol }: { symbol: string }) {
  const quote = useSubscription(`/topic/prices.${symbol}`, {
    select: (message) => (isQuote(message.json) ? message.json : undefined),
  });
  const direction = !quote ? 'none' : quote.change >= 0 ? 'up' : 'down';
  return (
    <tr data-direction={direction}>
      <th scope="row">{symbol}</th>
      <td>{quote ? money.format(quote.price) : '—'}</td>
      <td className="ticker__change">{quote ? percent.format(quote.change) : ''}</td>
    </tr>
  );
}

/** A live dashboard built from the hooks alone: no chat anywhere. */
function Ticker({ symbols }: { symbols: string[] }) {
  const state = useConnectionState();
  return (
    <section className="ticker" aria-label="Market ticker">
      <p className="ticker__status">
        Feed: <strong>{state.status}</strong>
      </p>
      <table className="ticker__table">
        <thead>
          <tr>
            <th scope="col">Symbol</th>
            <th scope="col">Price</th>
            <th scope="col">Change</th>
          </tr>
        </thead>
        <tbody>
          {symbols.map((symbol) => (
            <TickerRow key={symbol} symbol={symbol} />
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** A feed on the memory broker: a peer session publishes a quote per symbol every `interval` ms. */
function feed(symbols: string[], interval: number) {
  return ({ peer }: MemoryStage) => {
    const publisher = peer('feed');
    const prices = new Map(symbols.map((s, i) => [s, 100 + i * 37.5]));
    let tick = 0;
    const publish = () => {
      tick += 1;
      for (const [i, symbol] of symbols.entries()) {
        const last = prices.get(symbol) ?? 100;
        // Deterministic wiggle, so screenshots and tests do not depend on chance.
        const change = Math.sin(tick * 0.7 + i) / 100;
        const price = Math.round(last * (1 + change) * 100) / 100;
        prices.set(symbol, price);
        void publisher.send(`/topic/prices.${symbol}`, { symbol, price, change }).catch(() => undefined);
      }
    };
    publish();
    const timer = setInterval(publish, interval);
    return () => clearInterval(timer);
  };
}

const meta = {
  title: 'Hooks/Live ticker',
  component: Ticker,
  args: { symbols: ['ACME', 'GLOBX', 'INITECH', 'UMBRL'] },
  parameters: {
    docs: {
      description: {
        component:
          '`useSubscription` with `select` and `useConnectionState`, on the memory broker: each row subscribes to its own topic and re-renders only when its quote changes.',
      },
    },
  },
  render: (args) => (
    <MemoryStomp user="viewer" setup={feed(args.symbols, 700)}>
      <Ticker {...args} />
    </MemoryStomp>
  ),
} satisfies Meta<typeof Ticker>;

export default meta;
type Story = StoryObj<typeof meta>;

export const LiveTicker: Story = {
  play: async ({ canvasElement, args }) => {
    const canvas = within(canvasElement);
    await waitFor(() => expect(canvas.getByText('connected')).toBeInTheDocument(), { timeout: 5_000 });
    const row = canvas.getByRole('row', { name: new RegExp(args.symbols[0]) });
    await waitFor(() => expect(row).toHaveTextContent(/\$\d/), { timeout: 5_000 });
  },
};

export const TwoSymbols: Story = { args: { symbols: ['ACME', 'UMBRL'] } };
