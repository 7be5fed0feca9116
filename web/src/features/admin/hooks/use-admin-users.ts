// useAdminUsers: the admin page's users table (GET /api/admin/users, refreshed every 15 s) and its
// mutations: create a user or worker token, revoke, set a user's quota. A quota change writes the
// row the server answered straight into the cache; a new or revoked user refetches the table.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  ApiError,
  createAdminUser,
  listAdminUsers,
  revokeUser,
  setUserQuota,
  type AdminUser,
  type CreatedUser,
  type NewUser,
  type Quota,
} from '../../../lib/api';
import { adminKeys } from '../../../lib/query-keys';

export const ADMIN_REFRESH_MS = 15_000;

export function useAdminUsers() {
  const queryClient = useQueryClient();
  const users = useQuery<AdminUser[], ApiError>({
    queryKey: adminKeys.users(),
    queryFn: ({ signal }) => listAdminUsers(signal),
    refetchInterval: ADMIN_REFRESH_MS,
    retry: false,
  });
  const refetch = () => queryClient.invalidateQueries({ queryKey: adminKeys.users() });
  const create = useMutation<CreatedUser, ApiError, NewUser>({
    mutationFn: (user) => createAdminUser(user),
    onSuccess: refetch,
  });
  const revoke = useMutation<unknown, ApiError, string>({
    mutationFn: (name) => revokeUser(name),
    onSuccess: refetch,
  });
  const setQuota = useMutation<AdminUser, ApiError, { name: string; quota: Quota }>({
    mutationFn: ({ name, quota }) => setUserQuota(name, quota),
    onSuccess: (row) =>
      queryClient.setQueryData<AdminUser[]>(adminKeys.users(), (rows) =>
        rows?.map((r) => (r.name === row.name ? row : r)),
      ),
  });
  return { users, create, revoke, setQuota };
}
