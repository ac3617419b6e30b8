// The signed-in public account, as GET /api/v1/public/me tells it (OPN-2).
// The portal needs no staff session and asks nothing of the staff API.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError, call } from '../../../api/client';
import { publicApi, setPublicCsrfToken, type PublicAccount, type PublicSession } from '../../../api/publicClient';

type State =
  | { status: 'loading' }
  | { status: 'signed-out' }
  | { status: 'error'; error: Error }
  | { status: 'signed-in'; account: NonNullable<PublicAccount> };

interface Value {
  state: State;
  reload: () => Promise<void>;
  signedIn: (s: PublicSession) => void;
  signOut: () => Promise<void>;
}

const Ctx = createContext<Value | null>(null);

export function PublicSessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<State>({ status: 'loading' });
  const reload = useCallback(async () => {
    try {
      const me = await call(publicApi.GET('/api/v1/public/me'));
      setPublicCsrfToken(me.csrf_token);
      if (me.account) setState({ status: 'signed-in', account: me.account });
      else setState({ status: 'signed-out' });
    } catch (e) {
      if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
        setPublicCsrfToken('');
        setState({ status: 'signed-out' });
        return;
      }
      setState({ status: 'error', error: e as Error });
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  const signedIn = useCallback((s: PublicSession) => {
    setPublicCsrfToken(s.csrf_token);
    if (s.account) setState({ status: 'signed-in', account: s.account });
  }, []);
  const signOut = useCallback(async () => {
    try {
      await call(publicApi.POST('/api/v1/public/auth/logout'));
    } finally {
      setPublicCsrfToken('');
      setState({ status: 'signed-out' });
    }
  }, []);
  const value = useMemo(() => ({ state, reload, signedIn, signOut }), [state, reload, signedIn, signOut]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function usePublicSession(): Value {
  const v = useContext(Ctx);
  if (!v) throw new Error('usePublicSession outside PublicSessionProvider');
  return v;
}
