// SignIn: shown when the server runs in token mode and this browser has no session yet: "Sign in
// with <provider>" when the server offers single sign-on (a link: the provider's page is a full
// navigation), and the API token form.
import { useState, type FormEvent } from 'react';

export interface SignInProps {
  onSignIn: (token: string) => Promise<unknown>;
  error: string | null;
  busy: boolean;
  /** The server's single sign-on provider (GET /api/health), or null. */
  singleSignOn?: { provider: string; start_url: string } | null;
}

export function SignIn({ onSignIn, error, busy, singleSignOn = null }: SignInProps) {
  const [token, setToken] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (token.trim() !== '') onSignIn(token.trim()).catch(() => {});
  };
  return (
    <section className="sign-in" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sign in</h1>
      {singleSignOn && (
        <p>
          <a className="sso-button" href={singleSignOn.start_url}>
            Sign in with {singleSignOn.provider}
          </a>
        </p>
      )}
      <p>
        {singleSignOn ? 'Or use an API token' : 'This Lanechat server needs an API token'} (an admin creates one with{' '}
        <code>lanechat users add NAME</code>).
      </p>
      <form onSubmit={submit}>
        <label htmlFor="token-input">API token</label>
        <input
          id="token-input"
          type="password"
          autoComplete="current-password"
          value={token}
          onChange={(e) => setToken(e.target.value)}
        />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
      {error && (
        <p className="notice" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
