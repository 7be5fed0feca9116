// Single sign-on (issue 20): a token-mode server with --oidc-* flags in front of a real OIDC
// provider with a login page. Sign in through the provider's page, chat, sign out, and the
// sign-in page is back with its "Sign in with …" button.
import { expect, test } from './support/fixtures';
import { freePort, issuerAt, providerClasspath, startProvider } from './support/oidc-provider';
import { sendAndAwaitAnswer, shot, waitForStatus } from './support/page';

test('single sign-on: sign in on the provider page, send, sign out', async ({ page, startServer }) => {
  test.skip(providerClasspath === '', 'LANECHAT_TEST_CLASSPATH is not set (mvn verify sets it)');
  test.setTimeout(150_000); // two JVMs to start: on a loaded CI machine that alone can take a minute
  const providerPort = await freePort();
  let port = await freePort();
  while (port === providerPort) port = await freePort();
  const providerReady = startProvider('oidc-provider', providerPort);
  try {
    const publicUrl = `http://127.0.0.1:${port}`;
    const serverReady = startServer('oidc', {
      demoDelayMs: 300,
      auth: 'token',
      args: [
        '--port',
        String(port),
        '--public-url',
        publicUrl,
        '--oidc-issuer',
        issuerAt(providerPort),
        '--oidc-client-id',
        'lanechat-e2e',
        '--oidc-allowed-domains',
        'example.com',
        '--oidc-provider-name',
        'Mock IdP',
      ],
    });
    const [provider, server] = await Promise.all([providerReady, serverReady]);
    expect(server.url).toBe(publicUrl);

    await page.goto(server.url + '/');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByRole('link', { name: 'Sign in with Mock IdP' }).click();

    // The provider's own login page, on its own origin.
    await page.waitForURL((url) => url.href.startsWith(provider.issuer + '/authorize'));
    await page.locator('input[name="username"]').fill('ann-subject');
    await page
      .locator('textarea[name="claims"]')
      .fill(JSON.stringify({ email: 'ann@example.com', email_verified: true }));
    await shot(page, '20-oidc-provider-login');
    await page.locator('input[type="submit"]').click();

    // Back on Lanechat, signed in with the session cookie the callback set.
    await page.waitForURL(server.url + '/');
    await waitForStatus(page, 'full');
    await sendAndAwaitAnswer(page, 'hello through single sign-on');
    const session = await page.evaluate(async () => (await fetch('/api/session')).json());
    expect(session.user).toBe('ann@example.com');
    await shot(page, '21-oidc-signed-in');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await expect(page.getByRole('link', { name: 'Sign in with Mock IdP' })).toBeVisible();
    const after = await page.evaluate(async () => (await fetch('/api/session')).status);
    expect(after).toBe(401);
  } finally {
    await providerReady.then((p) => p.kill()).catch(() => {});
  }
});
