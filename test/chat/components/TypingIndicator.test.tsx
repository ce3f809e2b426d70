// @vitest-environment jsdom
import { render, screen } from '@testing-library/react';
import { describeTyping, TypingIndicatorView } from '../../../src/chat/components/TypingIndicator';

describe('TypingIndicator', () => {
  it('says who is typing for 0, 1, 2 and 3+ people', () => {
    expect(describeTyping([])).toBe('');
    expect(describeTyping(['Ana'])).toBe('Ana is typing');
    expect(describeTyping(['Ana', 'Bo'])).toBe('Ana and Bo are typing');
    expect(describeTyping(['Ana', 'Bo', 'Cy'])).toBe('3 people are typing');
  });

  it('renders the sentence and its state, and nothing when nobody types', () => {
    const { container, rerender } = render(<TypingIndicatorView names={['Ana', 'Bo']} className="x" />);
    expect(screen.getByText('Ana and Bo are typing')).toBeInTheDocument();
    expect(container.firstElementChild).toHaveAttribute('data-state', 'typing');
    expect(container.firstElementChild).toHaveClass('sk-typing', 'x');
    rerender(<TypingIndicatorView names={[]} />);
    expect(container.firstElementChild).toBeEmptyDOMElement();
    expect(container.firstElementChild).toHaveAttribute('data-state', 'idle');
  });
});
