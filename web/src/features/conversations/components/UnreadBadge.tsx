// UnreadBadge: the count of a conversation's unread answers, beside its title in the list.
export function UnreadBadge({ count }: { count: number }) {
  if (count <= 0) return null;
  return (
    <span className="unread-badge" data-testid="unread-badge" aria-label={`${count} unread`}>
      {count}
    </span>
  );
}
