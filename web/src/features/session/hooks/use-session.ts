// useSession: whether this browser may use the API (GET /api/session) and signing in with an API
// token in `token` mode (POST /api/session sets the session cookie).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, createSession, getSession, type Session } from '../../../lib/api';
import { sessionKeys } from '../../../lib/query-keys';

export function useSession(onSignedIn?: () => void) {
  const queryClient = useQueryClient();
  const session = useQuery<Session, ApiError>({
    queryKey: sessionKeys.all,
    queryFn: ({ signal }) => getSession(signal),
    retry: (count, error) => error.code !== 'unauthenticated' && count < 2,
    staleTime: 60_000,
  });
  const signIn = useMutation<Session, ApiError, string>({
    mutationFn: (token) => createSession(token),
    onSuccess: async (data) => {
      queryClient.setQueryData(sessionKeys.all, data);
      await queryClient.invalidateQueries();
      onSignedIn?.();
    },
  });
  return {
    session: session.data ?? null,
    needsSignIn: session.error?.code === 'unauthenticated',
    signIn: signIn.mutateAsync,
    signInError: signIn.error,
    isSigningIn: signIn.isPending,
  };
}
