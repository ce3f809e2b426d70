// @vitest-environment jsdom
import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ComposerView } from '../../../src/chat/components/ComposerView';
import { axeViolations } from './axe';

describe('ComposerView', () => {
  it('sends the trimmed text with Enter and clears the box', async () => {
    const user = userEvent.setup();
    const onSend = vi.fn();
    render(<ComposerView onSend={onSend} label="Message #general" />);
    const box = screen.getByRole('textbox', { name: 'Message #general' });
    await user.type(box, '  hello  {Enter}');
    expect(onSend).toHaveBeenCalledExactlyOnceWith('hello');
    expect(box).toHaveValue('');
  });

  it('lets the draft take its direction from what is typed (dir="auto")', () => {
    render(<ComposerView onSend={() => {}} />);
    expect(screen.getByRole('textbox')).toHaveAttribute('dir', 'auto');
  });

  it('makes a newline with Shift+Enter and does not send', async () => {
    const user = userEvent.setup();
    const onSend = vi.fn();
    render(<ComposerView onSend={onSend} />);
    const box = screen.getByRole('textbox');
    await user.type(box, 'line 1{Shift>}{Enter}{/Shift}line 2');
    expect(onSend).not.toHaveBeenCalled();
    expect(box).toHaveValue('line 1\nline 2');
    await user.keyboard('{Enter}');
    expect(onSend).toHaveBeenCalledWith('line 1\nline 2');
  });

  it('does not send on Enter during IME composition (compositionstart…end, isComposing, keyCode 229)', () => {
    const onSend = vi.fn();
    render(<ComposerView onSend={onSend} />);
    const box = screen.getByRole('textbox');
    fireEvent.change(box, { target: { value: 'にほん' } });
    fireEvent.compositionStart(box);
    fireEvent.keyDown(box, { key: 'Enter' });
    fireEvent.compositionEnd(box);
    expect(onSend).not.toHaveBeenCalled();
    fireEvent.keyDown(box, { key: 'Enter', isComposing: true });
    fireEvent.keyDown(box, { key: 'Enter', keyCode: 229 });
    expect(onSend).not.toHaveBeenCalled();
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(onSend).toHaveBeenCalledExactlyOnceWith('にほん');
  });

  it('does not send empty or blank text', async () => {
    const user = userEvent.setup();
    const onSend = vi.fn();
    render(<ComposerView onSend={onSend} />);
    await user.type(screen.getByRole('textbox'), '   {Enter}');
    await user.click(screen.getByRole('button', { name: 'Send' }));
    expect(onSend).not.toHaveBeenCalled();
  });

  it('signals typing at most once per interval', async () => {
    const user = userEvent.setup();
    const onTyping = vi.fn();
    const now = vi.spyOn(Date, 'now').mockReturnValue(10_000);
    render(<ComposerView onSend={() => {}} onTyping={onTyping} typingInterval={3000} />);
    const box = screen.getByRole('textbox');
    await user.type(box, 'abcdef');
    expect(onTyping).toHaveBeenCalledTimes(1);
    now.mockReturnValue(13_000);
    await user.type(box, 'g');
    expect(onTyping).toHaveBeenCalledTimes(2);
    now.mockRestore();
  });

  it('typing again right after a send signals at once (a send ends the typing)', async () => {
    const user = userEvent.setup();
    const onTyping = vi.fn();
    const now = vi.spyOn(Date, 'now').mockReturnValue(10_000);
    render(<ComposerView onSend={() => {}} onTyping={onTyping} typingInterval={3000} />);
    const box = screen.getByRole('textbox');
    await user.type(box, 'first{Enter}');
    expect(onTyping).toHaveBeenCalledTimes(1);
    now.mockReturnValue(11_000); // within the interval of the last signal
    await user.type(box, 'second');
    expect(onTyping).toHaveBeenCalledTimes(2);
    now.mockRestore();
  });

  it('when disabled stays focusable, says why via aria-describedby, and sends nothing', async () => {
    const user = userEvent.setup();
    const onSend = vi.fn();
    render(<ComposerView onSend={onSend} value="draft" disabledReason="Signed out — sign in to send messages" />);
    const box = screen.getByRole('textbox');
    await user.tab();
    expect(box).toHaveFocus();
    expect(box).toHaveAttribute('aria-disabled', 'true');
    expect(box).toHaveAccessibleDescription('Signed out — sign in to send messages');
    await user.keyboard('{Enter}');
    await user.click(screen.getByRole('button', { name: 'Send' }));
    expect(onSend).not.toHaveBeenCalled();
  });

  it('an offline notice describes the box but does not block sending', async () => {
    const user = userEvent.setup();
    const onSend = vi.fn();
    render(<ComposerView onSend={onSend} notice="Offline — messages will be sent when you reconnect" />);
    const box = screen.getByRole('textbox');
    expect(box).toHaveAccessibleDescription('Offline — messages will be sent when you reconnect');
    expect(box).not.toHaveAttribute('aria-disabled');
    await user.type(box, 'queued{Enter}');
    expect(onSend).toHaveBeenCalledWith('queued');
  });

  it('is reachable by Tab in order: text box, then Send; Space on Send sends', async () => {
    const user = userEvent.setup();
    const onSend = vi.fn();
    render(<ComposerView onSend={onSend} />);
    await user.tab();
    expect(screen.getByRole('textbox')).toHaveFocus();
    await user.keyboard('hi');
    await user.tab();
    expect(screen.getByRole('button', { name: 'Send' })).toHaveFocus();
    await user.keyboard(' ');
    expect(onSend).toHaveBeenCalledWith('hi');
  });

  it('has no axe violations, enabled or disabled', async () => {
    const { container, rerender } = render(<ComposerView onSend={() => {}} notice="Offline" />);
    expect(await axeViolations(container)).toEqual([]);
    rerender(<ComposerView onSend={() => {}} disabledReason="Signed out" />);
    expect(await axeViolations(container)).toEqual([]);
  });

  it('Arrow Up in the empty composer asks to edit the last message; not with text in it, nor while an IME composes', async () => {
    const user = userEvent.setup();
    const onEditLast = vi.fn();
    render(<ComposerView onSend={() => {}} onEditLast={onEditLast} label="Message" />);
    const box = screen.getByRole('textbox');
    await user.click(box);
    await user.keyboard('{ArrowUp}');
    expect(onEditLast).toHaveBeenCalledTimes(1);
    fireEvent.keyDown(box, { key: 'ArrowUp', keyCode: 229 });
    expect(onEditLast).toHaveBeenCalledTimes(1);
    await user.keyboard('draft{ArrowUp}');
    expect(onEditLast).toHaveBeenCalledTimes(1);
  });

  it('in edit mode says so, saves with Enter, and Escape or Cancel leave it; an IME Escape is the IME\'s', async () => {
    const user = userEvent.setup();
    const onSend = vi.fn();
    const onCancel = vi.fn();
    const { container } = render(<ComposerView onSend={onSend} onCancel={onCancel} editing value="old text" label="Message" />);
    const box = screen.getByRole('textbox');
    expect(box).toHaveAccessibleDescription('Editing · Enter to save · Escape to cancel');
    expect(screen.getByRole('button', { name: 'Save' })).toBeInTheDocument();
    expect(container.querySelector('form')).toHaveAttribute('data-state', 'editing');
    fireEvent.compositionStart(box);
    fireEvent.keyDown(box, { key: 'Escape' });
    expect(onCancel).not.toHaveBeenCalled();
    fireEvent.compositionEnd(box);
    await user.click(box);
    await user.keyboard('{Enter}');
    expect(onSend).toHaveBeenCalledWith('old text');
    await user.keyboard('{Escape}');
    expect(onCancel).toHaveBeenCalledTimes(1);
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onCancel).toHaveBeenCalledTimes(2);
    expect(await axeViolations(container)).toEqual([]);
  });
});
