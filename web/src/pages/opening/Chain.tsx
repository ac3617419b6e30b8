// The chain of an open application or a withdrawal: filed, then each step
// of the profile's workflow with who acts, its due date and how it stands
// (as the API counts it), and the decision taken with its reason.
import { Space, Steps, Typography } from 'antd';
import { useI18n, type MessageKey } from '../../i18n';
import { formatDateTime } from '../../format';
import { actorText, pick, Standing, type Application, type Workflow } from '../sharing/common';

type Instance = NonNullable<Application['workflow']>;

export function Chain({
  flow,
  wf,
  filedAt,
  standing,
}: {
  flow: Workflow | undefined;
  wf: Instance | undefined;
  filedAt?: string;
  standing: Pick<Application, 'due' | 'working_days_left' | 'working_days_late' | 'workflow'>;
}) {
  const { t, lang } = useI18n();
  if (!wf) return null;
  const history = wf.history ?? [];
  const lastOf = (name: string | undefined) => [...history].reverse().find((h) => h.step === name);
  const closedBy = history.find((h) => h.action === 'withdraw');
  const items = [
    { title: t('sharing.filed'), status: 'finish' as const, description: <span className="govdata-mono">{formatDateTime(filedAt)}</span> },
    ...(flow?.steps ?? []).map((s) => {
      const h = lastOf(s.name);
      const isCurrent = wf.state === 'open' && wf.step === s.name;
      const acted = !isCurrent && h?.acted_at;
      const status = isCurrent ? 'process' : acted ? (h?.action === 'reject' || h?.action === 'withdraw' ? 'error' : 'finish') : 'wait';
      return {
        title: pick(s.title, lang) || s.name,
        status: status as 'process' | 'finish' | 'error' | 'wait',
        description: (
          <Space orientation="vertical" size={2} data-testid={`step-${s.name}`}>
            <Typography.Text type="secondary">{actorText(s, t)}</Typography.Text>
            {isCurrent && (
              <Space size={8} wrap>
                <span>{t('sharing.dueBy')}</span>
                <Standing app={standing} />
              </Space>
            )}
            {acted && h && (
              <div>
                <div>
                  {h.acted_by_name || h.acted_by || t('opening.staff')} · {t(`sharing.done.${h.action}` as MessageKey)} ·{' '}
                  <span className="govdata-mono">{formatDateTime(h.acted_at)}</span>
                </div>
                {h.reason && <div>{t('sharing.reasonIs', { reason: h.reason })}</div>}
              </div>
            )}
            {!isCurrent && !acted && (
              <Typography.Text type="secondary">
                {s.working_days != null ? t('sharing.stepDays', { n: s.working_days }) : t('sharing.stepNoDays')}
              </Typography.Text>
            )}
          </Space>
        ),
      };
    }),
  ];
  return (
    <>
      <Typography.Title level={2} style={{ fontSize: 16, margin: '8px 0 12px' }}>
        {t('sharing.timeline')}
      </Typography.Title>
      <Steps aria-label={t('sharing.timeline')} orientation="vertical" size="small" style={{ marginBottom: 16, maxWidth: 720 }} items={items} />
      {closedBy && wf.state === 'withdrawn' && (
        <Typography.Paragraph type="secondary">{t('opening.withdrawnAt', { at: formatDateTime(closedBy.acted_at) })}</Typography.Paragraph>
      )}
    </>
  );
}
