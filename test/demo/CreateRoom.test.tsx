// @vitest-environment jsdom
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { CreateRoom, toRoomId } from '../../demo/src/CreateRoom';

test('toRoomId keeps ids in the safe character set', () => {
  expect(toRoomId('  Release Planning  ')).toBe('release-planning');
  expect(toRoomId('Café & Crème')).toBe('cafe-creme');
  expect(toRoomId('a/b.c*d')).toBe('a-b-c-d');
  expect(toRoomId('🎉🎉')).toBe('');
});

test('creates a room from the typed name and clears the field', async () => {
  const onCreate = vi.fn();
  render(<CreateRoom onCreate={onCreate} />);
  await userEvent.type(screen.getByRole('textbox', { name: 'New room name' }), 'Release Planning{Enter}');
  expect(onCreate).toHaveBeenCalledWith('release-planning', 'Release Planning');
  expect(screen.getByRole('textbox', { name: 'New room name' })).toHaveValue('');
});

test('a name without letters or digits is refused with a reason, nothing created', async () => {
  const onCreate = vi.fn();
  render(<CreateRoom onCreate={onCreate} />);
  await userEvent.type(screen.getByRole('textbox', { name: 'New room name' }), '🎉!!{Enter}');
  expect(onCreate).not.toHaveBeenCalled();
  expect(screen.getByRole('alert')).toHaveTextContent('Use letters or digits');
  expect(screen.getByRole('textbox', { name: 'New room name' })).toHaveValue('🎉!!');
});

test('a failed create shows the error and keeps the typed name', async () => {
  const onCreate = vi.fn().mockRejectedValue(new Error('not allowed to create rooms'));
  render(<CreateRoom onCreate={onCreate} />);
  await userEvent.type(screen.getByRole('textbox', { name: 'New room name' }), 'ops{Enter}');
  expect(await screen.findByRole('alert')).toHaveTextContent('not allowed to create rooms');
  expect(screen.getByRole('textbox', { name: 'New room name' })).toHaveValue('ops');
});
