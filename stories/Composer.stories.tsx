import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, fn, userEvent, within } from 'storybook/test';
import { ComposerView } from '../src/chat/components/ComposerView';

const meta = {
  title: 'Chat/Composer',
  component: ComposerView,
  args: {
    label: 'Message #general',
    onSend: fn(),
    onTyping: fn(),
    typingInterval: 3000,
    disabledReason: null,
    notice: null,
  },
  decorators: [(Story) => <div style={{ maxInlineSize: 720 }}>{Story()}</div>],
} satisfies Meta<typeof ComposerView>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Enter sends the trimmed text; Shift+Enter makes a new line; typing is signalled once per interval. */
export const Ready: Story = {
  play: async ({ canvasElement, args }) => {
    const box = within(canvasElement).getByRole('textbox', { name: 'Message #general' });
    await userEvent.click(box);
    await userEvent.keyboard('first line{Shift>}{Enter}{/Shift}second line');
    await expect(box).toHaveValue('first line\nsecond line');
    await expect(args.onTyping).toHaveBeenCalledTimes(1);
    await userEvent.keyboard('{Enter}');
    await expect(args.onSend).toHaveBeenCalledWith('first line\nsecond line');
    await expect(box).toHaveValue('');
  },
};

/** Sending works offline too; the note says the message will wait. */
export const OfflineNotice: Story = {
  args: { notice: 'Offline — messages will be sent when you reconnect' },
};

/** Disabled composers stay focusable and say why. */
export const Disabled: Story = {
  args: { disabledReason: 'Sign in to send messages' },
  play: async ({ canvasElement, args }) => {
    const box = within(canvasElement).getByRole('textbox');
    await expect(box).toHaveAccessibleDescription('Sign in to send messages');
    await userEvent.type(box, 'hello{Enter}');
    await expect(args.onSend).not.toHaveBeenCalled();
  },
};

export const RightToLeft: Story = {
  args: { label: 'رسالة إلى #عام', placeholder: 'اكتب رسالة' },
  globals: { dir: 'rtl' },
};

export const Dark: Story = { globals: { theme: 'dark' } };

/** A phone-width composer. */
export const Mobile: Story = {
  parameters: { viewport: { defaultViewport: 'mobile1' } },
  globals: { viewport: { value: 'mobile1', isRotated: false } },
};

/** Grows with its text up to eight lines, then scrolls. */
export const Multiline: Story = {
  args: { value: 'Release checklist:\n- branch cut\n- changelog reviewed\n- demo smoke-tested in two windows' },
};

/** Arrow Up in the empty composer edits the last own message: Save, Cancel, and a note on the keys. */
export const Editing: Story = {
  args: { editing: true, value: 'On it — smoke-testing now.', onCancel: fn() },
  play: async ({ canvasElement, args }) => {
    const box = within(canvasElement).getByRole('textbox');
    await expect(box).toHaveAccessibleDescription('Editing · Enter to save · Escape to cancel');
    await userEvent.click(box);
    await userEvent.keyboard('{Escape}');
    await expect(args.onCancel).toHaveBeenCalled();
  },
};
