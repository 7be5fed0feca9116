// RegenerateControls: Regenerate on the answer's lane, or on one picked from the lanes menu
// (Escape or a press outside closes it); all disabled while the answer is pending.
import { act, fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { Lane } from '../../../lib/api';
import { RegenerateControls } from './RegenerateControls';

const lanes: Lane[] = [
  { name: 'demo', model: 'echo', description: 'Echo lane', default: true },
  { name: 'smart', model: 'big-1', description: 'A bigger model', default: false },
];

describe('RegenerateControls', () => {
  it('regenerates on the answer’s own lane', () => {
    const onRegenerate = vi.fn();
    render(<RegenerateControls lanes={lanes} onRegenerate={onRegenerate} />);
    fireEvent.click(screen.getByRole('button', { name: 'Regenerate' }));
    expect(onRegenerate).toHaveBeenCalledWith();
  });

  it('regenerates on a lane picked in the menu, which then closes', () => {
    const onRegenerate = vi.fn();
    render(<RegenerateControls lanes={lanes} onRegenerate={onRegenerate} />);
    const more = screen.getByRole('button', { name: 'Regenerate on another lane' });
    expect(more).toHaveAttribute('aria-expanded', 'false');
    expect(screen.queryByRole('menu')).toBeNull();
    fireEvent.click(more);
    expect(more).toHaveAttribute('aria-expanded', 'true');
    expect(screen.getAllByRole('menuitem').map((b) => b.textContent)).toEqual(['demo (echo)', 'smart (big-1)']);
    fireEvent.click(screen.getByRole('menuitem', { name: 'smart (big-1)' }));
    expect(onRegenerate).toHaveBeenCalledWith('smart');
    expect(screen.queryByRole('menu')).toBeNull();
  });

  it('closes the menu on Escape (focus back on its button) and on a press outside', () => {
    render(
      <div>
        <p>elsewhere</p>
        <RegenerateControls lanes={lanes} onRegenerate={() => {}} />
      </div>,
    );
    const more = screen.getByRole('button', { name: 'Regenerate on another lane' });
    fireEvent.click(more);
    const escape = new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true });
    act(() => void document.dispatchEvent(escape));
    expect(screen.queryByRole('menu')).toBeNull();
    expect(more).toHaveFocus();
    // Taken: the window's shortcuts (Escape stops an answer) leave it alone.
    expect(escape.defaultPrevented).toBe(true);
    fireEvent.click(more);
    fireEvent.mouseDown(screen.getByText('elsewhere'));
    expect(screen.queryByRole('menu')).toBeNull();
  });

  it('focuses the first lane on opening; the arrow keys move between the lanes', () => {
    render(<RegenerateControls lanes={lanes} onRegenerate={() => {}} />);
    fireEvent.click(screen.getByRole('button', { name: 'Regenerate on another lane' }));
    const [demo, smart] = screen.getAllByRole('menuitem');
    expect(demo).toHaveFocus();
    fireEvent.keyDown(document, { key: 'ArrowDown' });
    expect(smart).toHaveFocus();
    fireEvent.keyDown(document, { key: 'ArrowDown' });
    expect(demo).toHaveFocus();
    fireEvent.keyDown(document, { key: 'ArrowUp' });
    expect(smart).toHaveFocus();
  });

  it('is disabled while the answer is queued or running', () => {
    const onRegenerate = vi.fn();
    render(<RegenerateControls lanes={lanes} disabled onRegenerate={onRegenerate} />);
    expect(screen.getByRole('button', { name: 'Regenerate' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Regenerate on another lane' })).toBeDisabled();
  });

  it('offers no menu when the server lists no lanes', () => {
    render(<RegenerateControls lanes={[]} onRegenerate={() => {}} />);
    expect(screen.queryByRole('button', { name: 'Regenerate on another lane' })).toBeNull();
  });
});
