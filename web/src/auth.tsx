import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { ApiError, setUnauthorizedHandler } from './api/client';
import * as ep from './api/endpoints';
import type { Session } from './api/types';
import { Loading } from './components/States';

interface AuthState {
  session: Session | null;
  checking: boolean;
  login: (user: string, password: string) => Promise<Session>;
  logout: () => Promise<void>;
}

const Ctx = createContext<AuthState | null>(null);

export function useAuth(): AuthState {
  const c = useContext(Ctx);
  if (!c) throw new Error('useAuth outside AuthProvider');
  return c;
}

/** Whether a role may change things (create or expire silences): operator and admin; a viewer only looks. */
export function canOperate(role: string | undefined | null): boolean {
  return role === 'operator' || role === 'admin';
}

/** canOperate for the signed-in user (false outside an AuthProvider). */
export function useCanOperate(): boolean {
  return canOperate(useContext(Ctx)?.session?.role);
}

/** Whether the signed-in user is an admin (SCRAM users, deleting topics). */
export function useIsAdmin(): boolean {
  return useContext(Ctx)?.session?.role === 'admin';
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(null);
  const [checking, setChecking] = useState(true);
  const navigate = useNavigate();
  const location = useLocation();
  const qc = useQueryClient();

  useEffect(() => {
    let live = true;
    ep.me()
      .then((s) => live && setSession(s))
      .catch((e) => {
        if (live && !(e instanceof ApiError && e.status === 401)) console.warn('gregor: /auth/me', e);
      })
      .finally(() => live && setChecking(false));
    return () => {
      live = false;
    };
  }, []);

  // Any 401 later on (session expired, server restarted with new state): back to the login page,
  // remembering where we were.
  useEffect(() => {
    setUnauthorizedHandler(() => {
      setSession(null);
      qc.cancelQueries();
      qc.clear();
      const here = window.location.pathname.startsWith('/login') ? '' : location.pathname + location.search;
      navigate(`/login${here ? '?next=' + encodeURIComponent(here) + '&expired=1' : ''}`, { replace: true });
    });
    return () => setUnauthorizedHandler(null);
  }, [navigate, qc, location.pathname, location.search]);

  const login = useCallback(async (user: string, password: string) => {
    const s = await ep.login(user, password);
    setSession(s);
    return s;
  }, []);

  const logout = useCallback(async () => {
    try {
      await ep.logout();
    } finally {
      setSession(null);
      qc.clear();
      navigate('/login', { replace: true });
    }
  }, [navigate, qc]);

  const value = useMemo(() => ({ session, checking, login, logout }), [session, checking, login, logout]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function RequireAuth({ children }: { children: ReactNode }) {
  const { session, checking } = useAuth();
  const location = useLocation();
  if (checking) return <Loading label="Checking your session…" h={300} />;
  if (!session) {
    const next = location.pathname + location.search;
    return <Navigate to={`/login${next && next !== '/' ? '?next=' + encodeURIComponent(next) : ''}`} replace />;
  }
  return <>{children}</>;
}
