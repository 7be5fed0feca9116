// WebSocketContext: creates the tab's single socket once and shares it below. The context value
// is the socket itself (stable), not its state: each consumer subscribes to what it reads, so the
// Header (useSocketStatus) renders on connect/disconnect only, while useWebSocketContext() (the
// chat) renders on every `update` frame as well.
import { createContext, useContext, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import {
  useSocketConnected,
  useSocketOwner,
  useSocketResult,
  type SocketHandle,
  type UseWebSocketOptions,
  type UseWebSocketResult,
} from '../hooks/use-websocket';
import { conversationKeys } from '../lib/query-keys';

const WebSocketContext = createContext<SocketHandle | null>(null);

export interface WebSocketProviderProps {
  children: ReactNode;
  /** Passed to useWebSocket (tests set the URL and the jitter source). */
  options?: UseWebSocketOptions;
}

export function WebSocketProvider({ children, options }: WebSocketProviderProps) {
  const queryClient = useQueryClient();
  const handle = useSocketOwner({
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
  return <WebSocketContext.Provider value={handle}>{children}</WebSocketContext.Provider>;
}

function useSocketHandle(): SocketHandle {
  const value = useContext(WebSocketContext);
  if (value === null) throw new Error('useWebSocketContext must be used inside <WebSocketProvider>');
  return value;
}

/** Everything useWebSocket returns; renders on every `update` frame. */
export function useWebSocketContext(): UseWebSocketResult {
  return useSocketResult(useSocketHandle());
}

/** Only whether the socket is connected (and subscribed): no render per event. */
export function useSocketStatus(): boolean {
  return useSocketConnected(useSocketHandle().socket);
}

/** Reconnect at once (after signing in), without subscribing to anything. */
export function useSocketReconnect(): () => void {
  return useSocketHandle().socket.reconnect;
}

/** Subscribes to the socket's `update` frames without re-rendering on them (badges, notifications). */
export function useSocketUpdates(): UseWebSocketResult['subscribeUpdates'] {
  return useSocketHandle().socket.onUpdate;
}
