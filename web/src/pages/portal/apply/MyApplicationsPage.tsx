// /portal/account/applications — the account's own open-data applications
// and grants (OPN-2): where each stands, newest first.
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { Alert, Button, Table, Typography } from 'antd';
import { call } from '../../../api/client';
import { useI18n } from '../../../i18n';
import { formatDateTime } from '../../../format';
import { OpenStateTag } from '../../opening/common';
import { RequireAccount } from './RequireAccount';
import { openApi, type MyApplication, type MyGrant } from './publicApi';

export default function MyApplicationsPage() {
  return (
    <RequireAccount>
      <MyApplicationsPageInner />
    </RequireAccount>
  );
}

function MyApplicationsPageInner() {
  const { t } = useI18n();
  const [apps, setApps] = useState<MyApplication[]>([]);
  const [grants, setGrants] = useState<MyGrant[]>([]);
  const [error, setError] = useState<string | undefined>();
  const [loading, setLoading] = useState(true);
  const load = useCallback(async () => {
    setLoading(true);
    setError(undefined);
    try {
      const [a, g] = await Promise.all([call(openApi.GET('/api/v1/public/open-applications', { params: { query: { limit: '100' } } })), call(openApi.GET('/api/v1/public/open-grants', { params: { query: { limit: '100' } } }))]);
      setApps(a.items ?? []);
      setGrants(g.items ?? []);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <div>
      <Typography.Title level={1} style={{ fontSize: 22 }}>
        {t('openApply.mine')}
      </Typography.Title>
      {error && (
        <Alert
          style={{ marginBottom: 16 }}
          type="error"
          showIcon
          message={error}
          action={
            <Button size="small" onClick={() => void load()}>
              {t('action.refresh')}
            </Button>
          }
        />
      )}
      <Table<MyApplication>
        aria-label={t('openApply.mine')}
        rowKey={(a) => String(a.id)}
        dataSource={apps}
        loading={loading}
        pagination={false}
        locale={{ emptyText: t('openApply.none') }}
        columns={[
          { title: t('sharing.number'), key: 'id', width: 80, render: (_, a) => <Link to={`/portal/account/applications/${a.id}`}>#{a.id}</Link> },
          { title: t('sharing.entry'), key: 'entry', render: (_, a) => <Link to={`/portal/account/applications/${a.id}`}>{a.entry_name}</Link> },
          { title: t('sharing.provider'), key: 'provider', width: 160, render: (_, a) => a.provider_department_name },
          { title: t('opening.grantStateCol'), key: 'state', width: 120, render: (_, a) => <OpenStateTag state={a.state} /> },
          { title: t('sharing.filedAt'), key: 'at', width: 160, render: (_, a) => <span className="govdata-mono">{formatDateTime(a.created_at)}</span> },
        ]}
      />
      <Typography.Title level={2} style={{ fontSize: 18, marginTop: 24 }}>
        {t('openApply.grants')}
      </Typography.Title>
      <Table<MyGrant>
        aria-label={t('openApply.grants')}
        rowKey={(g) => String(g.id)}
        dataSource={grants}
        loading={loading}
        pagination={false}
        locale={{ emptyText: t('opening.noGrants') }}
        columns={[
          { title: t('sharing.entry'), key: 'entry', render: (_, g) => <Link to={`/portal/account/applications/${g.application_id}`}>{g.entry_name}</Link> },
          { title: t('sharing.items'), key: 'items', width: 180, render: (_, g) => (g.items ?? []).join('、') },
          { title: t('opening.period'), key: 'period', width: 210, render: (_, g) => <span className="govdata-mono">{`${g.valid_from} ~ ${g.valid_until}`}</span> },
          {
            title: t('opening.grantStateCol'),
            key: 'state',
            width: 200,
            render: (_, g) => (
              <span data-testid={`grant-${g.id}`}>
                <OpenStateTag kind="grant" state={g.state} /> {g.state_reason}
              </span>
            ),
          },
        ]}
      />
    </div>
  );
}
