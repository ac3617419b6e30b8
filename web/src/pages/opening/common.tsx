// What the opening pages share (OPN-2, OPN-3): the API's types of open
// applications, open grants and withdrawals, and their state tags.
import { Tag } from 'antd';
import type { paths } from '../../api/client';
import { useI18n, type MessageKey } from '../../i18n';
import { tagStyles } from '../sharing/common';

export type OpenApplication = paths['/api/v1/open-applications/{id}']['get']['responses'][200]['content']['application/json'];
export type OpenGrant = NonNullable<paths['/api/v1/open-grants']['get']['responses'][200]['content']['application/json']['items']>[number];
export type OpenWithdrawal = paths['/api/v1/open-withdrawals/{id}']['get']['responses'][200]['content']['application/json'];

export const openStates = ['pending', 'approved', 'rejected', 'withdrawn'] as const;
export const grantStates = ['active', 'suspended', 'withdrawn', 'expired'] as const;

const styles: Record<string, keyof typeof tagStyles> = {
  pending: 'processing',
  approved: 'success',
  active: 'success',
  rejected: 'error',
  suspended: 'warning',
  withdrawn: 'default',
  expired: 'default',
};

/** OpenStateTag names an application's, a withdrawal's or a grant's state. */
export function OpenStateTag({ state, kind = 'application' }: { state?: string; kind?: 'application' | 'grant' }) {
  const { t } = useI18n();
  if (!state) return null;
  const key = kind === 'grant' ? `opening.grantState.${state}` : `opening.state.${state}`;
  return <Tag style={tagStyles[styles[state] ?? 'default']}>{t(key as MessageKey)}</Tag>;
}
