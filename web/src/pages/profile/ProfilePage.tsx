// 法规规则集: the regulation the deployment follows (PRODUCT.md §3), read
// only — each workflow drawn as its steps with who acts, the deadline in
// working days and the article it comes from, and the periods the
// regulation sets. Everyone signed in may read it: the deadlines on their
// to-do list come from here.
import { useCallback, useEffect, useState } from 'react';
import { Alert, Card, Descriptions, Space, Steps, Table, Tag, Typography } from 'antd';
import { api, call } from '../../api/client';
import { Page, PageWaiting } from '../../components/Page';
import { useI18n, type MessageKey } from '../../i18n';
import { openTypes, shareTypes } from '../catalog/common';

type Profile = Awaited<ReturnType<typeof load>>;
type Workflow = NonNullable<Profile['workflows']>[number];
type Step = NonNullable<Workflow['steps']>[number];

function load() {
  return call(api.GET('/api/v1/profile'));
}

/** One period of the profile: its name, its value in words, its article. */
interface Period {
  key: string;
  label: string;
  value: string;
  cite: string;
}

export default function ProfilePage() {
  const { t, lang } = useI18n();
  const [profile, setProfile] = useState<Profile | undefined>();
  const [error, setError] = useState<Error | null>(null);
  const fetch = useCallback(async () => {
    setError(null);
    try {
      setProfile(await load());
    } catch (e) {
      setError(e as Error);
    }
  }, []);
  useEffect(() => {
    void fetch();
  }, [fetch]);

  if (error || !profile) return <PageWaiting error={error} onRetry={() => void fetch()} />;

  const text = (x?: { zh?: string; en?: string }) => (lang === 'en' ? x?.en || x?.zh : x?.zh || x?.en) ?? '';
  const yesNo = (v?: boolean) => (v ? t('catalog.yes') : t('catalog.no'));
  const periods: Period[] = [
    {
      key: 'idle',
      label: t('profile.idleGrant'),
      value: profile.idle_grant_months?.value ? t('profile.months', { n: profile.idle_grant_months.value }) : t('profile.none'),
      cite: profile.idle_grant_months?.cite ?? '',
    },
    {
      key: 'rectify',
      label: t('profile.rectify'),
      value: t('profile.workingDays', {
        n: profile.grant_rectify_working_days?.value ?? 0,
      }),
      cite: profile.grant_rectify_working_days?.cite ?? '',
    },
    {
      key: 'grace',
      label: t('profile.grace'),
      value: t('profile.months', { n: profile.revocation_grace_months?.value ?? 0 }),
      cite: profile.revocation_grace_months?.cite ?? '',
    },
    {
      key: 'retention',
      label: t('profile.retention'),
      value: t('profile.years', { n: profile.retention_years?.value ?? 0 }),
      cite: profile.retention_years?.cite ?? '',
    },
    {
      key: 'batch',
      label: t('profile.partialBatch'),
      value: t(`profile.batch.${profile.partial_batch?.value ?? 'refuse'}` as MessageKey),
      cite: profile.partial_batch?.cite ?? '',
    },
    {
      key: 'conditional',
      label: t('profile.conditionalWithout'),
      value: yesNo(profile.conditional_without_conditions_is_unconditional?.value),
      cite: profile.conditional_without_conditions_is_unconditional?.cite ?? '',
    },
    {
      key: 'scenario',
      label: t('profile.scenarioDirect'),
      value: yesNo(profile.scenario_direct_grant?.value),
      cite: profile.scenario_direct_grant?.cite ?? '',
    },
  ];
  // In the order of the national types, not the map's.
  const labels = (m: Record<string, string> | undefined, order: readonly string[]) =>
    order.map((k) => m?.[k]).filter(Boolean).map((v) => (
      <Tag key={v} style={{ marginBottom: 4 }}>
        {v}
      </Tag>
    ));

  return (
    <Page>
      <Alert style={{ marginBottom: 16 }} type="info" showIcon message={t('profile.readOnly')} />
      <Descriptions
        bordered
        size="small"
        column={{ xs: 1, md: 2 }}
        styles={{ label: { width: 140 } }}
        items={[
          { key: 'title', label: t('profile.name'), children: `${text(profile.title)} (${profile.name})` },
          { key: 'reg', label: t('profile.regulation'), children: profile.regulation },
          { key: 'share', label: t('catalog.shareType'), children: labels(profile.labels?.share, shareTypes) },
          { key: 'open', label: t('catalog.openType'), children: labels(profile.labels?.open, openTypes) },
        ]}
      />

      <Typography.Title level={2} style={{ fontSize: 16, margin: '24px 0 12px' }}>
        {t('profile.periods')}
      </Typography.Title>
      <Table<Period>
        aria-label={t('profile.periods')}
        size="small"
        rowKey="key"
        dataSource={periods}
        pagination={false}
        columns={[
          { title: t('profile.setting'), dataIndex: 'label', width: 320 },
          { title: t('profile.value'), dataIndex: 'value', width: 200 },
          { title: t('profile.cite'), dataIndex: 'cite' },
        ]}
      />

      <Typography.Title level={2} style={{ fontSize: 16, margin: '24px 0 12px' }}>
        {t('profile.workflows')}
      </Typography.Title>
      {(profile.workflows ?? []).map((w) => (
        <WorkflowCard key={w.kind} workflow={w} />
      ))}
    </Page>
  );
}

