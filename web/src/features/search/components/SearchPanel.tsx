// SearchPanel: the sidebar's search box and, while it holds words, the results in place of the
// conversation list. A result opens its conversation at the message (`?m=<message id>`).
import type { ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { useSearch } from '../hooks/use-search';
import { Highlighted } from './Highlighted';
import type { SearchHit } from '../../../lib/api';

export interface SearchPanelProps {
  /** What shows while the box is empty: the conversation list. */
  children: ReactNode;
  onNavigate?: () => void;
}

export function SearchPanel({ children, onNavigate }: SearchPanelProps) {
  const search = useSearch();
  const navigate = useNavigate();

  const open = (hit: SearchHit) => {
    navigate(`/c/${hit.conversation_id}` + (hit.message_id ? `?m=${encodeURIComponent(hit.message_id)}` : ''));
    onNavigate?.();
  };

  return (
    <>
      <div className="search-box" role="search">
        <input
          type="search"
          aria-label="Search conversations"
          placeholder="Search"
          data-shortcut-target="search"
          value={search.text}
          onChange={(e) => search.setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') search.clear();
          }}
        />
      </div>
      {!search.active ? (
        children
      ) : (
        <div className="search-results" aria-live="polite">
          {search.isLoading && <p className="muted">Searching…</p>}
          {search.error && <p className="sidebar-error">Search failed: {search.error.message}</p>}
          {!search.isLoading && !search.error && search.hits.length === 0 && <p className="muted">No matches.</p>}
          <ul className="search-hits">
            {search.hits.map((hit) => (
              <li key={(hit.message_id ?? 'title') + hit.conversation_id}>
                <button type="button" className="search-hit" onClick={() => open(hit)}>
                  <span className="search-hit-title">
                    {hit.message_id === null ? (
                      <Highlighted text={hit.snippet} ranges={hit.highlights} />
                    ) : (
                      hit.conversation_title || 'Untitled'
                    )}
                  </span>
                  {hit.message_id !== null && (
                    <span className="search-hit-snippet">
                      <span className="search-hit-role">{hit.role === 'user' ? 'You' : 'Answer'}: </span>
                      <Highlighted text={hit.snippet} ranges={hit.highlights} />
                    </span>
                  )}
                </button>
              </li>
            ))}
          </ul>
          {search.hasMore && (
            <button type="button" className="load-more" onClick={search.loadMore}>
              More results
            </button>
          )}
        </div>
      )}
    </>
  );
}
