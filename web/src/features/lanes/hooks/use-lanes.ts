// useLanes: the lanes the server offers (GET /api/lanes) and which one is the default.
import { useQuery } from '@tanstack/react-query';
import { listLanes, type ApiError, type Lane } from '../../../lib/api';
import { laneKeys } from '../../../lib/query-keys';

export function useLanes() {
  const query = useQuery<Lane[], ApiError>({
    queryKey: laneKeys.all,
    queryFn: ({ signal }) => listLanes(signal),
    staleTime: 60_000,
  });
  const lanes = query.data ?? [];
  const defaultLane = lanes.find((l) => l.default)?.name ?? lanes[0]?.name ?? null;
  return { lanes, defaultLane, isLoading: query.isLoading, error: query.error };
}
