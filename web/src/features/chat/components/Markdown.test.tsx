// Tests for the Markdown and MessageItem rendering of answers: the lazily loaded highlighter, Copy
// on a code block and on a whole answer, and a streaming answer re-rendering only its last block.
import { describe, expect, it } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Markdown } from './Markdown';
import { MessageItem } from './MessageItem';
import type { ChatMessage } from '../hooks/chat-messages';

const CODE =
  '```python\ndef greet(name):\n    return f"hi {name}"  # a very long line that should scroll, not wrap\n```';

function answer(content: string): ChatMessage {
  return {
    id: 'm1',
    role: 'assistant',
    content,
    status: 'completed',
    taskId: 't1',
    lane: 'demo',
    model: 'echo',
    costUsd: 0,
    files: [],
    error: null,
    cancelled: false,
    local: false,
  };
}

describe('Markdown', () => {
  it('shows code plain at once, then highlighted once highlight.js has loaded', async () => {
    const { container } = render(<Markdown content={CODE} />);
    const code = () => container.querySelector('pre code')!;
    expect(code().textContent).toContain('def greet(name):');
    expect(container.querySelector('.code-lang')!.textContent).toBe('python');
    await waitFor(() => expect(code().querySelector('.hljs-keyword')?.textContent).toBe('def'), { timeout: 5000 });
    expect(code().querySelector('.hljs-comment')).not.toBeNull();
  });

  it('copies a code block with its Copy button', async () => {
    const user = userEvent.setup();
    render(<Markdown content={`Here:\n\n${CODE}\n\nand more ${'`inline`'}`} />);
    const button = screen.getByRole('button', { name: 'Copy code' });
    await user.click(button);
    await waitFor(() => expect(button).toHaveTextContent('Copied'));
    expect(await navigator.clipboard.readText()).toBe(
      'def greet(name):\n    return f"hi {name}"  # a very long line that should scroll, not wrap',
    );
  });

  it('re-renders only the last block while an answer streams', async () => {
    const first = `Intro **text**.\n\n${CODE}\n\n`;
    const { container, rerender } = render(<Markdown content={`${first}The end is`} />);
    await waitFor(() => expect(container.querySelector('.hljs-keyword')).not.toBeNull(), { timeout: 5000 });
    const [intro, code] = [...container.querySelectorAll('.md-block')];
    const keyword = container.querySelector('.hljs-keyword');
    for (const tail of [
      'The end is near',
      'The end is near.\n\n```js\nconst x',
      'The end is near.\n\n```js\nconst x = 1;\n```',
    ]) {
      rerender(<Markdown content={first + tail} />);
      const blocks = [...container.querySelectorAll('.md-block')];
      expect(blocks[0]).toBe(intro); // the same DOM nodes: not re-rendered
      expect(blocks[1]).toBe(code);
      expect(container.querySelector('.hljs-keyword')).toBe(keyword);
    }
    const blocks = [...container.querySelectorAll('.md-block')];
    expect(blocks).toHaveLength(4);
    expect(blocks[3].querySelector('.code-lang')!.textContent).toBe('js');
    expect(blocks[3].querySelector('.hljs-keyword')!.textContent).toBe('const'); // closed now: highlighted
  });

  it('renders math once KaTeX has loaded, showing the TeX source until then', async () => {
    const { container } = render(<Markdown content={'Euler: $e^{i\\pi}+1=0$'} />);
    expect(container.querySelector('.math-source')?.textContent).toBe('$e^{i\\pi}+1=0$');
    await waitFor(() => expect(container.querySelector('.katex')).not.toBeNull(), { timeout: 5000 });
    expect(container.querySelector('.math-source')).toBeNull();
  });
});

describe('MessageItem', () => {
  it('copies the whole answer as its markdown', async () => {
    const user = userEvent.setup();
    const content = `**Answer** with code:\n\n${CODE}`;
    render(
      <ol>
        <MessageItem message={answer(content)} />
      </ol>,
    );
    const button = screen.getByRole('button', { name: 'Copy answer' });
    await user.click(button);
    await waitFor(() => expect(button).toHaveTextContent('Copied'));
    expect(await navigator.clipboard.readText()).toBe(content);
  });
});

describe('MessageItem: a stopped answer (E13)', () => {
  it('shows the text it had written, then the grey Stopped', () => {
    render(
      <MessageItem
        message={{ ...answer('Once **upon** a'), status: 'failed', error: 'cancelled', cancelled: true, model: null }}
      />,
    );
    expect(screen.getByText('upon').tagName).toBe('STRONG');
    const stopped = screen.getByText('Stopped');
    expect(stopped.closest('.bubble')).toHaveClass('stopped');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('stopped before any text: Stopped alone', () => {
    const { container } = render(
      <MessageItem message={{ ...answer(''), status: 'failed', error: 'cancelled', cancelled: true }} />,
    );
    expect(screen.getByText('Stopped')).toBeInTheDocument();
    expect(container.querySelector('[data-stopped-text]')).toBeNull();
  });

  it('a running answer with text so far from a read shows it, not the typing indicator', () => {
    render(<MessageItem message={{ ...answer(''), status: 'running', partial: 'so far' }} />);
    expect(screen.getByText('so far')).toBeInTheDocument();
    expect(screen.queryByRole('status', { name: 'Assistant is typing' })).toBeNull();
  });
});
