// The openflow pages' types of what the public API answers a public
// account (OPN-2); the calls go through the portal's public client
// (api/publicClient.ts), which carries the public session's CSRF token.
import type { paths } from '../../../api/schema';

export { publicApi as openApi } from '../../../api/publicClient';

export type MyApplication = paths['/api/v1/public/open-applications/{id}']['get']['responses'][200]['content']['application/json'];
export type MyGrant = NonNullable<paths['/api/v1/public/open-grants']['get']['responses'][200]['content']['application/json']['items']>[number];
