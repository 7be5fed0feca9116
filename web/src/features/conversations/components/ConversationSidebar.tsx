// ConversationSidebar: the list of conversations (title, total cost) with new, rename and delete.
import { useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import { NavLink, useMatch, useNavigate } from 'react-router';
import { useConversations } from '../hooks/use-conversations';
import { formatCost } from '../../../lib/format';
import type { Conversation } from '../../../lib/api';
import { UnreadBadge } from './UnreadBadge';

export interface ConversationSidebarProps {
  open: boolean;
  onNavigate?: () => void;
  /** Wraps the list (the app layer puts the search panel around it); the list alone by default. */
  wrapList?: (list: ReactNode) => ReactNode;
  /** Shown below the list (settings, export and import). */
  footer?: ReactNode;
}

export function ConversationSidebar({ open, onNavigate, wrapList = (list) => list, footer }: ConversationSidebarProps) {
  const {
    conversations,
    isLoading,
    hasMore,
    isLoadingMore,
    loadMore,
    error,
    createConversation,
    renameConversation,
    deleteConversation,
  } = useConversations();
  const navigate = useNavigate();
  const match = useMatch('/c/:conversationId');
  const currentId = match?.params.conversationId ?? null;
  const [editing, setEditing] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);

  const onNew = async () => {
    setActionError(null);
    try {
      const conversation = await createConversation(undefined);
      navigate(`/c/${conversation.id}`);
      onNavigate?.();
    } catch (err) {
      setActionError(err instanceof Error ? err.message : 'Could not create a conversation.');
    }
  };

  const onDelete = async (conversation: Conversation) => {
    if (!window.confirm(`Delete “${conversation.title || 'Untitled'}”? Its messages and files go too.`)) return;
    setActionError(null);
    try {
      await deleteConversation(conversation.id);
      if (conversation.id === currentId) navigate('/');
    } catch (err) {
      setActionError(err instanceof Error ? err.message : 'Could not delete the conversation.');
    }
  };

  const onRename = async (conversation: Conversation, title: string) => {
    setEditing(null);
    const trimmed = title.trim();
    if (trimmed === '' || trimmed === conversation.title) return;
    setActionError(null);
    try {
      await renameConversation({ id: conversation.id, title: trimmed });
    } catch (err) {
      setActionError(err instanceof Error ? err.message : 'Could not rename the conversation.');
    }
  };

  return (
    <nav id="sidebar" className={open ? 'sidebar open' : 'sidebar'} aria-label="Conversations">
      <button type="button" className="new-button" onClick={onNew}>
        + New conversation
      </button>
      {actionError && (
        <p className="sidebar-error" role="alert">
          {actionError}
        </p>
      )}
      {wrapList(
        <>
          {isLoading && <p className="muted">Loading…</p>}
          {error && <p className="sidebar-error">Conversations could not be loaded: {error.message}</p>}
          <ul className="conversation-list">
            {conversations.map((c) => (
              <li key={c.id} className={c.id === currentId ? 'conversation current' : 'conversation'}>
                {editing === c.id ? (
                  <RenameForm
                    conversation={c}
                    onDone={(title) => onRename(c, title)}
                    onCancel={() => setEditing(null)}
                  />
                ) : (
                  <>
                    <NavLink to={`/c/${c.id}`} className="conversation-link" onClick={onNavigate}>
                      <span className="conversation-title">{c.title || 'Untitled'}</span>
                      {c.id !== currentId && <UnreadBadge count={c.unread_count ?? 0} />}
                      <span className="conversation-cost" title="Total cost">
                        {formatCost(c.total_cost_usd)}
                      </span>
                    </NavLink>
                    <span className="conversation-actions">
                      <button type="button" className="icon-button" onClick={() => setEditing(c.id)}>
                        <span aria-hidden="true">✎</span>
                        <span className="sr-only">Rename {c.title || 'Untitled'}</span>
                      </button>
                      <button type="button" className="icon-button" onClick={() => onDelete(c)}>
                        <span aria-hidden="true">×</span>
                        <span className="sr-only">Delete {c.title || 'Untitled'}</span>
                      </button>
                    </span>
                  </>
                )}
              </li>
            ))}
          </ul>
          {hasMore && (
            <button type="button" className="more-button" onClick={loadMore} disabled={isLoadingMore}>
              {isLoadingMore ? 'Loading…' : 'More conversations'}
            </button>
          )}
        </>,
      )}
      {footer && <div className="sidebar-footer">{footer}</div>}
    </nav>
  );
}

function RenameForm({
  conversation,
  onDone,
  onCancel,
}: {
  conversation: Conversation;
  onDone: (title: string) => void;
  onCancel: () => void;
}) {
  const [title, setTitle] = useState(conversation.title);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onDone(title);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Escape') onCancel();
  };
  return (
    <form className="rename-form" onSubmit={submit}>
      <label className="sr-only" htmlFor={`rename-${conversation.id}`}>
        New title
      </label>
      <input
        id={`rename-${conversation.id}`}
        value={title}
        autoFocus
        maxLength={200}
        onChange={(e) => setTitle(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <button type="submit">Save</button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}
