import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Highlighted } from './Highlighted';

describe('Highlighted', () => {
  it('marks the ranges and keeps the rest as text', () => {
    const { container } = render(
      <Highlighted
        text="The quick brown fox"
        ranges={[
          [4, 9],
          [16, 19],
        ]}
      />,
    );
    expect(Array.from(container.querySelectorAll('mark')).map((m) => m.textContent)).toEqual(['quick', 'fox']);
    expect(container.textContent).toBe('The quick brown fox');
  });

  it('never renders the snippet as HTML', () => {
    const { container } = render(<Highlighted text={'<img src=x onerror=alert(1)> bad'} ranges={[[0, 4]]} />);
    expect(container.querySelector('img')).toBeNull();
    expect(container.textContent).toBe('<img src=x onerror=alert(1)> bad');
  });

  it('ignores ranges that overlap, run past the end or are empty', () => {
    const { container } = render(
      <Highlighted
        text="abcdef"
        ranges={[
          [2, 4],
          [3, 5],
          [5, 99],
          [1, 1],
        ]}
      />,
    );
    expect(Array.from(container.querySelectorAll('mark')).map((m) => m.textContent)).toEqual(['cd']);
    expect(container.textContent).toBe('abcdef');
  });
});
