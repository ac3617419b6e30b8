// /portal/account/applications/:id — one of the account's applications
// (OPN-2): what it asked, where it stands (the chain with its due dates),
// the reason of a refusal (HLJ-34, ZJ-23), its grant; withdraw while pending.
import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { Alert, Button, Descriptions, Popconfirm, Space, Spin, Tag, Typography } from 'antd';
import { call } from '../../../api/client';
import { useI18n } from '../../../i18n';
import { Chain } from '../../opening/Chain';
import { OpenStateTag } from '../../opening/common';
import type { Workflow } from '../../sharing/common';
import { RequireAccount } from './RequireAccount';
import { openApi, type MyApplication } from './publicApi';

export default function MyApplicationPage() {
  return (
    <RequireAccount>
      <MyApplicationPageInner />
    </RequireAccount>
  );
}

function MyApplicationPageInner() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const [app, setApp] = useState<MyApplication | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const load = useCallback(async () => {
    setError(undefined);
    try {
      setApp(await call(openApi.GET('/api/v1/public/open-applications/{id}', { params: { path: { id } } })));
    } catch (e) {
      setError((e as Error).message);
    }
  }, [id]);
  useEffect(() => {
    void load();
  }, [load]);
  async function withdraw() {
    setBusy(true);
    try {
      setApp(await call(openApi.POST('/api/v1/public/open-applications/{id}/withdraw', { params: { path: { id } } })));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }
  if (!app) return error ? <Alert type="error" showIcon message={error} /> : <Spin />;
  return (
    <div>
      <Typography.Title level={1} style={{ fontSize: 22 }}>
        {t('opening.applicationTitle', { id: app.id ?? 0, name: app.entry_name ?? '' })}
      </Typography.Title>
      <Space wrap style={{ marginBottom: 16 }}>
        <OpenStateTag state={app.state} />
        <span className="govdata-mono">{app.resource_code}</span>
        <Link to="/portal/account/applications">{t('openApply.mine')}</Link>
        {app.actions?.includes('withdraw') && (
          <Popconfirm title={t('openApply.withdrawConfirm')} okText={t('openApply.withdraw')} cancelText={t('catalog.cancel')} onConfirm={() => void withdraw()}>
            <Button danger loading={busy}>
              {t('openApply.withdraw')}
            </Button>
          </Popconfirm>
        )}
      </Space>
      {error && <Alert style={{ marginBottom: 16 }} type="error" showIcon message={error} />}
      {app.state === 'rejected' && (
        <Alert style={{ marginBottom: 16 }} type="error" showIcon message={t('opening.rejectedTitle')} description={<span data-testid="refusal">{t('sharing.refusalReasonIs', { reason: app.refusal_reason ?? '' })}</span>} />
      )}
      {app.state === 'approved' && <Alert style={{ marginBottom: 16 }} type="success" showIcon message={t('openApply.approved', { from: app.valid_from ?? '', until: app.valid_until ?? '' })} />}
      {app.state === 'withdrawn' && <Alert style={{ marginBottom: 16 }} type="info" showIcon message={t('openApply.withdrawn')} />}
      <Chain flow={{ steps: app.steps ?? [] } as Workflow} wf={app.workflow ?? undefined} filedAt={app.created_at} standing={app} />
      <Descriptions
        bordered
        size="small"
        column={1}
        styles={{ label: { width: 160 } }}
        items={[
          { key: 'provider', label: t('sharing.provider'), children: app.provider_department_name },
          {
            key: 'items',
            label: t('sharing.items'),
            children: (
              <Space wrap size={4}>
                {(app.items ?? []).map((i) => (
                  <Tag key={i}>{i}</Tag>
                ))}
              </Space>
            ),
          },
          { key: 'purpose', label: t('sharing.purpose'), children: app.purpose },
          { key: 'scenario', label: t('sharing.scenario'), children: app.scenario },
          { key: 'measures', label: t('opening.measures'), children: app.measures },
          { key: 'period', label: t('opening.period'), children: <span className="govdata-mono">{`${app.valid_from} ~ ${app.valid_until}`}</span> },
        ]}
      />
    </div>
  );
}
