import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, fn, within } from 'storybook/test';
import { Message } from '../src/chat/components/Message';
import { UploadTray } from '../src/chat/components/UploadTray';
import { PEOPLE, message } from './support/fixtures';

// Same origin (Storybook serves its favicon), so the story needs no network; a data: URL would never render.
const IMAGE = { url: '/favicon.svg', name: 'logo.svg', size: 1_520, type: 'image/svg+xml', width: 800, height: 600 };
const FILE = { url: 'https://example.com/files/q1-report.pdf', name: 'q1-report.pdf', size: 1_834_000, type: 'application/pdf' };

const meta = {
  title: 'Chat/Attachments',
  component: Message,
  args: { message: message('a1', PEOPLE.ana, 'Here it is', 0, { attachments: [IMAGE] }) },
  decorators: [(Story) => <div style={{ maxInlineSize: 640 }}>{Story()}</div>],
} satisfies Meta<typeof Message>;

export default meta;
type Story = StoryObj<typeof meta>;

/** An image: its box (width and height from the attachment) is reserved before it loads. */
export const Image: Story = {
  play: async ({ canvasElement }) => {
    const img = within(canvasElement).getByRole('img', { name: 'logo.svg' });
    await expect(img).toHaveAttribute('width', '360');
    await expect(img).toHaveAttribute('height', '270');
  },
};

/** Any other file: a download link with its name and size. */
export const File: Story = {
  args: { message: message('a2', PEOPLE.bo, '', 1, { attachments: [FILE] }) },
  play: async ({ canvasElement }) => {
    await expect(within(canvasElement).getByRole('link', { name: /q1-report\.pdf/ })).toHaveAttribute('download', 'q1-report.pdf');
  },
};

/** A URL neither https nor this origin's shows as its name only. */
export const Blocked: Story = {
  args: { message: message('a3', PEOPLE.bo, 'from elsewhere', 2, { attachments: [{ ...FILE, url: 'http://insecure.example/x.pdf' }] }) },
  play: async ({ canvasElement }) => {
    await expect(within(canvasElement).queryByRole('link')).toBeNull();
  },
};

const uploading = { key: 'u1', name: 'screenshot.png', size: 512_000, status: 'uploading' as const, sent: 192_000, total: 512_000 };
const failed = { key: 'u2', name: 'notes.txt', size: 2_048, status: 'failed' as const, sent: 0, total: 2_048, error: 'too large' };

/** In the composer: progress with Cancel. */
export const Uploading: Story = {
  render: () => <UploadTray items={[uploading]} onRemove={fn()} onRetry={fn()} />,
  play: async ({ canvasElement }) => {
    await expect(within(canvasElement).getByRole('progressbar', { name: 'Uploading screenshot.png' })).toBeInTheDocument();
    await expect(within(canvasElement).getByRole('button', { name: 'Cancel upload of screenshot.png' })).toBeInTheDocument();
  },
};

/** A failed upload: Retry or Remove. */
export const Failed: Story = {
  render: () => <UploadTray items={[failed]} onRemove={fn()} onRetry={fn()} />,
  play: async ({ canvasElement }) => {
    await expect(within(canvasElement).getByRole('alert')).toHaveTextContent('Upload failed');
    await expect(within(canvasElement).getByRole('button', { name: 'Retry upload of notes.txt' })).toBeInTheDocument();
  },
};
