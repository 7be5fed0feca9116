// useConnectionStatus: combines the API health check (GET /api/health, polled) with the socket
// state into one status: "full" (both up), "partial" (one up) or "disconnected" (neither).
import { useQuery } from '@tanstack/react-query';
import { getHealth } from '../lib/api';
import { healthKeys } from '../lib/query-keys';

export type ConnectionState = 'full' | 'partial' | 'disconnected';

export interface ConnectionStatus {
  apiConnected: boolean;
  wsConnected: boolean;
  status: ConnectionState;
}

export interface ConnectionStatusOptions {
  /** Health poll interval while the API answers, ms. */
  intervalMs?: number;
  /** Health poll interval while it does not, ms. */
  failureIntervalMs?: number;
}

export function combineStatus(apiConnected: boolean, wsConnected: boolean): ConnectionState {
  if (apiConnected && wsConnected) return 'full';
  if (apiConnected || wsConnected) return 'partial';
  return 'disconnected';
}

export function useConnectionStatus(wsConnected = false, options: ConnectionStatusOptions = {}): ConnectionStatus {
  const intervalMs = options.intervalMs ?? 5000;
  const failureIntervalMs = options.failureIntervalMs ?? 2000;
  const health = useQuery({
    queryKey: healthKeys.all,
    queryFn: ({ signal }) => getHealth(signal),
    retry: false,
    refetchInterval: (query) => (query.state.status === 'error' ? failureIntervalMs : intervalMs),
    refetchIntervalInBackground: false,
    refetchOnWindowFocus: true,
  });
  const apiConnected = health.status === 'success' && health.data?.status === 'ok';
  return { apiConnected, wsConnected, status: combineStatus(apiConnected, wsConnected) };
}
