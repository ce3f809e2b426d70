// @vitest-environment jsdom
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Message, type MessageData } from '../../../src/chat/components/Message';
import type { MessageActionHandlers } from '../../../src/chat/components/message-actions';
import { axeViolations } from './axe';

const base: MessageData = { id: 'm1', authorId: 'me', authorName: 'Me', text: 'hello there', createdAt: Date.UTC(2026, 2, 14, 11), status: 'sent' };

function setup(props: { mine?: boolean; message?: MessageData; handlers?: MessageActionHandlers } = {}) {
  const actions: Required<Pick<MessageActionHandlers, 'onReact' | 'onEditStart' | 'onEditSave' | 'onDelete' | 'onCopy'>> = {
    onReact: vi.fn(),
    onEditStart: vi.fn(),
    onEditSave: vi.fn(),
    onDelete: vi.fn(),
    onCopy: vi.fn(),
  };
  const view = render(<Message message={props.message ?? base} mine={props.mine ?? true} actions={{ ...actions, ...props.handlers }} />);
  return { ...view, actions, user: userEvent.setup() };
}

describe('message actions', () => {
  it('"More actions" is a menu button: Enter opens it at the first item, arrows wrap, Escape closes and returns focus', async () => {
    const { user } = setup();
    const trigger = screen.getByRole('button', { name: 'More actions' });
    expect(trigger).toHaveAttribute('aria-haspopup', 'menu');
    expect(trigger).toHaveAttribute('aria-expanded', 'false');
    trigger.focus();
    await user.keyboard('{Enter}');
    const menu = screen.getByRole('menu');
    expect(trigger).toHaveAttribute('aria-expanded', 'true');
    expect(trigger).toHaveAttribute('data-state', 'open');
    expect(trigger).toHaveAttribute('aria-controls', menu.id);
    expect(menu).toHaveAttribute('aria-labelledby', trigger.id);
    const items = within(menu).getAllByRole('menuitem');
    expect(items.map((i) => i.textContent)).toEqual(['EditE', 'Copy text', 'DeleteDelete']);
    expect(items[0]).toHaveFocus();
    await user.keyboard('{ArrowUp}');
    expect(items[2]).toHaveFocus();
    await user.keyboard('{ArrowDown}');
    expect(items[0]).toHaveFocus();
    await user.keyboard('{End}');
    expect(items[2]).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('menu')).toBeNull();
    expect(trigger).toHaveFocus();
    // Arrow Up on the trigger opens at the last item.
    await user.keyboard('{ArrowUp}');
    expect(screen.getAllByRole('menuitem')[2]).toHaveFocus();
  });

  it('keeps focus where it is in an open menu when the message changes under it (a reaction arrives)', async () => {
    const { user, rerender, actions } = setup();
    await user.click(screen.getByRole('button', { name: 'More actions' }));
    await user.keyboard('{ArrowDown}');
    expect(screen.getByRole('menuitem', { name: 'Copy text' })).toHaveFocus();
    rerender(<Message message={{ ...base, reactions: [{ emoji: '👍', count: 1, mine: false }] }} mine actions={{ ...actions }} />);
    expect(screen.getByRole('menuitem', { name: 'Copy text' })).toHaveFocus();
  });

  it('offers only Copy text on someone else’s message', async () => {
    const { user, actions } = setup({ mine: false });
    await user.click(screen.getByRole('button', { name: 'More actions' }));
    expect(screen.getAllByRole('menuitem').map((i) => i.textContent)).toEqual(['Copy text']);
    await user.click(screen.getByRole('menuitem', { name: 'Copy text' }));
    expect(actions.onCopy).toHaveBeenCalledWith('hello there');
    expect(screen.queryByRole('menu')).toBeNull();
  });

  it('reacts from the quick reactions (a horizontal menu)', async () => {
    const { user, actions } = setup({ mine: false });
    await user.click(screen.getByRole('button', { name: 'Add reaction' }));
    const menu = screen.getByRole('menu');
    expect(menu).toHaveAttribute('aria-orientation', 'horizontal');
    expect(screen.getByRole('menuitem', { name: 'React with 👍' })).toHaveFocus();
    await user.keyboard('{ArrowRight}{Enter}');
    expect(actions.onReact).toHaveBeenCalledWith('m1', '❤️');
  });

  it('offers the app’s own picker after the quick reactions', async () => {
    const onReact = vi.fn();
    const { user } = setup({
      handlers: {
        onReact,
        renderReactionPicker: ({ onPick }) => (
          <button type="button" onClick={() => onPick('🦄')}>
            unicorn
          </button>
        ),
      },
    });
    await user.click(screen.getByRole('button', { name: 'Add reaction' }));
    await user.click(screen.getByRole('menuitem', { name: 'More reactions' }));
    await user.click(screen.getByRole('button', { name: 'unicorn' }));
    expect(onReact).toHaveBeenCalledWith('m1', '🦄');
    expect(screen.queryByRole('button', { name: 'unicorn' })).toBeNull();
  });

  it('asks once before deleting; Cancel (focused first) or Escape keep the message', async () => {
    const { user, actions } = setup();
    await user.click(screen.getByRole('button', { name: 'More actions' }));
    await user.click(screen.getByRole('menuitem', { name: 'Delete' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Delete this message for everyone?' });
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(actions.onDelete).not.toHaveBeenCalled();
    await user.click(screen.getByRole('button', { name: 'More actions' }));
    await user.click(screen.getByRole('menuitem', { name: 'Delete' }));
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Delete' }));
    expect(actions.onDelete).toHaveBeenCalledExactlyOnceWith('m1');
  });

  it('the focused row takes E to edit and Delete to delete, as the menu shows', async () => {
    const { user, actions } = setup();
    screen.getByRole('article').focus();
    await user.keyboard('e');
    expect(actions.onEditStart).toHaveBeenCalledWith('m1');
    await user.keyboard('{Delete}');
    expect(screen.getByRole('alertdialog')).toBeInTheDocument();
  });

  describe('on touch', () => {
    beforeEach(() => vi.useFakeTimers());
    afterEach(() => vi.useRealTimers());

    it('a long press opens the menu as a bottom sheet', () => {
      setup();
      fireEvent.pointerDown(screen.getByRole('article'), { pointerType: 'touch', clientX: 10, clientY: 10 });
      act(() => vi.runOnlyPendingTimers());
      expect(screen.getByRole('menu')).toHaveClass('sk-menu--sheet');
    });

    it('a touch that moves is a scroll, not a long press; a mouse right-click keeps the browser menu', () => {
      setup();
      const row = screen.getByRole('article');
      fireEvent.pointerDown(row, { pointerType: 'touch', clientX: 10, clientY: 10 });
      fireEvent.pointerMove(row, { pointerType: 'touch', clientX: 10, clientY: 60 });
      act(() => vi.runOnlyPendingTimers());
      expect(screen.queryByRole('menu')).toBeNull();
      fireEvent.pointerDown(row, { pointerType: 'mouse' });
      expect(fireEvent.contextMenu(row)).toBe(true); // not prevented
      expect(screen.queryByRole('menu')).toBeNull();
    });
  });

  it('offers no actions on pending, failed or deleted messages', () => {
    for (const message of [{ ...base, status: 'pending' as const }, { ...base, status: 'failed' as const }, { ...base, deleted: true }]) {
      const { unmount } = setup({ message });
      expect(screen.queryByRole('toolbar')).toBeNull();
      unmount();
    }
  });

  it('edits in place: Enter saves the new text, Escape cancels, an unchanged text saves nothing', async () => {
    const onEditSave = vi.fn();
    const onEditCancel = vi.fn();
    const user = userEvent.setup();
    const { rerender } = render(<Message message={base} mine editing actions={{ onEditSave, onEditCancel }} />);
    const box = screen.getByRole('textbox', { name: 'Edit message' });
    expect(box).toHaveFocus();
    expect(box).toHaveValue('hello there');
    await user.keyboard('{Enter}');
    expect(onEditSave).not.toHaveBeenCalled();
    expect(onEditCancel).toHaveBeenCalledTimes(1);
    rerender(<Message message={{ ...base, id: 'm2' }} mine editing actions={{ onEditSave, onEditCancel }} />);
    await user.clear(screen.getByRole('textbox', { name: 'Edit message' }));
    await user.type(screen.getByRole('textbox', { name: 'Edit message' }), 'hello again{Enter}');
    expect(onEditSave).toHaveBeenCalledWith('m2', 'hello again');
    await user.keyboard('{Escape}');
    expect(onEditCancel).toHaveBeenCalledTimes(2);
  });

  it('has no axe violations with the menu open, while confirming a delete, and while editing', async () => {
    const { user, container } = setup();
    await user.click(screen.getByRole('button', { name: 'More actions' }));
    expect(await axeViolations(container)).toEqual([]);
    await user.click(screen.getByRole('menuitem', { name: 'Delete' }));
    expect(await axeViolations(container)).toEqual([]);
    const editing = render(<Message message={{ ...base, id: 'e' }} mine editing actions={{ onEditSave: () => {} }} />);
    expect(await axeViolations(editing.container)).toEqual([]);
  });
});
