import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { ChatRoom } from '../src/chat/components/ChatRoom';
import { ChatProvider } from '../src/chat/provider';
import { chatPeer, ensureRoom, pause } from './support/chat-peers';
import { MemoryStomp, type MemoryStage } from './support/memory-stomp';
import { ARABIC, EMOJI, LONG_WORDS } from './support/fixtures';

type Scene = {
  /** Before the room mounts: rooms and history that must already exist. */
  prepare?: (stage: MemoryStage) => Promise<void>;
  /** While the story is shown: people talking, typing, outages. */
  live?: (stage: MemoryStage, signal: AbortSignal) => Promise<void>;
};

/** The whole kit on a memory broker: the viewer is `you`, everyone else is a real chat client. */
function Stage({ scene }: { scene: Scene }) {
  const setup = (stage: MemoryStage) => {
    const abort = new AbortController();
    scene.live?.(stage, abort.signal).catch(() => undefined);
    return () => abort.abort();
  };
  return (
    <MemoryStomp user="you" prepare={scene.prepare} setup={setup}>
      <ChatProvider userId="you">
        <div style={{ blockSize: 560 }}>
          <ChatRoom defaultRoomId="general" />
        </div>
      </ChatProvider>
    </MemoryStomp>
  );
}

const withGeneral = async (stage: MemoryStage) => {
  const ana = await chatPeer(stage, 'ana');
  await ensureRoom(ana, 'general');
  await ensureRoom(ana, 'release');
};

const meta = {
  title: 'Chat/ChatRoom',
  component: Stage,
  parameters: { docs: { description: { component: 'The complete chat (`ChatRoom`) wired to a real chat client on the in-memory broker.' } } },
} satisfies Meta<typeof Stage>;

export default meta;
type Story = StoryObj<typeof meta>;

export const EmptyRoom: Story = { args: { scene: { prepare: withGeneral } } };

/** Two people talk; one of them keeps typing; unread counts grow in the other room. */
export const Conversation: Story = {
  args: {
    scene: {
      prepare: withGeneral,
      live: async (stage, signal) => {
        const ana = await chatPeer(stage, 'ana');
        const bo = await chatPeer(stage, 'bo');
        ana.openRoom('general');
        bo.openRoom('general');
        const lines: Array<[typeof ana, string]> = [
          [ana, 'Morning! Is the release branch cut yet?'],
          [bo, 'Cutting it now. CI is green on main.'],
          [ana, `Changelog draft: https://example.com/changelog ${EMOJI}`],
        ];
        for (const [who, text] of lines) {
          await who.sendMessage('general', text);
          await pause(400, signal);
        }
        await bo.sendMessage('release', 'Release notes are up for review');
        while (!signal.aborted) {
          bo.typing('general');
          await pause(2000, signal);
        }
      },
    },
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    // The virtualized log only renders rows where there is layout (a browser, not jsdom).
    const hasLayout = !navigator.userAgent.includes('jsdom');
    await waitFor(() => expect(canvas.getByText('bo is typing')).toBeInTheDocument(), { timeout: 8000 });
    if (hasLayout) await waitFor(() => expect(canvas.getByText('Cutting it now. CI is green on main.')).toBeInTheDocument(), { timeout: 8000 });
    const box = await canvas.findByRole('textbox', { name: /Message #general/ });
    await userEvent.type(box, 'On it, testing in two windows now{Enter}');
    await expect(box).toHaveValue('');
    if (hasLayout) await waitFor(() => expect(canvas.getByText('On it, testing in two windows now')).toBeInTheDocument(), { timeout: 8000 });
  },
};

/** 300 messages arrive as fast as the broker delivers them. */
export const BurstOfIncoming: Story = {
  args: {
    scene: {
      prepare: withGeneral,
      live: async (stage) => {
        const bo = await chatPeer(stage, 'bo');
        await Promise.all(Array.from({ length: 300 }, (_, i) => bo.sendMessage('general', `Build log line ${i + 1}`)));
      },
    },
  },
};

/** 200 messages exist before the room opens: the latest page shows, older pages load on scroll-up. */
export const LongHistory: Story = {
  args: {
    scene: {
      prepare: async (stage) => {
        await withGeneral(stage);
        const ana = await chatPeer(stage, 'ana');
        for (let i = 0; i < 200; i += 20) {
          await Promise.all(Array.from({ length: 20 }, (_, j) => ana.sendMessage('general', `History message ${i + j + 1}`)));
        }
        ana.dispose();
      },
    },
  },
};

/** Several people typing at once. */
export const SeveralTyping: Story = {
  args: {
    scene: {
      prepare: withGeneral,
      live: async (stage, signal) => {
        const people = await Promise.all(['ana', 'bo', 'dalia'].map((name) => chatPeer(stage, name)));
        while (!signal.aborted) {
          for (const p of people) p.typing('general');
          await pause(2000, signal);
        }
      },
    },
  },
};

/** The broker goes away: the banner counts down, messages sent meanwhile wait as pending, then go out once it is back. */
export const OutageWithPendingMessages: Story = {
  args: {
    scene: {
      prepare: withGeneral,
      live: async (stage, signal) => {
        const ana = await chatPeer(stage, 'ana');
        await ana.sendMessage('general', 'Deploying the broker upgrade now, back in a minute.');
        await pause(1500, signal);
        stage.broker.stop();
        await pause(20_000, signal);
        stage.broker.start();
      },
    },
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const hasLayout = !navigator.userAgent.includes('jsdom');
    await waitFor(() => expect(canvasElement.querySelector('.sk-banner')).toHaveAttribute('data-state', 'reconnecting'), { timeout: 8000 });
    const box = await canvas.findByRole('textbox', { name: /Message #general/ });
    await userEvent.type(box, 'Sent during the outage{Enter}');
    await userEvent.type(box, 'This one waits too{Enter}');
    await waitFor(() => expect(canvasElement.querySelector('.sk-banner')).toHaveTextContent('2 messages waiting to send'));
    if (hasLayout) {
      await waitFor(() => expect(canvasElement.querySelectorAll('.sk-message[data-state="pending"]')).toHaveLength(2));
    }
  },
};

export const LongWordsEmojiAndRTL: Story = {
  args: {
    scene: {
      prepare: withGeneral,
      live: async (stage) => {
        const dalia = await chatPeer(stage, 'dalia');
        for (const text of [LONG_WORDS, EMOJI, ARABIC]) await dalia.sendMessage('general', text);
      },
    },
  },
};

export const Dark: Story = { ...Conversation, play: undefined, globals: { theme: 'dark' } };

export const RightToLeft: Story = { ...Conversation, play: undefined, globals: { dir: 'rtl' } };

/** A phone-width column: the kit's layout stacks (by its own width), people move behind the header's button. */
export const NarrowMobile: Story = {
  ...Conversation,
  play: undefined,
  decorators: [(Story) => <div style={{ inlineSize: 390 }}>{Story()}</div>],
};

/** At 390 px, who is online opens from the header as a modal drawer (focus inside, Escape closes). */
export const PresenceOpenOnPhone: Story = {
  ...Conversation,
  decorators: [(Story) => <div style={{ inlineSize: 390 }}>{Story()}</div>],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const button = await canvas.findByRole('button', { name: /Online/ });
    await userEvent.click(button);
    const dialog = await within(document.body).findByRole('dialog', { name: 'People in this room' });
    await expect(within(dialog).getByRole('button', { name: 'Close' })).toHaveFocus();
    await waitFor(() => expect(dialog).toHaveTextContent('you'), { timeout: 8000 });
  },
};
