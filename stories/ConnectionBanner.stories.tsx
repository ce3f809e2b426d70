import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, fn, userEvent, waitFor, within } from 'storybook/test';
import { ConnectionBanner, ConnectionBannerView } from '../src/chat/components/ConnectionBanner';
import type { SessionState } from '../src/core/types';
import { MemoryStomp, type MemoryStage } from './support/memory-stomp';

const base: SessionState = {
  status: 'connected',
  transport: 'websocket',
  attempt: 0,
  nextRetryAt: null,
  error: null,
  serverInfo: null,
  pending: 0,
};

const meta = {
  title: 'Chat/ConnectionBanner',
  component: ConnectionBannerView,
  args: { state: base, online: true, onRetryNow: fn() },
} satisfies Meta<typeof ConnectionBannerView>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Connected over WebSocket: nothing to say; the banner stays mounted, empty (and hidden by the theme). */
export const Connected: Story = {
  play: async ({ canvasElement }) => {
    const banner = canvasElement.querySelector('.sk-banner');
    await expect(banner).toHaveAttribute('data-state', 'hidden');
    await expect(banner).toBeEmptyDOMElement();
  },
};

export const Connecting: Story = {
  args: { state: { ...base, status: 'connecting', transport: null, attempt: 1 } },
};

export const ConnectingAgain: Story = {
  args: { state: { ...base, status: 'connecting', transport: null, attempt: 3 } },
};

/** "Reconnecting in N s" counts down to `nextRetryAt`; Retry now cuts the wait short. */
export const ReconnectingCountdown: Story = {
  args: {
    state: { ...base, status: 'reconnecting', attempt: 2, pending: 2, error: { kind: 'network', message: 'socket closed' } },
  },
  // The retry time is relative to now, so it is made when the story renders.
  render: (args) => <ConnectionBannerView {...args} state={{ ...args.state, nextRetryAt: Date.now() + 12_000 }} />,
  play: async ({ canvasElement, args }) => {
    const canvas = within(canvasElement);
    await expect(canvas.getByRole('status')).toHaveTextContent(/Reconnecting in \d+ s/);
    await expect(canvas.getByRole('status')).toHaveTextContent('2 messages waiting to send');
    await userEvent.click(canvas.getByRole('button', { name: 'Retry now' }));
    await expect(args.onRetryNow).toHaveBeenCalledTimes(1);
  },
};

export const Offline: Story = {
  args: { online: false, state: { ...base, status: 'reconnecting', pending: 1, error: { kind: 'network', message: 'offline' } } },
};

/** Connected, but over SockJS because WebSocket was refused on the way. */
export const SockJSFallback: Story = {
  args: { state: { ...base, transport: 'xhr-streaming' } },
  play: async ({ canvasElement }) => {
    await expect(within(canvasElement).getByRole('status')).toHaveTextContent('via SockJS fallback (xhr-streaming)');
  },
};

export const LongPollingFallback: Story = {
  args: { state: { ...base, transport: 'xhr-polling' } },
};

export const AuthError: Story = {
  args: { state: { ...base, status: 'closed', transport: null, error: { kind: 'auth', message: 'login or passcode refused' } } },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(canvas.getByRole('status')).toHaveTextContent('Sign-in failed');
    await expect(canvas.queryByRole('button', { name: 'Retry now' })).toBeNull();
  },
};

export const Disconnected: Story = {
  args: { state: { ...base, status: 'closed', transport: null, error: { kind: 'closed', message: 'closed by the app' } } },
};

const outage = ({ broker }: MemoryStage) => {
  // The broker goes away after a moment and is back a few seconds later.
  const down = setTimeout(() => broker.stop(), 300);
  const up = setTimeout(() => broker.start(), 4_000);
  return () => {
    clearTimeout(down);
    clearTimeout(up);
  };
};

/** Wired to a real session on the memory broker, which has an outage: watch it reconnect. */
export const LiveOutage: StoryObj<typeof ConnectionBanner> = {
  render: () => (
    <MemoryStomp setup={outage}>
      <ConnectionBanner />
    </MemoryStomp>
  ),
  play: async ({ canvasElement }) => {
    const banner = canvasElement.querySelector('.sk-banner');
    await waitFor(() => expect(banner).toHaveAttribute('data-state', 'reconnecting'), { timeout: 3_000 });
    await waitFor(() => expect(banner).toHaveAttribute('data-state', 'hidden'), { timeout: 8_000 });
  },
};
