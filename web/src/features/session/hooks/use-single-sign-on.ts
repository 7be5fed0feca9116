// useSingleSignOn: the single sign-on provider the server offers (the `oidc` field of GET
// /api/health, docs/protocol.md E10), or null; the same query the connection status polls.
import { useQuery } from '@tanstack/react-query';
import { getHealth, type Health } from '../../../lib/api';
import { healthKeys } from '../../../lib/query-keys';

export function useSingleSignOn(): NonNullable<Health['oidc']> | null {
  const health = useQuery({ queryKey: healthKeys.all, queryFn: ({ signal }) => getHealth(signal), retry: false });
  return health.data?.oidc ?? null;
}
