// One conditional-open application (OPN-2): who asks, for which items of
// which entry, for what purpose and scenario, for which period, under which
// security measures and agreement; and where it stands — the profile's
// chain with due dates. The current step's actor decides here; a refusal
// needs the reason the applicant reads (HLJ-34, ZJ-23).
import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Alert, Button, Descriptions, Space, Tag, Typography } from 'antd';
import { api, call } from '../../api/client';
import { Page, PageWaiting } from '../../components/Page';
import { useI18n } from '../../i18n';
import { formatDateTime } from '../../format';
import { Code } from '../catalog/common';
import { actionLabel, actorText, findStep, loadProfile, pick, Standing, type Workflow } from '../sharing/common';
import { Chain } from './Chain';
import { DecideDialog } from './DecideDialog';
import { OpenStateTag, type OpenApplication } from './common';

export default function OpenApplicationPage() {
  const { id = '' } = useParams();
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const [app, setApp] = useState<OpenApplication | undefined>();
  const [flow, setFlow] = useState<Workflow | undefined>();
  const [error, setError] = useState<Error | null>(null);
  const [deciding, setDeciding] = useState<string | undefined>();

  const load = useCallback(async () => {
    setError(null);
    try {
      const [a, p] = await Promise.all([call(api.GET('/api/v1/open-applications/{id}', { params: { path: { id } } })), loadProfile()]);
      setApp(a);
      setFlow(p.workflows?.find((w) => w.kind === 'open_conditional'));
    } catch (e) {
      setError(e as Error);
    }
  }, [id]);
  useEffect(() => {
    void load();
  }, [load]);

  if (error || !app) return <PageWaiting error={error} onRetry={() => void load()} />;
  const wf = app.workflow ?? undefined;
  const current = findStep(flow, wf?.step);
  const actions = app.actions ?? [];

  return (
    <Page
      title={t('opening.applicationTitle', { id: app.id ?? 0, name: app.entry_name ?? '' })}
      extra={<Button onClick={() => navigate('/opening/applications')}>{t('sharing.backToList')}</Button>}
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <OpenStateTag state={app.state} />
        <Code value={app.resource_code} />
        <Link to={`/entries/${app.entry_id}`}>{t('sharing.openEntry')}</Link>
      </Space>
      {app.state === 'rejected' && (
        <Alert style={{ marginBottom: 16 }} type="error" showIcon message={t('opening.rejectedTitle')} description={<span data-testid="refusal">{app.refusal_reason}</span>} />
      )}
      {app.state === 'approved' && (
        <Alert style={{ marginBottom: 16 }} type="success" showIcon message={t('opening.approvedTitle')} description={t('opening.grantIs', { id: app.grant_id ?? 0 })} />
      )}
      {app.state === 'withdrawn' && <Alert style={{ marginBottom: 16 }} type="info" showIcon message={t('opening.withdrawnTitle')} />}
      {actions.length > 0 && (
        <Alert
          style={{ marginBottom: 16 }}
          type="info"
          showIcon
          message={t('sharing.yourStep', { step: pick(current?.title, lang) || wf?.step || '' })}
          description={
            <Space orientation="vertical" size={8}>
              <Space size={8} wrap>
                <span>{t('sharing.dueBy')}</span>
                <Standing app={app} />
              </Space>
              <Space wrap>
                {actions.map((a) => (
                  <Button key={a} type={a === 'reject' ? 'default' : 'primary'} danger={a === 'reject'} onClick={() => setDeciding(a)}>
                    {actionLabel(a, t)}
                  </Button>
                ))}
              </Space>
            </Space>
          }
        />
      )}
      {app.state === 'pending' && actions.length === 0 && current && (
        <Alert style={{ marginBottom: 16 }} type="info" showIcon message={t('sharing.waitingFor', { step: pick(current.title, lang), actor: actorText(current, t) })} />
      )}
      <Chain flow={flow} wf={wf} filedAt={app.created_at} standing={app} />
      <Typography.Title level={2} style={{ fontSize: 16, margin: '8px 0 12px' }}>
        {t('sharing.asked')}
      </Typography.Title>
      <Descriptions
        bordered
        size="small"
        column={{ xs: 1, md: 2 }}
        styles={{ label: { width: 140 } }}
        style={{ marginBottom: 16 }}
        items={[
          { key: 'applicant', label: t('opening.applicant'), children: app.account_name },
          { key: 'provider', label: t('sharing.provider'), children: app.provider_department_name },
          {
            key: 'items',
            label: t('sharing.items'),
            span: 2,
            children: (
              <Space wrap size={4}>
                {(app.items ?? []).map((i) => (
                  <Tag key={i}>{i}</Tag>
                ))}
              </Space>
            ),
          },
          { key: 'purpose', label: t('sharing.purpose'), span: 2, children: app.purpose },
          { key: 'scenario', label: t('sharing.scenario'), span: 2, children: app.scenario },
          { key: 'measures', label: t('opening.measures'), span: 2, children: app.measures },
          { key: 'period', label: t('opening.period'), children: <span className="govdata-mono">{`${app.valid_from} ~ ${app.valid_until}`}</span> },
          { key: 'agreement', label: t('opening.agreement'), children: t('opening.agreementVersion', { v: app.agreement_version ?? '' }) },
          { key: 'at', label: t('sharing.filedAt'), children: <span className="govdata-mono">{formatDateTime(app.created_at)}</span> },
        ]}
      />
      <DecideDialog
        action={deciding}
        onClose={() => setDeciding(undefined)}
        send={(d) =>
          call(api.POST('/api/v1/open-applications/{id}/decision', { params: { path: { id } }, body: { ...d, step_seq: wf?.step_seq ?? 0 } as never }))
        }
        onDone={(a) => {
          setDeciding(undefined);
          setApp(a);
        }}
      />
    </Page>
  );
}
