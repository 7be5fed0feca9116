// AwayWatch: "answered while you were away", composed from the features: the badges follow the
// event stream (unread), the tab title counts them, and an answer that lands in a hidden tab
// raises a desktop notification (notifications). Renders nothing; mounted once signed in.
import { useCallback } from 'react';
import { useNavigate } from 'react-router';
import { useSocketUpdates } from '../contexts/WebSocketContext';
import { useConversations } from '../features/conversations/hooks/use-conversations';
import { useUnreadEvents } from '../features/unread/hooks/use-unread-events';
import { useUnreadTitle } from '../features/unread/hooks/use-unread-title';
import { useAnswerNotifications } from '../features/notifications/hooks/use-answer-notifications';

export function AwayWatch() {
  const subscribe = useSocketUpdates();
  const navigate = useNavigate();
  const { conversations } = useConversations();
  useUnreadEvents(subscribe);
  useUnreadTitle(conversations.reduce((sum, c) => sum + (c.unread_count ?? 0), 0));
  const titleOf = useCallback((id: string) => conversations.find((c) => c.id === id)?.title, [conversations]);
  const open = useCallback((id: string) => navigate(`/c/${id}`), [navigate]);
  useAnswerNotifications(subscribe, { titleOf, open });
  return null;
}
