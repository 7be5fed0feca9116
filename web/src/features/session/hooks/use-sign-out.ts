// useSignOut: ends this browser's session (DELETE /api/session), however it signed in, and forgets
// every cached answer: they were the person's who left. The session query then gets 401 and the
// page shows the sign-in form; the server closes this session's sockets (4401) by itself.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError, deleteSession } from '../../../lib/api';

export function useSignOut() {
  const queryClient = useQueryClient();
  const signOut = useMutation<void, ApiError>({
    mutationFn: () => deleteSession(),
    onSuccess: () => queryClient.resetQueries(),
  });
  return { signOut: signOut.mutate, isSigningOut: signOut.isPending };
}
