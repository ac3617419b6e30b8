// The signed-in user, as GET /api/v1/me tells it: the server decides what
// the user may do (its permission table); the console only asks.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, call, ApiError, setCsrfToken, type Me, type Permission, type Session } from './api/client';
import { setTimeZone } from './format';

type State =
  | { status: 'loading' }
  // reason: how the session ended here — 'expired' when a call found it
  // gone (the user comes back to the page after signing in again),
  // 'signed-out' when the user left; none when there was none at start.
  | { status: 'signed-out'; reason?: 'expired' | 'signed-out' }
  | { status: 'error'; error: Error }
  | { status: 'signed-in'; me: Me };

interface SessionValue {
  state: State;
  me: Me | undefined;
  /** can tells whether the user holds a permission (undefined: every signed-in user). */
  can: (perm: Permission | undefined) => boolean;
  /** reload asks the server again (after sign-in or a password change). */
  reload: () => Promise<Me | undefined>;
  signedIn: (s: Session) => void;
  signedOut: (reason: 'expired' | 'signed-out') => void;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<State>({ status: 'loading' });

  const reload = useCallback(async () => {
    try {
      const me = await call(api.GET('/api/v1/me'));
      setCsrfToken(me.csrf_token);
      setTimeZone(me.time_zone);
      setState({ status: 'signed-in', me });
      return me;
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        setCsrfToken('');
        setState({ status: 'signed-out' });
        return undefined;
      }
      setState({ status: 'error', error: e as Error });
      return undefined;
    }
  }, []);

  useEffect(() => {
    void reload();
  }, [reload]);

  const signedIn = useCallback((s: Session) => setCsrfToken(s.csrf_token), []);
  // Only a session that was there can expire: the first GET /me of a
  // visitor who never signed in answers 401 too, and that is no expiry.
  const signedOut = useCallback((reason: 'expired' | 'signed-out') => {
    setCsrfToken('');
    setState((was) => {
      if (reason !== 'expired' || was.status === 'signed-in') return { status: 'signed-out', reason };
      return was.status === 'signed-out' ? was : { status: 'signed-out' };
    });
  }, []);

  const value = useMemo<SessionValue>(() => {
    const me = state.status === 'signed-in' ? state.me : undefined;
    const held = new Set(me?.permissions ?? []);
    return {
      state,
      me,
      can: (perm) => !!me && !me.password_change_required && (perm === undefined || held.has(perm)),
      reload,
      signedIn,
      signedOut,
    };
  }, [state, reload, signedIn, signedOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** safeNext keeps ?next= to paths of this console (no open redirect). */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\') || next.startsWith('/signin')) return '/';
  return next;
}
