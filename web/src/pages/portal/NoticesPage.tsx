// Withdrawal notices (OPN-3, HLJ-35): a withdrawn open dataset is announced
// here with its date and reason, newest first, a page at a time.
import { useCallback } from 'react';
import { Link } from 'react-router';
import { Empty, Typography } from 'antd';
import { useI18n } from '../../i18n';
import { LoadError } from '../../components/LoadError';
import { LoadMore } from '../../components/Page';
import { usePaged } from '../../components/usePaged';
import { datasetPath, getOptional, query } from './portalApi';
import { day } from './shared';

/** A notice as GET /api/v1/open/withdrawals lists it (openflow). */
interface Notice {
  id: number;
  resource_code?: string;
  name?: string;
  entry_name?: string;
  department_name?: string;
  reason?: string;
  decided_at?: string;
  withdrawn_at?: string;
}

export default function NoticesPage() {
  const { t } = useI18n();
  const fetch = useCallback(
    async (cursor?: string) => (await getOptional<{ items?: Notice[]; next_cursor?: string }>('/api/v1/open/withdrawals' + query({ limit: 20, cursor }))) ?? { items: [] },
    [],
  );
  const { items, cursor, loading, error, load } = usePaged<Notice>(fetch);
  return (
    <div className="portal-wrap portal-page">
      <h1>{t('portal.page.notices')}</h1>
      <Typography.Paragraph type="secondary">{t('portal.notices.lead')}</Typography.Paragraph>
      {error ? <LoadError error={error} onRetry={() => void load()} /> : null}
      {!loading && !error && items.length === 0 ? (
        <div className="portal-card">
          <Empty description={t('portal.notices.empty')} />
        </div>
      ) : null}
      {items.map((n) => {
        const name = n.name || n.entry_name || n.resource_code || '';
        return (
          <article key={n.id} className="portal-result" aria-labelledby={`notice-${n.id}`}>
            <h2 id={`notice-${n.id}`}>{t('portal.notices.title', { name })}</h2>
            <div className="portal-meta">
              <span>{t('portal.notices.date', { date: day(n.withdrawn_at || n.decided_at) })}</span>
              {n.department_name ? <span>{n.department_name}</span> : null}
              {n.resource_code ? (
                <Link to={datasetPath(n.resource_code)} className="govdata-mono">
                  {n.resource_code}
                </Link>
              ) : null}
            </div>
            <p>{t('portal.dataset.withdrawnReason', { reason: n.reason ?? '' })}</p>
          </article>
        );
      })}
      <LoadMore more={cursor} loading={loading} onMore={() => void load(cursor)} />
    </div>
  );
}
