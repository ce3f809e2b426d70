// @vitest-environment jsdom
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { Attachments } from '../../../src/chat/components/Attachments';
import { safeAttachmentUrl, previewSize } from '../../../src/chat/components/attachment-url';
import { ComposerView } from '../../../src/chat/components/ComposerView';
import { Message, type MessageData } from '../../../src/chat/components/Message';
import { mentionTokens } from '../../../src/chat/components/mention-tokens';
import { PresenceListView } from '../../../src/chat/components/PresenceList';
import { RoomListView } from '../../../src/chat/components/RoomList';
import { ThreadPanelView } from '../../../src/chat/components/ThreadPanelView';
import { UploadTray } from '../../../src/chat/components/UploadTray';
import { axeViolations } from './axe';

const base: MessageData = { id: 'm1', authorId: 'ana', text: 'ship it?', createdAt: Date.UTC(2026, 2, 14, 9), status: 'sent' };
const reply = (id: string, authorId: string, text: string): MessageData => ({ ...base, id, authorId, text, parentId: 'm1' });

describe('threads', () => {
  it('offers "Reply in thread" on a message and the reply count opens the thread', async () => {
    const user = userEvent.setup();
    const onOpenThread = vi.fn();
    const thread = { replies: 2, lastRepliers: ['bo', 'cy'], lastReplyAt: base.createdAt + 60_000 };
    const { container } = render(<Message message={{ ...base, thread }} actions={{ onOpenThread }} />);
    await user.click(screen.getByRole('button', { name: /^2 replies, open thread/ }));
    expect(onOpenThread).toHaveBeenCalledWith('m1');
    await user.click(screen.getByRole('button', { name: 'More actions' }));
    await user.click(screen.getByRole('menuitem', { name: 'Reply in thread' }));
    expect(onOpenThread).toHaveBeenCalledTimes(2);
    expect(await axeViolations(container)).toEqual([]);
  });

  it('offers no "Reply in thread" on a reply (threads do not nest)', async () => {
    const user = userEvent.setup();
    render(<Message message={reply('r1', 'bo', 'yes')} actions={{ onOpenThread: vi.fn() }} />);
    await user.click(screen.getByRole('button', { name: 'More actions' }));
    expect(screen.queryByRole('menuitem', { name: 'Reply in thread' })).toBeNull();
  });

  it('the panel shows parent and replies, focuses its composer, Escape closes and focus returns to the opener', async () => {
    const user = userEvent.setup();
    function Harness() {
      const [open, setOpen] = useState(false);
      return (
        <>
          <button type="button" onClick={() => setOpen(true)}>
            open
          </button>
          {open ? (
            <ThreadPanelView
              parent={base}
              replies={[reply('r1', 'bo', 'yes'), reply('r2', 'cy', 'tomorrow')]}
              onClose={() => setOpen(false)}
              composer={<ComposerView label="Reply in thread" onSend={() => undefined} />}
            />
          ) : null}
        </>
      );
    }
    const { container } = render(<Harness />);
    await user.click(screen.getByRole('button', { name: 'open' }));
    const panel = screen.getByRole('complementary', { name: 'Thread' });
    expect(within(panel).getByText('2 replies')).toBeInTheDocument();
    expect(within(within(panel).getByRole('list', { name: 'Replies' })).getAllByRole('article')).toHaveLength(2);
    expect(screen.getByRole('textbox', { name: 'Reply in thread' })).toHaveFocus();
    expect(await axeViolations(container)).toEqual([]);
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('complementary', { name: 'Thread' })).toBeNull();
    expect(screen.getByRole('button', { name: 'open' })).toHaveFocus();
  });
  it('a long thread renders its newest replies; earlier ones on request, keeping the place as new ones come', async () => {
    const user = userEvent.setup();
    const many = Array.from({ length: 7 }, (_, i) => reply(`r${i}`, 'bo', `reply ${i}`));
    const panel = (list: MessageData[]) => <ThreadPanelView parent={base} replies={list} onClose={() => undefined} pageSize={3} />;
    const { rerender } = render(panel(many));
    const shown = () => within(screen.getByRole('list', { name: 'Replies' })).getAllByRole('article').map((a) => a.textContent);
    expect(shown()).toEqual([expect.stringContaining('reply 4'), expect.stringContaining('reply 5'), expect.stringContaining('reply 6')]);
    expect(screen.getByText('7 replies')).toBeInTheDocument();
    rerender(panel([...many, reply('r7', 'cy', 'reply 7')]));
    expect(shown()).toHaveLength(4); // none dropped off the top
    await user.click(screen.getByRole('button', { name: 'Show 3 earlier replies' }));
    expect(shown()).toHaveLength(7);
    expect(screen.getByRole('button', { name: 'Show 1 earlier reply' })).toHaveFocus();
    await user.click(screen.getByRole('button', { name: 'Show 1 earlier reply' }));
    expect(shown()).toHaveLength(8);
    expect(screen.queryByRole('button', { name: /earlier/ })).toBeNull();
    expect(screen.getAllByRole('article')[1]).toHaveFocus(); // the first reply (after the thread's first message)
  });
});

