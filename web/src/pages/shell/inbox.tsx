// The unread count of the notification inbox, for the header's badge; the
// inbox page refreshes it when it marks a notice read.
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { useLocation } from 'react-router';
import { api, call } from '../../api/client';

// The badge shows up to this many; more reads "99+".
const countUpTo = 100;

interface Inbox {
  unread: number;
  more: boolean;
  refresh: () => void;
}

const InboxContext = createContext<Inbox>({ unread: 0, more: false, refresh: () => {} });

export function InboxProvider({ children }: { children: ReactNode }) {
  const [count, setCount] = useState({ unread: 0, more: false });
  const location = useLocation();
  const refresh = useCallback(() => {
    call(api.GET('/api/v1/notifications', { params: { query: { unread: 'true', limit: String(countUpTo) } } })).then(
      (l) => setCount({ unread: l.items?.length ?? 0, more: !!l.next_cursor }),
      () => {
        // The badge keeps its last count; pages show their own errors.
      },
    );
  }, []);
  // Counted again on every page change and each minute.
  useEffect(refresh, [refresh, location.pathname]);
  useEffect(() => {
    const id = window.setInterval(refresh, 60_000);
    return () => window.clearInterval(id);
  }, [refresh]);
  return <InboxContext.Provider value={{ ...count, refresh }}>{children}</InboxContext.Provider>;
}

export function useInbox(): Inbox {
  return useContext(InboxContext);
}
