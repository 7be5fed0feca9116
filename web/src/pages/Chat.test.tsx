// Tests for the Chat page: typing indicator, Enter / Shift+Enter, answer rendering with its
// lane · model · $cost line and file links, failures in red, aria-live, sanitizing, lane picker.
import { act, fireEvent, screen } from '@testing-library/react';
import { http } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { QueryClient } from '@tanstack/react-query';
import { MockWebSocket } from '../test/mock-websocket';
import { FakeServer } from '../test/fake-server';
import { mswServer } from '../test/msw';
import { tick } from '../test/render';
import { renderApp } from '../test/app';
import { startFakeBackend, stopFakeBackend } from '../test/backend';

let server: FakeServer;
let client: QueryClient;

beforeEach(() => {
  ({ server, client } = startFakeBackend());
});

afterEach(() => stopFakeBackend(client));

async function openConversation() {
  const conv = server.addConversation('My chat');
  renderApp(client, `/c/${conv.id}`);
  act(() => MockWebSocket.latest().serverReady(0));
  await tick();
  return conv;
}

async function type(text: string, opts: { shift?: boolean } = {}) {
  const box = screen.getByLabelText('Message') as HTMLTextAreaElement;
  fireEvent.change(box, { target: { value: text } });
  fireEvent.keyDown(box, { key: 'Enter', shiftKey: opts.shift ?? false });
  await tick();
  return box;
}

function lastTask(): string {
  return [...server.tasks.keys()].at(-1)!;
}

