// Department names by id (GET /api/v1/departments), read once per page:
// 督办, the grants and the credentials name the departments they list.
import { useEffect, useState } from 'react';
import { api, call } from '../api/client';

export function useDepartments(): Map<number, string> {
  const [names, setNames] = useState<Map<number, string>>(new Map());
  useEffect(() => {
    let live = true;
    void call(api.GET('/api/v1/departments', { params: { query: { limit: '500' } } }))
      .then((l) => live && setNames(new Map((l.items ?? []).map((d) => [d.id ?? 0, d.name ?? '']))))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  return names;
}
