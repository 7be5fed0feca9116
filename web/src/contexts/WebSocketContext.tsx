// WebSocketContext: creates the tab's single socket (useWebSocket) once and shares it with the
// Header, the Chat page and anything else below it through useWebSocketContext().
import { createContext, useContext, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useWebSocket, type UseWebSocketOptions, type UseWebSocketResult } from '../hooks/use-websocket';
import { conversationKeys } from '../lib/query-keys';

const WebSocketContext = createContext<UseWebSocketResult | null>(null);

export interface WebSocketProviderProps {
  children: ReactNode;
  /** Passed to useWebSocket (tests set the URL and the jitter source). */
  options?: UseWebSocketOptions;
}

export function WebSocketProvider({ children, options }: WebSocketProviderProps) {
  const queryClient = useQueryClient();
  const websocket = useWebSocket({
    ...options,
    // The server cannot replay from where we were: our cached conversations may be stale.
    onReset: () => {
      void queryClient.invalidateQueries({ queryKey: conversationKeys.all });
      options?.onReset?.();
    },
    // After (re)subscribing, refresh what we show, in case an answer landed while we were away
    // from a point the server could replay (first connect has no `since`).
    onReady: () => {
      void queryClient.invalidateQueries({ queryKey: conversationKeys.all });
      options?.onReady?.();
    },
  });
  return <WebSocketContext.Provider value={websocket}>{children}</WebSocketContext.Provider>;
}

export function useWebSocketContext(): UseWebSocketResult {
  const value = useContext(WebSocketContext);
  if (value === null) throw new Error('useWebSocketContext must be used inside <WebSocketProvider>');
  return value;
}
