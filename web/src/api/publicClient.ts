// The portal's API client for public accounts (OPN-2): apart from the
// staff one (client.ts), so that neither session's CSRF token, nor the
// staff console's "session ended → staff sign-in" handling, ever reaches
// the other. The public session lives in the HttpOnly govdata_public
// cookie; this module keeps only its CSRF token, in memory, never in
// storage, and sends it with every unsafe request.
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

let publicCsrf = '';

export function setPublicCsrfToken(token: string | undefined) {
  publicCsrf = token ?? '';
}

const publicSession: Middleware = {
  onRequest({ request }) {
    // The staff client is told the language by the app; the portal reads
    // it from the page, which the app keeps in step (App.tsx applyLang).
    request.headers.set('Accept-Language', document.documentElement.lang === 'en' ? 'en' : 'zh-CN');
    if (request.method !== 'GET' && request.method !== 'HEAD' && publicCsrf) {
      request.headers.set('X-CSRF-Token', publicCsrf);
    }
    return request;
  },
};

export const publicApi = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
publicApi.use(publicSession);

export type PublicAccount = paths['/api/v1/public/me']['get']['responses'][200]['content']['application/json']['account'];
export type PublicMe = paths['/api/v1/public/me']['get']['responses'][200]['content']['application/json'];
export type PublicSession = paths['/api/v1/public/auth/login']['post']['responses'][200]['content']['application/json'];
