// The openflow pages' calls as a public account (OPN-2): the portal
// session's cookie, and its CSRF token, which GET /api/v1/public/me tells
// (the public part's session endpoint), kept in memory only. Apart from
// the staff client so that a 401 here never sends anyone to the staff
// sign-in.
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from '../../../api/schema';

let csrf = '';

async function ensureCsrf(): Promise<void> {
  if (csrf) return;
  try {
    const r = await fetch('/api/v1/public/me', { credentials: 'same-origin' });
    if (r.ok) csrf = ((await r.json()) as { csrf_token?: string }).csrf_token ?? '';
  } catch {
    // no session endpoint answered: the request goes without, and the server says why
  }
}

const session: Middleware = {
  async onRequest({ request }) {
    request.headers.set('Accept-Language', document.documentElement.lang === 'en' ? 'en' : 'zh-CN');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      await ensureCsrf();
      if (csrf) request.headers.set('X-CSRF-Token', csrf);
    }
    return request;
  },
};

export const openApi = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
openApi.use(session);

export type MyApplication = paths['/api/v1/public/open-applications/{id}']['get']['responses'][200]['content']['application/json'];
export type MyGrant = NonNullable<paths['/api/v1/public/open-grants']['get']['responses'][200]['content']['application/json']['items']>[number];
