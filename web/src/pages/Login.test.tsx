import { screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuthProvider } from '../auth';
import { mockApi, Status } from '../test/mockApi';
import { renderAt } from '../test/render';
import { LoginPage } from './Login';

afterEach(() => vi.unstubAllGlobals());

function page(path = '/login') {
  return renderAt(
    <AuthProvider>
      <LoginPage />
    </AuthProvider>,
    { path },
  );
}

describe('login page', () => {
  it('offers single sign-on when the server has a provider', async () => {
    mockApi({
      '/api/v1/auth/me': new Status(401, { error: { code: 'unauthorized', message: 'authentication required' } }),
      '/api/v1/auth/oidc': { enabled: true, name: 'Okta', login_url: '/api/v1/auth/oidc/login' },
    });
    page();
    const sso = await screen.findByTestId('sso-login');
    expect(sso).toHaveTextContent('Sign in with Okta');
    expect(sso).toHaveAttribute('href', '/api/v1/auth/oidc/login');
  });

  it('shows no single sign-on without a provider, and the error a failed one came back with', async () => {
    mockApi({
      '/api/v1/auth/me': new Status(401, { error: { code: 'unauthorized', message: 'authentication required' } }),
      '/api/v1/auth/oidc': { enabled: false },
    });
    page('/login?error=the%20ID%20token%27s%20nonce%20does%20not%20match%20this%20login');
    expect(await screen.findByTestId('login-error')).toHaveTextContent("the ID token's nonce does not match this login");
    await screen.findByLabelText(/Password/);
    expect(screen.queryByTestId('sso-login')).toBeNull();
  });
});
