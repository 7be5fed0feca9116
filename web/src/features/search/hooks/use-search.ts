// useSearch: the search box's state and its results (GET /api/search), pages with
// useInfiniteQuery; the query waits 250 ms after the last keystroke so typing costs one request.
import { useEffect, useState } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { searchConversations, type SearchHit } from '../../../lib/api';
import { searchKeys } from '../../../lib/query-keys';

const DEBOUNCE_MS = 250;

/** Whether `q` has something the server can search for (a letter or a digit). */
export function searchable(q: string): boolean {
  return /[\p{L}\p{N}]/u.test(q);
}

export function useSearch() {
  const [text, setText] = useState('');
  const [query, setQuery] = useState('');

  useEffect(() => {
    const timer = setTimeout(() => setQuery(text.trim()), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text]);

  const results = useInfiniteQuery({
    queryKey: searchKeys.query(query),
    queryFn: ({ pageParam, signal }) => searchConversations(query, pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.has_more && last.next_before ? last.next_before : undefined),
    enabled: searchable(query),
    staleTime: 10_000,
  });

  const hits: SearchHit[] = results.data?.pages.flatMap((p) => p.results) ?? [];
  return {
    text,
    setText,
    active: searchable(query),
    hits,
    isLoading: results.isFetching && !results.isFetchingNextPage,
    error: results.error,
    hasMore: results.hasNextPage,
    loadMore: () => void results.fetchNextPage(),
    clear: () => {
      setText('');
      setQuery('');
    },
  };
}
