// MessageItem: one message — user text; a pending answer (the typing indicator, or its live
// partial text, with a Stop button); the answer (sanitized markdown, "lane · model · $cost",
// file links, a Copy button for the whole answer's markdown); a stopped answer (the text it had
// written, then "Stopped" in neutral grey); a failed answer in red (the theme's --danger, so it
// stays readable in dark mode).
import { useState, type ReactNode } from 'react';
import type { LanechatFile } from '../../../lib/api';
import type { ChatMessage } from '../hooks/chat-messages';
import { formatCost, formatSize } from '../../../lib/format';
import { useCopy } from '../hooks/use-copy';
import { Markdown } from './Markdown';

const COPY_LABEL = { idle: 'Copy', copied: 'Copied', failed: 'Copy failed' } as const;

function CopyAnswerButton({ content }: { content: string }) {
  const { state, copy } = useCopy();
  return (
    <button type="button" className="copy-button copy-answer" aria-label="Copy answer" onClick={() => copy(content)}>
      {COPY_LABEL[state]}
    </button>
  );
}

export function TypingIndicator() {
  return (
    <div className="typing" role="status" aria-label="Assistant is typing">
      <span className="typing-dot" aria-hidden="true" />
      <span className="typing-dot" aria-hidden="true" />
      <span className="typing-dot" aria-hidden="true" />
      <span className="sr-only">Assistant is typing…</span>
    </div>
  );
}

export interface MessageItemProps {
  message: ChatMessage;
  /** Stops this pending answer; without it no Stop button is shown. */
  onStop?: (taskId: string) => Promise<void> | void;
  /** Shows a user message's attachments (E14); without it they are not shown. */
  renderFiles?: (files: LanechatFile[]) => ReactNode;
  /** Shown under the message: its actions and version switch (features/versions, composed by the page). */
  tools?: ReactNode;
  /** Shown instead of a user message's text (its editor). */
  editor?: ReactNode;
}

function StopButton({ taskId, onStop }: { taskId: string | null; onStop: (taskId: string) => Promise<void> | void }) {
  const [stopping, setStopping] = useState(false);
  return (
    <button
      type="button"
      className="stop-button"
      data-shortcut-target="stop"
      // Until the send is answered there is no task to cancel yet.
      disabled={taskId === null || stopping}
      onClick={() => {
        if (taskId === null) return;
        setStopping(true);
        void Promise.resolve(onStop(taskId)).finally(() => setStopping(false));
      }}
    >
      {stopping ? 'Stopping…' : 'Stop'}
    </button>
  );
}

export function MessageItem({ message, onStop, tools, editor, renderFiles }: MessageItemProps) {
  const toolbar = tools ? <div className="message-tools">{tools}</div> : null;
  if (message.role === 'user') {
    return (
      <li className="message user" data-role="user" data-message-id={message.id}>
        <span className="sr-only">You: </span>
        {message.files.length > 0 && renderFiles?.(message.files)}
        {editor ?? <div className="bubble user-text">{message.content}</div>}
        {toolbar}
      </li>
    );
  }
  const pending = message.status === 'queued' || message.status === 'running';
  return (
    <li
      className={`message assistant ${message.status}`}
      data-role="assistant"
      data-status={message.status}
      data-message-id={message.id}
    >
      <span className="sr-only">Assistant: </span>
      {pending ? (
        <>
          {message.partial !== undefined && message.partial.length > 0 ? (
            <div className="bubble answer streaming" data-streaming="true">
              <Markdown content={message.partial} />
            </div>
          ) : (
            <TypingIndicator />
          )}
          {onStop && <StopButton taskId={message.taskId} onStop={onStop} />}
        </>
      ) : message.status === 'failed' ? (
        message.cancelled ? (
          <>
            {message.content.length > 0 && (
              <div className="bubble answer stopped-answer" data-stopped-text="true">
                <Markdown content={message.content} />
              </div>
            )}
            <div className="bubble stopped" data-stopped="true">
              Stopped
            </div>
          </>
        ) : (
          <div className="bubble failed" role="alert">
            <strong>Failed:</strong> <span className="error-text">{message.error ?? 'The task failed.'}</span>
          </div>
        )
      ) : (
        <div className="bubble answer">
          <Markdown content={message.content} />
          {message.files.length > 0 && (
            <ul className="files" aria-label="Files">
              {message.files.map((f) => (
                <li key={f.id}>
                  <a href={f.url} download={f.name}>
                    {f.name}
                  </a>{' '}
                  <span className="muted">({formatSize(f.size)})</span>
                </li>
              ))}
            </ul>
          )}
          <div className="answer-foot">
            <div className="meta">
              {[message.lane ?? '—', message.model ?? '—', formatCost(message.costUsd)].join(' · ')}
            </div>
            <CopyAnswerButton content={message.content} />
          </div>
        </div>
      )}
      {toolbar}
    </li>
  );
}
