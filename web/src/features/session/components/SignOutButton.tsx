// SignOutButton: "Sign out" in the header, for a signed-in person of a token-mode server (open
// mode has no one to sign out).
import { useSession } from '../hooks/use-session';
import { useSignOut } from '../hooks/use-sign-out';

export function SignOutButton() {
  const { session } = useSession();
  const { signOut, isSigningOut } = useSignOut();
  if (!session || session.auth !== 'token') return null;
  return (
    <button type="button" className="sign-out" onClick={() => signOut()} disabled={isSigningOut}>
      Sign out
    </button>
  );
}
