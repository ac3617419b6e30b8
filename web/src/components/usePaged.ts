// usePaged reads a list a page at a time, as every list of the API pages
// (limit, cursor → items, next_cursor): load() reads the first page again,
// load(cursor) appends the next. The newest request wins: an answer to one
// the user has moved on from (another filter) is dropped.
import { useCallback, useEffect, useRef, useState } from 'react';

export function usePaged<T>(fetch: (cursor?: string) => Promise<{ items?: (T | null)[] | T[]; next_cursor?: string }>, enabled = true) {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | undefined>();
  const [loading, setLoading] = useState(enabled);
  const [error, setError] = useState<Error | null>(null);
  const seq = useRef(0);
  const load = useCallback(
    async (after?: string) => {
      const mine = ++seq.current;
      setLoading(true);
      setError(null);
      try {
        const l = await fetch(after);
        if (mine !== seq.current) return;
        const got = (l.items ?? []).filter((x): x is T => x != null);
        setItems((prev) => (after ? [...prev, ...got] : got));
        setCursor(l.next_cursor || undefined);
      } catch (e) {
        if (mine === seq.current) setError(e as Error);
      } finally {
        if (mine === seq.current) setLoading(false);
      }
    },
    [fetch],
  );
  useEffect(() => {
    if (enabled) void load();
  }, [enabled, load]);
  return { items, cursor, loading, error, load };
}
