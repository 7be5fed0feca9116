// VersionSwitch: "‹ 2 / 3 ›" with named arrows; each asks for its neighbour; none without siblings.
import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { VersionSwitch } from './VersionSwitch';

describe('VersionSwitch', () => {
  it('shows the position and switches to the previous or next version', () => {
    const onSwitch = vi.fn();
    render(<VersionSwitch messageId="b" siblingIds={['a', 'b', 'c']} onSwitch={onSwitch} />);
    expect(screen.getByRole('group', { name: 'Version 2 of 3' })).toHaveTextContent('2 / 3');
    fireEvent.click(screen.getByRole('button', { name: 'Previous version' }));
    fireEvent.click(screen.getByRole('button', { name: 'Next version' }));
    expect(onSwitch.mock.calls).toEqual([['a'], ['c']]);
  });

  it('disables the arrow past either end', () => {
    const { rerender } = render(<VersionSwitch messageId="a" siblingIds={['a', 'b']} onSwitch={() => {}} />);
    expect(screen.getByRole('button', { name: 'Previous version' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Next version' })).toBeEnabled();
    rerender(<VersionSwitch messageId="b" siblingIds={['a', 'b']} onSwitch={() => {}} />);
    expect(screen.getByRole('button', { name: 'Previous version' })).toBeEnabled();
    expect(screen.getByRole('button', { name: 'Next version' })).toBeDisabled();
  });

  it('disables both while told to (a switch under way)', () => {
    render(<VersionSwitch messageId="b" siblingIds={['a', 'b', 'c']} disabled onSwitch={() => {}} />);
    expect(screen.getByRole('button', { name: 'Previous version' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Next version' })).toBeDisabled();
  });

  it('renders nothing for a message without siblings', () => {
    const { container } = render(<VersionSwitch messageId="a" siblingIds={['a']} onSwitch={() => {}} />);
    expect(container).toBeEmptyDOMElement();
  });
});
