// Attachments against an MSW upload endpoint: files picked with the button, dropped and pasted
// upload at once and show as chips (a thumbnail once an image is stored); a refusal shows the
// server's words on its chip and holds the send back until removed; settle gives the files in order.
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { http, HttpResponse } from 'msw';
import { useEffect } from 'react';
import { mswServer } from '../../../test/msw';
import { sendMessage, type LanechatFile } from '../../../lib/api';
import { useAttachments } from '../hooks/use-attachments';
import { useFileDrop } from '../hooks/use-file-drop';
import { AttachButton } from './AttachButton';
import { AttachmentChips } from './AttachmentChips';
import { MessageFiles } from './MessageFiles';

interface Received {
  name: string | null;
  type: string | null;
  body: string;
}

let received: Received[] = [];
let stored = 0;

function handlers() {
  return [
    http.post('*/api/uploads', async ({ request }) => {
      const url = new URL(request.url);
      const name = url.searchParams.get('name');
      const body = await request.text();
      received.push({ name, type: request.headers.get('Content-Type'), body });
      if (name === 'doc.pdf') {
        return HttpResponse.json(
          {
            error: {
              code: 'unsupported_media_type',
              message: "The file 'doc.pdf' is refused: only text files and images are accepted.",
            },
          },
          { status: 415 },
        );
      }
      stored += 1;
      const image = (request.headers.get('Content-Type') ?? '').startsWith('image/');
      return HttpResponse.json(
        {
          id: `up-${stored}`,
          name,
          size: body.length,
          content_type: image ? 'image/png' : 'text/plain; charset=utf-8',
          url: `/api/files/up-${stored}`,
          kind: image ? 'image' : 'text',
        },
        { status: 201 },
      );
    }),
  ];
}

let api: ReturnType<typeof useAttachments> | null = null;

function Harness() {
  const attachments = useAttachments();
  const { dropHandlers, onPaste } = useFileDrop(attachments.add);
  useEffect(() => {
    api = attachments;
  });
  return (
    <div data-testid="zone" {...dropHandlers}>
      <AttachmentChips items={attachments.items} onRemove={attachments.remove} />
      <textarea aria-label="Message" onPaste={onPaste} />
      <AttachButton onFiles={attachments.add} />
      <button type="submit" disabled={attachments.hasErrors}>
        Send
      </button>
    </div>
  );
}

const png = () => new File(['\x89PNG fake'], 'cat.png', { type: 'image/png' });
const text = (name = 'notes.md') => new File(['# hello'], name, { type: 'text/markdown' });

describe('attachments', () => {
  beforeEach(() => {
    received = [];
    stored = 0;
    api = null;
    mswServer.use(...handlers());
  });
  afterEach(() => {
    api = null;
  });

  it('uploads the files picked with the button at once, with their names and types, and shows chips', async () => {
    render(<Harness />);
    fireEvent.change(screen.getByTestId('attach-input'), { target: { files: [png(), text()] } });
    expect(screen.getByText('cat.png')).toBeInTheDocument();
    await waitFor(() => expect(document.querySelectorAll('[data-status="done"]')).toHaveLength(2));
    expect(received.map((r) => [r.name, r.type])).toEqual([
      ['cat.png', 'image/png'],
      ['notes.md', 'text/markdown'],
    ]);
    // (The bytes themselves: jsdom's File does not pass through MSW's XHR; the e2e spec checks them.)
    const thumb = document.querySelector('img.attachment-thumb');
    expect(thumb?.getAttribute('src')).toBe('/api/files/up-1');
    let files: LanechatFile[] | null = null;
    await act(async () => {
      files = await api!.settle();
    });
    expect(files!.map((f) => f.id)).toEqual(['up-1', 'up-2']);
    expect(screen.getByRole('button', { name: 'Send' })).toBeEnabled();
  });

  it('shows the server’s refusal on its chip and holds the send back until the file is removed', async () => {
    render(<Harness />);
    fireEvent.change(screen.getByTestId('attach-input'), {
      target: { files: [new File(['%PDF'], 'doc.pdf', { type: 'application/pdf' }), text()] },
    });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent("The file 'doc.pdf' is refused");
    expect(screen.getByRole('button', { name: 'Send' })).toBeDisabled();
    let files: LanechatFile[] | null = [];
    await act(async () => {
      files = await api!.settle();
    });
    expect(files).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Remove doc.pdf' }));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByRole('button', { name: 'Send' })).toBeEnabled();
    await act(async () => {
      files = await api!.settle();
    });
    expect(files!.map((f) => f.name)).toEqual(['notes.md']);
  });

  it('takes files dropped onto the zone and images pasted into the box; the ninth is refused', async () => {
    render(<Harness />);
    const zone = screen.getByTestId('zone');
    fireEvent.dragEnter(zone, { dataTransfer: { types: ['Files'], files: [] } });
    fireEvent.drop(zone, { dataTransfer: { types: ['Files'], files: [text('dropped.txt')] } });
    fireEvent.paste(screen.getByLabelText('Message'), { clipboardData: { files: [png()] } });
    await waitFor(() => expect(received.map((r) => r.name)).toEqual(['dropped.txt', 'cat.png']));
    const more = Array.from({ length: 7 }, (_, i) => text(`f${i}.txt`));
    fireEvent.change(screen.getByTestId('attach-input'), { target: { files: more } });
    expect(await screen.findByRole('alert')).toHaveTextContent('At most 8 files per message.');
    await waitFor(() => expect(received).toHaveLength(8));
  });
});

describe('a message’s files and the send', () => {
  it('shows images as thumbnails and other files as download chips', () => {
    render(
      <MessageFiles
        files={[
          { id: 'a', name: 'cat.png', size: 10, content_type: 'image/png', url: '/api/files/a', kind: 'image' },
          { id: 'b', name: 'log.txt', size: 2048, content_type: 'text/plain', url: '/api/files/b', kind: 'text' },
        ]}
      />,
    );
    expect(screen.getByRole('img', { name: 'cat.png' })).toHaveAttribute('src', '/api/files/a');
    const link = screen.getByRole('link', { name: 'log.txt' });
    expect(link).toHaveAttribute('href', '/api/files/b');
    expect(link).toHaveAttribute('download', 'log.txt');
  });

  it('sends the upload ids as attachments', async () => {
    let body: unknown = null;
    mswServer.use(
      http.post('*/api/conversations/c1/messages', async ({ request }) => {
        body = await request.json();
        return HttpResponse.json(
          { status: 'queued', task_id: 't', message_id: 'm', conversation_id: 'c1', lane: 'demo' },
          { status: 202 },
        );
      }),
    );
    await sendMessage('c1', 'look', undefined, undefined, ['up-1', 'up-2']);
    expect(body).toEqual({ content: 'look', attachments: ['up-1', 'up-2'] });
  });
});
