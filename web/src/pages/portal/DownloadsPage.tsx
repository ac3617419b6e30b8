// The account's downloads (OPN-1): what the signed-in public account
// downloaded and called, newest first, as GET /api/v1/public/downloads
// lists it — the 下载记录 tab of 我的账号 (account/AccountPage.tsx).
import { useCallback } from 'react';
import { Link } from 'react-router';
import { Empty, Table, Tag } from 'antd';
import { ApiError } from '../../api/client';
import { useI18n } from '../../i18n';
import { formatDateTime, formatNumber } from '../../format';
import { LoadError } from '../../components/LoadError';
import { LoadMore } from '../../components/Page';
import { usePaged } from '../../components/usePaged';
import { datasetPath, getJSON, query } from './portalApi';
import { usePublicSession } from './account/publicSession';

interface Download {
  id: number;
  at?: string;
  resource_code?: string;
  name?: string;
  entry_name?: string;
  kind?: string;
  format?: string;
  rows?: number;
  /** refused: the error code of a refused use (a rate limit, no grant). */
  refused?: string;
}

export default function DownloadsList() {
  const { t } = useI18n();
  const { state } = usePublicSession();
  const fetch = useCallback(
    (cursor?: string) => getJSON<{ items?: Download[]; next_cursor?: string }>('/api/v1/public/downloads' + query({ limit: 50, cursor })),
    [],
  );
  const signedIn = state.status === 'signed-in';
  const { items, cursor, loading, error, load } = usePaged<Download>(fetch, signedIn);
  return (
    <>
      {state.status === 'signed-out' || (error instanceof ApiError && error.status === 401) ? (
        <div className="portal-card">
          <Empty description={t('portal.downloads.signIn')}>
            <Link to={'/portal/signin?next=' + encodeURIComponent('/portal/account/downloads')}>{t('portal.nav.signIn')}</Link>
          </Empty>
        </div>
      ) : (
        <>
          {error ? <LoadError error={error} onRetry={() => void load()} /> : null}
          <Table<Download>
            rowKey="id"
            loading={loading && items.length === 0}
            pagination={false}
            dataSource={items}
            scroll={{ x: true }}
            locale={{ emptyText: <Empty description={t('portal.downloads.empty')} /> }}
            columns={[
              { title: t('portal.downloads.at'), dataIndex: 'at', render: (v: string) => formatDateTime(v) },
              {
                title: t('portal.downloads.dataset'),
                key: 'dataset',
                render: (_, d) =>
                  d.resource_code ? <Link to={datasetPath(d.resource_code)}>{d.name || d.entry_name || d.resource_code}</Link> : d.name || d.entry_name,
              },
              {
                title: t('portal.downloads.format'),
                key: 'format',
                render: (_, d) => (d.kind === 'call' ? t('portal.downloads.call') : (d.format || d.kind || '').toUpperCase()),
              },
              {
                title: t('portal.downloads.result'),
                key: 'result',
                render: (_, d) => (d.refused ? <Tag>{t('portal.downloads.refused')}</Tag> : t('portal.downloads.done')),
              },
              { title: t('portal.dataset.rows'), dataIndex: 'rows', align: 'right', render: (v?: number) => (v === undefined ? '' : formatNumber(v)) },
            ]}
          />
          <LoadMore more={cursor} loading={loading} onMore={() => void load(cursor)} />
        </>
      )}
    </>
  );
}