function WorkflowCard({ workflow: w }: { workflow: Workflow }) {
  const { t, lang } = useI18n();
  const text = (x?: { zh?: string; en?: string }) => (lang === 'en' ? x?.en || x?.zh : x?.zh || x?.en) ?? '';
  const steps = w.steps ?? [];
  const stepTitle = (name?: string) => text(steps.find((s) => s.name === name)?.title) || name || '';
  const deadline = (s: Step) =>
    s.working_days != null
      ? t('profile.workingDays', { n: s.working_days })
      : s.within
        ? t('profile.within', { step: stepTitle(s.within) })
        : t('profile.noDeadline');
  const describe = (s: Step) => (
    <Space orientation="vertical" size={0} style={{ fontSize: 13 }}>
      <span>
        {t('profile.actor')}
        {t(`role.${s.actor?.role}` as MessageKey)} · {t(`profile.party.${s.actor?.party}` as MessageKey)}
      </span>
      <span>
        {t('profile.deadline')}
        <strong>{deadline(s)}</strong>
      </span>
      {s.extension && <span>{t('profile.extension', { n: s.extension.working_days ?? 0, cite: s.extension.cite ?? '' })}</span>}
      <span>
        {t('profile.actions')}
        {(s.actions ?? []).map((a) => t(`profile.action.${a}` as MessageKey)).join(t('profile.sep'))}
      </span>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('profile.citeOf')}
        {s.cite}
      </Typography.Text>
    </Space>
  );
  const id = `workflow-${w.kind}`;
  return (
    <Card
      size="small"
      style={{ marginBottom: 16 }}
      title={
        <Typography.Title level={3} id={id} style={{ fontSize: 15, margin: 0 }}>
          {text(w.title)}
        </Typography.Title>
      }
      extra={<Typography.Text type="secondary">{w.cite}</Typography.Text>}
    >
      <section aria-labelledby={id}>
        <Steps
          size="small"
          current={-1}
          orientation={steps.length > 3 ? 'vertical' : 'horizontal'}
          items={steps.map((s) => ({
            title: text(s.title),
            description: describe(s),
            status: 'process' as const,
          }))}
        />
        {w.return && (
          <div style={{ marginTop: 12, paddingTop: 8, borderTop: '1px dashed #d9d9d9' }}>
            <Typography.Text strong>{t('profile.returnStep', { step: text(w.return.title) })}</Typography.Text>
            <div style={{ marginTop: 4 }}>{describe(w.return)}</div>
          </div>
        )}
      </section>
    </Card>
  );
}
