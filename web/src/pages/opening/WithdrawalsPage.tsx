// 撤回开放: requests to withdraw open data (OPN-3, HLJ-35) of the
// department, or of the bureau's region for its review, newest first.
import { useCallback } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Button, Select, Space, Table, Typography } from 'antd';
import { api, call } from '../../api/client';
import { Page, LoadMore } from '../../components/Page';
import { LoadError } from '../../components/LoadError';
import { usePaged } from '../../components/usePaged';
import { useI18n, type MessageKey } from '../../i18n';
import { formatDateTime } from '../../format';
import { EntryName } from '../catalog/common';
import { Standing } from '../sharing/common';
import { OpenStateTag, openStates, type OpenWithdrawal } from './common';

const pageSize = 20;

export default function WithdrawalsPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const state = openStates.find((s) => s === params.get('state')) ?? '';
  const fetch = useCallback(
    (cursor?: string) =>
      call(api.GET('/api/v1/open-withdrawals', { params: { query: { limit: String(pageSize), ...(state ? { state } : {}), ...(cursor ? { cursor } : {}) } } })),
    [state],
  );
  const { items, cursor, loading, error, load } = usePaged<OpenWithdrawal>(fetch);
  return (
    <Page
      extra={
        <Button onClick={() => void load()} loading={loading}>
          {t('action.refresh')}
        </Button>
      }
    >
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          aria-label={t('sharing.stateFilter')}
          style={{ width: 160 }}
          value={state}
          onChange={(v) => setParams(v ? { state: v } : {}, { replace: true })}
          options={[{ value: '', label: t('sharing.stateAll') }, ...openStates.map((s) => ({ value: s, label: t(`opening.state.${s}` as MessageKey) }))]}
        />
      </Space>
      {error && (
        <div style={{ marginBottom: 16 }}>
          <LoadError error={error} onRetry={() => void load()} />
        </div>
      )}
      <Table<OpenWithdrawal>
        aria-label={t('page.openWithdrawals')}
        rowKey={(w) => String(w.id)}
        dataSource={items}
        loading={loading && items.length === 0}
        pagination={false}
        scroll={items.length ? { x: 960 } : undefined}
        locale={{ emptyText: <Typography.Text type="secondary">{t('opening.noWithdrawals')}</Typography.Text> }}
        columns={[
          { title: t('sharing.number'), key: 'id', width: 80, align: 'right', render: (_, w) => <Link to={`/opening/withdrawals/${w.id}`}>#{w.id}</Link> },
          { title: t('sharing.entry'), key: 'entry', render: (_, w) => <EntryName to={`/opening/withdrawals/${w.id}`} name={w.entry_name} code={w.resource_code} /> },
          { title: t('sharing.provider'), key: 'provider', width: 150, render: (_, w) => w.provider_department_name },
          { title: t('opening.withdrawReason'), key: 'reason', width: 200, render: (_, w) => w.reason },
          { title: t('sharing.where'), key: 'where', width: 220, render: (_, w) => (w.state === 'pending' ? <Standing app={w} /> : <OpenStateTag state={w.state} />) },
          { title: t('sharing.filedAt'), key: 'at', width: 150, render: (_, w) => <span className="govdata-mono">{formatDateTime(w.requested_at)}</span> },
        ]}
      />
      <LoadMore more={cursor} loading={loading} onMore={() => void load(cursor)} />
    </Page>
  );
}