describe('Chat page', () => {
  it('Enter sends, shows the typing indicator, keeps the input usable', async () => {
    await openConversation();
    const box = await type('first question');
    expect(server.count('POST', '/api/conversations/')).toBe(1);
    expect(screen.getByText('first question')).toBeInTheDocument();
    expect(screen.getByRole('status', { name: 'Assistant is typing' })).toBeInTheDocument();
    expect(box).not.toBeDisabled();
    expect(box.value).toBe('');
    await type('second question while pending');
    expect(server.count('POST', '/api/conversations/')).toBe(2);
    expect(screen.getAllByRole('status', { name: 'Assistant is typing' })).toHaveLength(2);
  });

  it('says so when only the newest page of a long conversation is shown', async () => {
    const conv = server.addConversation('Long chat');
    Object.assign(conv, { message_count: 250, has_more: true, next_before: 'msg-x' });
    renderApp(client, `/c/${conv.id}`);
    act(() => MockWebSocket.latest().serverReady(0));
    await tick();
    expect(screen.getByText('Only the newest 0 of 250 messages are shown.')).toBeInTheDocument();
  });

  it('Shift+Enter does not send', async () => {
    await openConversation();
    const box = await type('line one', { shift: true });
    expect(server.count('POST', '/api/conversations/')).toBe(0);
    expect(box.value).toBe('line one');
  });

  it('renders the answer as markdown with lane · model · $cost, files, and announces it', async () => {
    const conv = await openConversation();
    await type('hello');
    const taskId = lastTask();
    act(() =>
      MockWebSocket.latest().serverSend({
        event: 'update',
        id: 1,
        data: {
          type: 'task.completed',
          task_id: taskId,
          conversation_id: conv.id,
          lane: 'demo',
          result: {
            content: 'Here is **bold**\n\n```\ncode()\n```',
            model: 'demo-model',
            cost_usd: 0.12,
            files: [{ id: 'f1', name: 'report.txt', size: 12, content_type: 'text/plain', url: '/api/files/f1' }],
          },
        },
      }),
    );
    await tick();
    expect(screen.queryByRole('status', { name: 'Assistant is typing' })).toBeNull();
    expect(screen.getByText('bold').tagName).toBe('STRONG');
    expect(screen.getByText('code()').closest('pre')).not.toBeNull();
    expect(screen.getByText('demo · demo-model · $0.12')).toBeInTheDocument();
    const link = screen.getByRole('link', { name: 'report.txt' });
    expect(link).toHaveAttribute('href', '/api/files/f1');
    const live = screen.getByTestId('announcer');
    expect(live).toHaveAttribute('aria-live', 'polite');
    expect(live.textContent).toContain('Here is **bold**');
  });

  it('shows a failed answer in red with its error', async () => {
    const conv = await openConversation();
    await type('hello');
    act(() =>
      MockWebSocket.latest().serverSend({
        event: 'update',
        id: 1,
        data: {
          type: 'task.failed',
          task_id: lastTask(),
          conversation_id: conv.id,
          lane: 'demo',
          result: null,
          error: 'lane crashed',
        },
      }),
    );
    await tick();
    const error = screen.getByText('lane crashed');
    const box = error.closest('.bubble') as HTMLElement;
    // Its red is the theme's --danger (styles.css; its contrast is checked in theme-contrast.test.ts).
    expect(box).toHaveClass('failed');
    expect(box).toHaveAttribute('role', 'alert');
  });

  it('renders hostile answers inert', async () => {
    const conv = await openConversation();
    await type('x');
    act(() =>
      MockWebSocket.latest().serverSend({
        event: 'update',
        id: 1,
        data: {
          type: 'task.completed',
          task_id: lastTask(),
          conversation_id: conv.id,
          lane: 'demo',
          result: {
            content: 'hi <img src=x onerror="window.__xss=1"><script>window.__xss=1</script>',
            model: 'm',
            cost_usd: 0,
            files: [],
          },
        },
      }),
    );
    await tick();
    const answer = document.querySelector('.message.assistant .markdown')!;
    expect(answer.querySelector('script')).toBeNull();
    expect(answer.querySelector('img')?.getAttribute('onerror') ?? null).toBeNull();
  });

  it('offers the server lanes, the default preselected, and sends the chosen one', async () => {
    await openConversation();
    const select = screen.getByLabelText('Lane') as HTMLSelectElement;
    expect([...select.options].map((o) => o.value)).toEqual(['demo', 'smart']);
    expect(select.value).toBe('demo');
    fireEvent.change(select, { target: { value: 'smart' } });
    await type('use the smart one');
    const post = server.requests.find((r) => r.method === 'POST' && r.path.endsWith('/messages'))!;
    expect(post.body).toEqual({ content: 'use the smart one', lane: 'smart' });
  });

  it('after a reload shows the pending answer as typing, then the answer', async () => {
    const conv = server.addConversation('Reloaded');
    await fetch(`/api/conversations/${conv.id}/messages`, {
      method: 'POST',
      body: JSON.stringify({ content: 'long task' }),
    });
    renderApp(client, `/c/${conv.id}`);
    await tick();
    expect(screen.getByRole('status', { name: 'Assistant is typing' })).toBeInTheDocument();
    act(() => MockWebSocket.latest().serverReady(0));
    server.finishTask(lastTask(), { content: 'done now', model: 'demo', cost_usd: 0 });
    act(() =>
      MockWebSocket.latest().serverSend({
        event: 'update',
        id: 1,
        data: {
          type: 'task.completed',
          task_id: lastTask(),
          conversation_id: conv.id,
          lane: 'demo',
          result: { content: 'done now', model: 'demo', cost_usd: 0, files: [] },
        },
      }),
    );
    await tick();
    expect(screen.getByText('done now')).toBeInTheDocument();
    expect(screen.queryByRole('status', { name: 'Assistant is typing' })).toBeNull();
    expect(screen.getAllByText('done now')).toHaveLength(1);
  });

  it('sending from the start page creates a conversation and lists it with its cost', async () => {
    renderApp(client, '/');
    act(() => MockWebSocket.latest().serverReady(0));
    await tick();
    await type('brand new');
    await tick();
    expect(server.conversations.size).toBe(1);
    const conv = [...server.conversations.values()][0];
    expect(conv.title).toBe('brand new');
    expect(screen.getByRole('link', { name: /brand new/ })).toHaveTextContent('$0.00');
    expect(screen.getByText('brand new', { selector: '.user-text' })).toBeInTheDocument();
  });

  it('a send from the start page shows the message and the pending answer before the conversation exists', async () => {
    renderApp(client, '/');
    act(() => MockWebSocket.latest().serverReady(0));
    await tick();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    // Hold the conversation's creation until the test has looked at the page.
    mswServer.use(
      http.post('*/api/conversations', async () => {
        await gate;
        return undefined;
      }),
    );
    await type('first words');
    expect(server.conversations.size).toBe(0);
    expect(screen.getByText('first words', { selector: '.user-text' })).toBeInTheDocument();
    expect(screen.getByRole('status', { name: 'Assistant is typing' })).toBeInTheDocument();
    expect(screen.queryByText('Send a message to start.')).toBeNull();
    release();
    await tick();
    expect(server.conversations.size).toBe(1);
    expect(screen.getAllByText('first words', { selector: '.user-text' })).toHaveLength(1);
    expect(screen.getAllByRole('status', { name: 'Assistant is typing' })).toHaveLength(1);
    const conv = [...server.conversations.values()][0]!;
    act(() =>
      MockWebSocket.latest().serverSend({
        event: 'update',
        id: 1,
        data: {
          type: 'task.completed',
          task_id: lastTask(),
          conversation_id: conv.id,
          lane: 'demo',
          result: { content: 'the reply', model: 'demo', cost_usd: 0, files: [] },
        },
      }),
    );
    await tick();
    expect(screen.getByText('the reply')).toBeInTheDocument();
    expect(screen.getAllByText('first words', { selector: '.user-text' })).toHaveLength(1);
  });

  it('renames and deletes conversations from the sidebar', async () => {
    const conv = await openConversation();
    fireEvent.click(screen.getByRole('button', { name: 'Rename My chat' }));
    const input = screen.getByLabelText('New title');
    fireEvent.change(input, { target: { value: 'Renamed' } });
    fireEvent.submit(input.closest('form')!);
    await tick();
    const patch = server.requests.find((r) => r.method === 'PATCH')!;
    expect(patch).toEqual({ method: 'PATCH', path: `/api/conversations/${conv.id}`, body: { title: 'Renamed' } });
    expect(screen.getByRole('link', { name: /Renamed/ })).toBeInTheDocument();
    vi.spyOn(window, 'confirm').mockReturnValue(true);
    fireEvent.click(screen.getByRole('button', { name: 'Delete Renamed' }));
    await tick();
    expect(server.conversations.size).toBe(0);
    expect(screen.queryByRole('link', { name: /Renamed/ })).toBeNull();
  });
  it('grows the answer from progress frames (sanitized like the final answer), then shows the final', async () => {
    const conv = await openConversation();
    await type('stream please');
    const ws = MockWebSocket.latest();
    const taskId = lastTask();
    expect(screen.getByRole('status', { name: 'Assistant is typing' })).toBeInTheDocument();
    act(() =>
      ws.serverSend({
        event: 'progress',
        data: {
          task_id: taskId,
          message_id: 'm',
          delta: 'Partial **bold** <img src=x onerror="window.__x=1">',
          offset: 0,
        },
      }),
    );
    await tick(100);
    const streaming = document.querySelector('[data-streaming="true"]') as HTMLElement;
    expect(streaming).not.toBeNull();
    expect(streaming.querySelector('strong')?.textContent).toBe('bold');
    expect(streaming.querySelector('img')).toBeNull();
    expect(screen.queryByRole('status', { name: 'Assistant is typing' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Stop' })).toBeEnabled();
    server.finishTask(taskId, { content: 'The whole answer', model: 'demo', cost_usd: 0 });
    act(() =>
      ws.serverSend({
        event: 'update',
        id: 1,
        data: {
          type: 'task.completed',
          task_id: taskId,
          conversation_id: conv.id,
          lane: 'demo',
          result: { content: 'The whole answer', model: 'demo', cost_usd: 0, files: [] },
        },
      }),
    );
    await tick();
    expect(document.querySelector('[data-streaming="true"]')).toBeNull();
    expect(screen.getByText('The whole answer')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Stop' })).toBeNull();
  });

  it('Stop cancels a pending answer and shows it as stopped in neutral style, not as a failure', async () => {
    await openConversation();
    await type('stop this');
    const taskId = lastTask();
    fireEvent.click(screen.getByRole('button', { name: 'Stop' }));
    await tick();
    expect(server.count('POST', `/api/tasks/${taskId}/cancel`)).toBe(1);
    const stopped = screen.getByText('Stopped');
    expect(stopped.closest('.bubble')).toHaveClass('stopped');
    expect(stopped.closest('.bubble')).not.toHaveAttribute('role', 'alert');
    expect(screen.queryByText(/Failed/)).toBeNull();
    expect(screen.queryByRole('button', { name: 'Stop' })).toBeNull();
    expect(screen.queryByRole('status', { name: 'Assistant is typing' })).toBeNull();
  });
});
