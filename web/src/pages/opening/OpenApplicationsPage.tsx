// 开放申请: the conditional-open applications for the department's data,
// or for the data of the bureau's region (OPN-2, HLJ-34, ZJ-23), newest
// first, each with where it stands: the current step and its due date as
// the API counts it, or how it ended.
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
import { OpenStateTag, openStates, type OpenApplication } from './common';

const pageSize = 20;

export default function OpenApplicationsPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const state = openStates.find((s) => s === params.get('state')) ?? '';
  const fetch = useCallback(
    (cursor?: string) =>
      call(
        api.GET('/api/v1/open-applications', {
          params: { query: { limit: String(pageSize), ...(state ? { state } : {}), ...(cursor ? { cursor } : {}) } },
        }),
      ),
    [state],
  );
  const { items, cursor, loading, error, load } = usePaged<OpenApplication>(fetch);

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
      <Table<OpenApplication>
        aria-label={t('page.openApplications')}
        rowKey={(a) => String(a.id)}
        dataSource={items}
        loading={loading && items.length === 0}
        pagination={false}
        scroll={items.length ? { x: 960 } : undefined}
        locale={{ emptyText: <Typography.Text type="secondary">{t('opening.empty')}</Typography.Text> }}
        columns={[
          { title: t('sharing.number'), key: 'id', width: 80, align: 'right', render: (_, a) => <Link to={`/opening/applications/${a.id}`}>#{a.id}</Link> },
          { title: t('sharing.entry'), key: 'entry', render: (_, a) => <EntryName to={`/opening/applications/${a.id}`} name={a.entry_name} code={a.resource_code} /> },
          { title: t('opening.applicant'), key: 'applicant', width: 160, render: (_, a) => a.account_name },
          { title: t('sharing.provider'), key: 'provider', width: 150, render: (_, a) => a.provider_department_name },
          {
            title: t('sharing.where'),
            key: 'where',
            width: 230,
            render: (_, a) => (a.state === 'pending' ? <Standing app={a} /> : <OpenStateTag state={a.state} />),
          },
          { title: t('sharing.filedAt'), key: 'at', width: 150, render: (_, a) => <span className="govdata-mono">{formatDateTime(a.created_at)}</span> },
        ]}
      />
      <LoadMore more={cursor} loading={loading} onMore={() => void load(cursor)} />
    </Page>
  );
}