describe('mentions', () => {
  const people = [
    { id: 'ana', name: 'Ana Lima' },
    { id: 'bo', name: 'Bo Chen' },
    { id: 'bob', name: 'Bob Stone' },
  ];

  it('@ opens a listbox; arrows move, Enter inserts "@login ", Escape closes', async () => {
    const user = userEvent.setup();
    const onSend = vi.fn();
    const { container } = render(<ComposerView label="Message" onSend={onSend} mentionCandidates={people} />);
    const box = screen.getByRole('textbox', { name: 'Message' });
    await user.type(box, 'hi @b');
    const list = screen.getByRole('listbox', { name: 'Mention someone' });
    const options = within(list).getAllByRole('option');
    expect(options.map((o) => o.textContent)).toEqual(['Bo Chen@bo', 'Bob Stone@bob']);
    expect(box).toHaveAttribute('aria-activedescendant', options[0]!.id);
    expect(await axeViolations(container)).toEqual([]);
    await user.keyboard('{ArrowDown}');
    expect(box).toHaveAttribute('aria-activedescendant', options[1]!.id);
    await user.keyboard('{Enter}');
    expect(box).toHaveValue('hi @bob ');
    expect(onSend).not.toHaveBeenCalled(); // Enter picked, it did not send
    expect(screen.queryByRole('listbox')).toBeNull();
    await user.type(box, '@a');
    expect(screen.getByRole('listbox')).toBeInTheDocument();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('listbox')).toBeNull();
    await user.keyboard('{Enter}');
    expect(onSend).toHaveBeenCalledWith('hi @bob @a');
  });

  it('highlights mentions in text nodes only, mine marked', () => {
    const { container } = render(<Message message={{ ...base, text: 'hey @you and @bo, <b>@bo</b>', mentions: ['you', 'bo'] }} currentUserId="you" />);
    const marks = [...container.querySelectorAll('.sk-mention')];
    expect(marks.map((m) => [m.textContent, m.hasAttribute('data-me')])).toEqual([
      ['@you', true],
      ['@bo', false],
    ]);
    expect(container.querySelector('b')).toBeNull();
    expect(mentionTokens('mail a@bo.com @bob', ['bo'])).toEqual([{ kind: 'text', text: 'mail a@bo.com @bob' }]);
  });
});

