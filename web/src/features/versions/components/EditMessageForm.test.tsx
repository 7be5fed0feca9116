// EditMessageForm: starts with the message's text; Save & send or Enter resends the edited text,
// Shift+Enter adds a line, Cancel or Escape gives up; blank text cannot be sent.
import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { EditMessageForm } from './EditMessageForm';

function setup(initial = 'first try') {
  const onSave = vi.fn();
  const onCancel = vi.fn();
  render(<EditMessageForm initial={initial} onSave={onSave} onCancel={onCancel} />);
  const box = screen.getByRole('textbox', { name: 'Edited message' }) as HTMLTextAreaElement;
  return { onSave, onCancel, box };
}

describe('EditMessageForm', () => {
  it('starts with the message’s text, focused', () => {
    const { box } = setup();
    expect(box.value).toBe('first try');
    expect(box).toHaveFocus();
  });

  it('Save & send resends the edited text', () => {
    const { onSave, box } = setup();
    fireEvent.change(box, { target: { value: 'second try' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save & send' }));
    expect(onSave).toHaveBeenCalledWith('second try');
  });

  it('Enter sends, Shift+Enter does not', () => {
    const { onSave, box } = setup();
    fireEvent.keyDown(box, { key: 'Enter', shiftKey: true });
    expect(onSave).not.toHaveBeenCalled();
    fireEvent.change(box, { target: { value: 'by enter' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(onSave).toHaveBeenCalledWith('by enter');
  });

  it('Escape and Cancel give up without sending', () => {
    const { onSave, onCancel, box } = setup();
    fireEvent.keyDown(box, { key: 'Escape' });
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onCancel).toHaveBeenCalledTimes(2);
    expect(onSave).not.toHaveBeenCalled();
  });

  it('does not send blank text', () => {
    const { onSave, box } = setup();
    fireEvent.change(box, { target: { value: '   ' } });
    expect(screen.getByRole('button', { name: 'Save & send' })).toBeDisabled();
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(onSave).not.toHaveBeenCalled();
  });
});
