// useUnreadTitle: the tab's title counts the unread answers: "(2) Lanechat".
import { useEffect } from 'react';

export const BASE_TITLE = 'Lanechat';

export function useUnreadTitle(total: number): void {
  useEffect(() => {
    document.title = total > 0 ? `(${total}) ${BASE_TITLE}` : BASE_TITLE;
  }, [total]);
}