describe('attachments', () => {
  it('renders https and same-origin files; other URLs as plain names', async () => {
    const { container } = render(
      <Attachments
        attachments={[
          { url: 'https://cdn.example/cat.png', name: 'cat.png', size: 2048, type: 'image/png', width: 1200, height: 600 },
          { url: '/uploads/abc/report.pdf', name: 'report.pdf', size: 3_500_000, type: 'application/pdf' },
          { url: 'http://evil.example/x.png', name: 'x.png', size: 10, type: 'image/png', width: 10, height: 10 },
          { url: 'javascript:alert(1)', name: 'run.js', size: 10, type: 'text/javascript' },
        ]}
      />,
    );
    const img = screen.getByRole('img', { name: 'cat.png' });
    // The box is known before load: 1200×600 scaled into 360×280.
    expect([img.getAttribute('width'), img.getAttribute('height')]).toEqual(['360', '180']);
    expect(screen.getByRole('link', { name: /report\.pdf \(3\.3 MB\)/ })).toHaveAttribute('href', `${location.origin}/uploads/abc/report.pdf`);
    expect(screen.getAllByRole('link')).toHaveLength(2);
    expect(screen.getByText('x.png')).toBeInTheDocument();
    expect(screen.getByText('run.js').closest('a')).toBeNull();
    expect(await axeViolations(container)).toEqual([]);
  });

  it('only https or this origin is safe', () => {
    const base = 'http://localhost:5173/chat';
    expect(safeAttachmentUrl('https://x.example/a', base)).toBe('https://x.example/a');
    expect(safeAttachmentUrl('/uploads/a', base)).toBe('http://localhost:5173/uploads/a');
    expect(safeAttachmentUrl('http://localhost:5174/a', base)).toBeNull();
    expect(safeAttachmentUrl('data:text/html,hi', base)).toBeNull();
    expect(safeAttachmentUrl('blob:http://localhost:5173/x', base)).toBeNull();
    expect(previewSize(100, 50)).toEqual({ width: 100, height: 50 });
    expect(previewSize(400, 2000)).toEqual({ width: 56, height: 280 });
  });

  it('the tray shows progress with Cancel, and Retry and Remove on a failure', async () => {
    const user = userEvent.setup();
    const onRemove = vi.fn();
    const onRetry = vi.fn();
    const items = [
      { key: 'u1', name: 'big.mov', size: 4096, status: 'uploading' as const, sent: 1024, total: 4096 },
      { key: 'u2', name: 'notes.txt', size: 12, status: 'failed' as const, sent: 0, total: 12 },
    ];
    const { container } = render(<UploadTray items={items} onRemove={onRemove} onRetry={onRetry} />);
    expect(screen.getByRole('progressbar', { name: 'Uploading big.mov' })).toHaveAttribute('value', '1024');
    await user.click(screen.getByRole('button', { name: 'Cancel upload of big.mov' }));
    expect(onRemove).toHaveBeenCalledWith('u1');
    expect(screen.getByRole('alert')).toHaveTextContent('Upload failed');
    await user.click(screen.getByRole('button', { name: 'Retry upload of notes.txt' }));
    expect(onRetry).toHaveBeenCalledWith('u2');
    await user.click(screen.getByRole('button', { name: 'Remove notes.txt' }));
    expect(onRemove).toHaveBeenCalledWith('u2');
    expect(await axeViolations(container)).toEqual([]);
  });

  it('the composer takes picked files and sends with no text once they are ready', async () => {
    const user = userEvent.setup();
    const onFiles = vi.fn();
    const onSend = vi.fn();
    const { container, rerender } = render(<ComposerView label="Message" onSend={onSend} onFiles={onFiles} busy />);
    const file = new File(['x'], 'a.png', { type: 'image/png' });
    await user.upload(container.querySelector<HTMLInputElement>('input[type=file]')!, file);
    expect(onFiles).toHaveBeenCalledWith([file]);
    expect(screen.getByRole('button', { name: 'Uploading…' })).toHaveAttribute('aria-disabled', 'true');
    rerender(<ComposerView label="Message" onSend={onSend} onFiles={onFiles} hasAttachments />);
    await user.click(screen.getByRole('button', { name: 'Send' }));
    expect(onSend).toHaveBeenCalledWith('');
    expect(await axeViolations(container)).toEqual([]);
  });
});

describe('direct messages', () => {
  it('lists direct messages under their own heading, with unread and mention badges, in one roving Tab stop', async () => {
    const user = userEvent.setup();
    const onSelect = vi.fn();
    const { container } = render(
      <RoomListView
        rooms={[{ id: 'general', name: 'general', unread: 0, mentions: 1 }]}
        directMessages={[{ id: 'dm.ana.you', name: 'Ana', unread: 3 }]}
        currentRoomId="general"
        onSelect={onSelect}
      />,
    );
    expect(screen.getByRole('button', { name: /^general.*1.*mention$/ })).toBeInTheDocument();
    const dms = screen.getByRole('list', { name: 'Direct messages' });
    await user.tab();
    await user.keyboard('{ArrowDown}');
    expect(within(dms).getByRole('button', { name: /^Ana.*3.*unread$/ })).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(onSelect).toHaveBeenCalledWith('dm.ana.you');
    expect(await axeViolations(container)).toEqual([]);
  });

  it('the presence list offers "Message" beside everyone but me', async () => {
    const user = userEvent.setup();
    const onMessage = vi.fn();
    render(<PresenceListView people={[{ id: 'you', name: 'You', isMe: true }, { id: 'ana', name: 'Ana' }]} onMessage={onMessage} />);
    expect(screen.getAllByRole('button', { name: /^Message/ })).toHaveLength(1);
    await user.click(screen.getByRole('button', { name: 'Message Ana' }));
    expect(onMessage).toHaveBeenCalledWith('ana');
  });
});
