// @vitest-environment jsdom
import { render } from '@testing-library/react';
import { MessageText } from '../../../src/chat/components/MessageText';

describe('MessageText', () => {
  it('takes its direction from its own text (dir="auto"), for RTL and LTR messages alike', () => {
    const { container, rerender } = render(<MessageText text="مرحبا بالعالم." />);
    const p = container.querySelector('.sk-message__text');
    expect(p).toHaveAttribute('dir', 'auto');
    expect(p).toHaveTextContent('مرحبا بالعالم.');
    rerender(<MessageText text="hello, see https://example.com" />);
    expect(container.querySelector('.sk-message__text')).toHaveAttribute('dir', 'auto');
  });
});
