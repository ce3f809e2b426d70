// @vitest-environment jsdom
import { render, screen, within } from '@testing-library/react';
import { PresenceListView } from '../../../src/chat/components/PresenceList';
import { axeViolations } from './axe';

describe('PresenceListView', () => {
  it('lists people by name with a count and marks me', () => {
    render(
      <PresenceListView
        people={[
          { id: 'u2', name: 'Bo' },
          { id: 'u1', name: 'Ana', isMe: true },
        ]}
      />,
    );
    const region = screen.getByRole('region', { name: 'Online 2' });
    expect(within(region).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['Ana (you)', 'Bo']);
  });

  it('is empty but labelled when nobody is here', () => {
    render(<PresenceListView people={[]} label="Here now" />);
    expect(screen.getByRole('region', { name: 'Here now 0' })).toHaveAttribute('data-state', 'empty');
    expect(screen.queryAllByRole('listitem')).toHaveLength(0);
  });

  it('has no axe violations', async () => {
    const { container } = render(<PresenceListView people={[{ id: 'a', name: 'Ana' }]} />);
    expect(await axeViolations(container)).toEqual([]);
  });
});
