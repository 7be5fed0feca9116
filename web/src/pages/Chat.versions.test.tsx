// The Chat page with versions (issue 18) against the fake API's tree: Regenerate (own lane or a
// picked one) streams in like a sent answer and adds a version; ‹ › switches paths; Edit resends a
// user message as a new version (Escape gives up); another tab's switch shows here.
import { act, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { QueryClient } from '@tanstack/react-query';
import { MockWebSocket } from '../test/mock-websocket';
import type { FakeServer } from '../test/fake-server';
import { FakeTree } from '../test/fake-tree';
import { mswServer } from '../test/msw';
import { tick } from '../test/render';
import { renderApp } from '../test/app';
import { startFakeBackend, stopFakeBackend } from '../test/backend';

let server: FakeServer;
let client: QueryClient;
let tree: FakeTree;

beforeEach(() => {
  ({ server, client } = startFakeBackend());
  tree = new FakeTree(server);
  mswServer.use(...tree.handlers);
});

afterEach(() => stopFakeBackend(client));

async function open(conversationId: string) {
  renderApp(client, `/c/${conversationId}`);
  act(() => MockWebSocket.latest().serverReady(0));
  await tick();
}

function item(messageId: string): HTMLElement {
  const li = document.querySelector<HTMLElement>(`li[data-message-id="${messageId}"]`);
  if (!li) throw new Error(`message ${messageId} is not shown`);
  return li;
}

const shownIds = () =>
  [...document.querySelectorAll('ol.messages > li[data-message-id]')].map((li) => li.getAttribute('data-message-id'));

function complete(taskId: string, conversationId: string, content: string) {
  tree.finish(taskId, content);
  act(() =>
    MockWebSocket.latest().serverSend({
      event: 'update',
      id: 7,
      data: {
        type: 'task.completed',
        task_id: taskId,
        conversation_id: conversationId,
        lane: 'demo',
        result: { content, model: 'echo', cost_usd: 0.01, files: [] },
      },
    }),
  );
}

describe('Chat page versions', () => {
  it('regenerates an answer and waits for the new version like a sent answer', async () => {
    const conv = tree.seed('Versions', [['What is a lane?', 'A first answer.']]);
    const first = conv.messages[1]!;
    await open(conv.id);
    expect(within(item(first.id)).queryByRole('group', { name: /^Version/ })).toBeNull();

    fireEvent.click(within(item(first.id)).getByRole('button', { name: 'Regenerate' }));
    await tick();
    expect(tree.calls).toEqual([{ route: 'regenerate', messageId: first.id, body: { lane: 'demo' } }]);
    const task = [...server.tasks.values()].at(-1)!;
    const answer = item(task.message_id);
    expect(screen.queryByText('A first answer.')).toBeNull();
    expect(within(answer).getByRole('status', { name: 'Assistant is typing' })).toBeInTheDocument();
    expect(within(answer).getByRole('group', { name: 'Version 2 of 2' })).toHaveTextContent('2 / 2');
    expect(within(answer).getByRole('button', { name: 'Regenerate' })).toBeDisabled();
    // Registered with the socket like a send's answer: not polled while the socket is up.
    await act(async () => {
      await vi.advanceTimersByTimeAsync(1100); // one poll interval, in one step
    });
    expect(server.count('GET', `/api/tasks/${task.task_id}`)).toBe(0);

    complete(task.task_id, conv.id, 'A second answer.');
    await tick();
    expect(within(item(task.message_id)).getByText('A second answer.')).toBeInTheDocument();
    expect(screen.getByTestId('announcer').textContent).toContain('A second answer.');
    expect(within(item(task.message_id)).getByRole('button', { name: 'Regenerate' })).toBeEnabled();
  });

  it('switches between the versions of an answer with ‹ and ›', async () => {
    const conv = tree.seed('Versions', [['What is a lane?', 'A first answer.']]);
    const [question, first] = conv.messages;
    const second = tree.add(conv.id, 'assistant', 'A second answer.', question!.id, null);
    tree.switchTo(conv.id, second.id);
    await open(conv.id);
    expect(within(item(second.id)).getByRole('group', { name: 'Version 2 of 2' })).toBeInTheDocument();
    expect(within(item(second.id)).getByRole('button', { name: 'Next version' })).toBeDisabled();

    fireEvent.click(within(item(second.id)).getByRole('button', { name: 'Previous version' }));
    await tick();
    expect(tree.calls.at(-1)).toEqual({ route: 'switch', messageId: first!.id, body: { message_id: first!.id } });
    expect(shownIds()).toEqual([question!.id, first!.id]);
    expect(within(item(first!.id)).getByText('A first answer.')).toBeInTheDocument();
    expect(within(item(first!.id)).getByRole('group', { name: 'Version 1 of 2' })).toBeInTheDocument();
    expect(within(item(first!.id)).getByRole('button', { name: 'Previous version' })).toBeDisabled();

    fireEvent.click(within(item(first!.id)).getByRole('button', { name: 'Next version' }));
    await tick();
    expect(shownIds()).toEqual([question!.id, second.id]);
  });

  it('regenerates on a lane picked from the menu', async () => {
    const conv = tree.seed('Lanes', [['q', 'a']]);
    const answer = conv.messages[1]!;
    await open(conv.id);
    fireEvent.click(within(item(answer.id)).getByRole('button', { name: 'Regenerate on another lane' }));
    fireEvent.click(screen.getByRole('menuitem', { name: 'smart (big-1)' }));
    await tick();
    expect(tree.calls).toEqual([{ route: 'regenerate', messageId: answer.id, body: { lane: 'smart' } }]);
    const task = [...server.tasks.values()].at(-1)!;
    expect(task.lane).toBe('smart');
    expect(item(task.message_id)).toHaveAttribute('data-status', 'queued');
  });

  it('edits a user message and resends it as a new version; Escape leaves it as it was', async () => {
    const conv = tree.seed('Edit', [
      ['first question', 'first answer'],
      ['second question', 'second answer'],
    ]);
    const second = conv.messages[2]!;
    await open(conv.id);

    fireEvent.click(within(item(second.id)).getByRole('button', { name: 'Edit message' }));
    const box = screen.getByRole('textbox', { name: 'Edited message' }) as HTMLTextAreaElement;
    expect(box.value).toBe('second question');
    fireEvent.change(box, { target: { value: 'not sent' } });
    fireEvent.keyDown(box, { key: 'Escape' });
    expect(screen.queryByRole('textbox', { name: 'Edited message' })).toBeNull();
    expect(within(item(second.id)).getByText('second question')).toBeInTheDocument();
    expect(tree.calls).toEqual([]);

    fireEvent.click(within(item(second.id)).getByRole('button', { name: 'Edit message' }));
    const again = screen.getByRole('textbox', { name: 'Edited message' });
    fireEvent.change(again, { target: { value: 'second question, better put' } });
    fireEvent.keyDown(again, { key: 'Enter' });
    await tick();
    expect(tree.calls).toEqual([
      { route: 'edit', messageId: second.id, body: { content: 'second question, better put', lane: 'demo' } },
    ]);
    const task = [...server.tasks.values()].at(-1)!;
    const edited = tree.all.get(tree.all.get(task.message_id)!.parent_id!)!;
    expect(shownIds()).toEqual([conv.messages[0]!.id, conv.messages[1]!.id, edited.id, task.message_id]);
    expect(within(item(edited.id)).getByText('second question, better put')).toBeInTheDocument();
    expect(within(item(edited.id)).getByRole('group', { name: 'Version 2 of 2' })).toBeInTheDocument();
    expect(screen.queryByText('second answer')).toBeNull();
    expect(within(item(task.message_id)).getByRole('status', { name: 'Assistant is typing' })).toBeInTheDocument();

    complete(task.task_id, conv.id, 'a better answer');
    await tick();
    expect(within(item(task.message_id)).getByText('a better answer')).toBeInTheDocument();
    // The old branch is one switch away, with what followed it.
    fireEvent.click(within(item(edited.id)).getByRole('button', { name: 'Previous version' }));
    await tick();
    expect(shownIds()).toEqual(conv.messages.map((m) => m.id));
    expect(screen.getByText('second answer')).toBeInTheDocument();
  });

  it('follows a switch made in another tab (the conversation.switched event)', async () => {
    const conv = tree.seed('Tabs', [['q', 'old answer']]);
    const [question, old] = conv.messages;
    await open(conv.id);
    const other = tree.add(conv.id, 'assistant', 'answer from the other tab', question!.id, null);
    tree.switchTo(conv.id, other.id);
    act(() =>
      MockWebSocket.latest().serverSend({
        event: 'update',
        id: 9,
        data: { type: 'conversation.switched', conversation_id: conv.id, leaf_id: other.id },
      }),
    );
    await tick();
    expect(shownIds()).toEqual([question!.id, other.id]);
    expect(within(item(other.id)).getByRole('group', { name: 'Version 2 of 2' })).toBeInTheDocument();
    expect(screen.queryByText('old answer')).toBeNull();
    expect(old).toBeDefined();
  });

  it('offers Regenerate on a failed answer too, and asks on the conversation’s lane when the answer had none', async () => {
    const conv = tree.seed('Failed', [['q', 'a']]);
    const answer = conv.messages[1]!;
    Object.assign(answer, { status: 'failed', error: 'lane crashed', content: '', lane: null });
    await open(conv.id);
    expect(within(item(answer.id)).getByRole('alert')).toHaveTextContent('lane crashed');
    fireEvent.click(within(item(answer.id)).getByRole('button', { name: 'Regenerate' }));
    await tick();
    expect(tree.calls).toEqual([{ route: 'regenerate', messageId: answer.id, body: {} }]);
  });

  it('shows why a version could not be shown', async () => {
    const conv = tree.seed('Gone', [['q', 'a']]);
    const answer = conv.messages[1]!;
    answer.sibling_ids = [answer.id, 'msg-deleted'];
    await open(conv.id);
    fireEvent.click(within(item(answer.id)).getByRole('button', { name: 'Next version' }));
    await tick();
    expect(screen.getByRole('alert')).toHaveTextContent('That version could not be shown: No such message.');
    expect(shownIds()).toEqual([conv.messages[0]!.id, answer.id]);
  });
});

describe('Chat page versions without the socket', () => {
  it('polls a regenerated answer while the socket is down, as a sent one', async () => {
    const conv = tree.seed('Offline', [['q', 'a']]);
    renderApp(client, `/c/${conv.id}`);
    await tick(); // the socket never says `ready`
    fireEvent.click(within(item(conv.messages[1]!.id)).getByRole('button', { name: 'Regenerate' }));
    await tick();
    const task = [...server.tasks.values()].at(-1)!;
    await tick(1100);
    expect(server.count('GET', `/api/tasks/${task.task_id}`)).toBeGreaterThan(0);
    tree.finish(task.task_id, 'polled answer');
    await tick(1100);
    expect(within(item(task.message_id)).getByText('polled answer')).toBeInTheDocument();
  });
});
