// One share application (SHR-1, SHR-2): what was asked — the items with
// their sensitivity, the duty and its legal basis, the region scope, the
// method and period — and where it stands: each step of the profile's
// chain with who acts, its due date and how it stands in working days (as
// the API counts it), the decision taken and its reason. Whoever the
// current step waits on (the API says which actions the user may take)
// decides here; a refusal names its category and reason, which the
// applicant then reads on this page.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Alert, Button, Descriptions, Form, Input, Modal, Radio, Space, Steps, Table, Tag, Typography } from 'antd';
import { api, call, ApiError } from '../../api/client';
import { Page, PageWaiting } from '../../components/Page';
import { useI18n, type MessageKey } from '../../i18n';
import { formatDateTime } from '../../format';
import { useSession } from '../../session';
import { Code, useCatalogLabels, type Entry } from '../catalog/common';
import {
  actionLabel,
  actorText,
  findStep,
  loadProfile,
  pick,
  refusalCategories,
  Standing,
  StateTag,
  tagStyles,
  type Application,
  type Workflow,
} from './common';

type History = NonNullable<NonNullable<Application['workflow']>['history']>[number];

export default function ApplicationPage() {
  const { id = '' } = useParams();
  const { t, lang } = useI18n();
  const { can } = useSession();
  const l = useCatalogLabels();
  const navigate = useNavigate();
  const [app, setApp] = useState<Application | undefined>();
  const [flow, setFlow] = useState<Workflow | undefined>();
  const [entry, setEntry] = useState<Entry | undefined>();
  const [error, setError] = useState<Error | null>(null);
  const [deciding, setDeciding] = useState<string | undefined>();

  const load = useCallback(async () => {
    setError(null);
    try {
      const [a, p] = await Promise.all([call(api.GET('/api/v1/applications/{id}', { params: { path: { id } } })), loadProfile()]);
      setApp(a);
      const kind = a.workflow?.kind ?? (a.share_type === 'unconditional' ? 'share_unconditional' : 'share_conditional');
      setFlow(p.workflows?.find((w) => w.kind === kind));
      // The items' sensitivity and share type, from the entry; an entry
      // since revoked leaves the names alone.
      const e = await call(api.GET('/api/v1/catalog/{id}', { params: { path: { id: String(a.catalog_id) } } })).catch(() => undefined);
      setEntry(e);
    } catch (e) {
      setError(e as Error);
    }
  }, [id]);

  useEffect(() => {
    void load();
  }, [load]);

  const wf = app?.workflow;
  const items = useMemo(
    () =>
      (app?.items ?? []).map((name) => {
        const it = entry?.items?.find((x) => x.name === name);
        return { name, sensitivity: it?.sensitivity, share_type: it?.share_type || entry?.share_type, unmasked: app?.unmasked_items?.includes(name) };
      }),
    [app, entry],
  );

  if (error || !app) return <PageWaiting error={error} onRetry={() => void load()} />;

  const current = findStep(flow, wf?.step);
  const isReturnStep = !!wf?.step && flow?.return?.name === wf.step;
  const stepTitle = (name: string | undefined) => pick(findStep(flow, name)?.title, lang) || name || '';
  const actions = app.actions ?? [];

  // The chain: filed, then each step of the profile's workflow (the
  // return step in its place while the applicant amends).
  const history = wf?.history ?? [];
  const lastOf = (name: string | undefined) => [...history].reverse().find((h) => h.step === name);
  const chain = [
    ...(flow?.steps ?? []),
    ...(isReturnStep && flow?.return ? [flow.return] : []),
  ];
  const stepItems = [
    {
      title: t('sharing.filed'),
      status: 'finish' as const,
      description: (
        <span>
          {app.created_by} · <span className="govdata-mono">{formatDateTime(app.created_at)}</span>
        </span>
      ),
    },
    ...chain.map((s) => {
      const h = lastOf(s.name);
      const isCurrent = wf?.state === 'open' && wf.step === s.name;
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
                <Standing app={app} />
              </Space>
            )}
            {acted && h && <Acted h={h} />}
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
    <Page
      title={t('sharing.applicationTitle', { id: app.id ?? 0, name: app.entry_name ?? '' })}
      extra={
        <Space wrap>
          <Button onClick={() => navigate('/sharing/applications')}>{t('sharing.backToList')}</Button>
        </Space>
      }
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <StateTag state={app.state} />
        <Code value={app.resource_code} />
        <Link to={`/entries/${app.catalog_id}`}>{t('sharing.openEntry')}</Link>
        {wf?.kind && <Typography.Text type="secondary">{t(`workflow.${wf.kind}` as MessageKey)}</Typography.Text>}
      </Space>

      {app.state === 'rejected' && (
        <Alert
          style={{ marginBottom: 16 }}
          type="error"
          showIcon
          message={t('sharing.rejectedTitle')}
          description={
            <div data-testid="refusal">
              <div>{t('sharing.refusalCategoryIs', { category: t(`sharing.category.${app.refusal_category || 'other'}` as MessageKey) })}</div>
              <div>{t('sharing.refusalReasonIs', { reason: app.refusal_reason ?? '' })}</div>
            </div>
          }
        />
      )}
      {app.state === 'approved' && (
        <Alert
          style={{ marginBottom: 16 }}
          type="success"
          showIcon
          message={app.scenario_id ? t('sharing.grantedByScenario', { id: app.scenario_id }) : t('sharing.approvedTitle')}
          description={
            app.grant_id ? (
              <span data-testid="grant">
                {can('grant.read') ? <Link to={`/grants/${app.grant_id}`}>{t('sharing.grantIs', { id: app.grant_id })}</Link> : t('sharing.grantIs', { id: app.grant_id })}
              </span>
            ) : undefined
          }
        />
      )}
      {app.state === 'withdrawn' && <Alert style={{ marginBottom: 16 }} type="info" showIcon message={t('sharing.withdrawnTitle')} />}

      {actions.length > 0 && (
        <Alert
          style={{ marginBottom: 16 }}
          type="info"
          showIcon
          message={t('sharing.yourStep', { step: stepTitle(wf?.step) })}
          description={
            <Space orientation="vertical" size={8}>
              <Space size={8} wrap>
                <span>{t('sharing.dueBy')}</span>
                <Standing app={app} />
              </Space>
              {isReturnStep && <span>{t('sharing.amendNote')}</span>}
              <Space wrap>
                {actions.map((a) => (
                  <Button
                    key={a}
                    type={a === 'reject' || a === 'withdraw' || a === 'return' ? 'default' : 'primary'}
                    danger={a === 'reject' || a === 'withdraw'}
                    onClick={() => setDeciding(a)}
                  >
                    {isReturnStep && a === 'approve' ? t('sharing.action.resubmit') : actionLabel(a, t)}
                  </Button>
                ))}
              </Space>
            </Space>
          }
        />
      )}
      {app.state === 'open' && actions.length === 0 && current && (
        <Alert
          style={{ marginBottom: 16 }}
          type="info"
          showIcon
          message={t('sharing.waitingFor', { step: pick(current.title, lang), actor: actorText(current, t) })}
        />
      )}

      {wf && (
        <>
          <Typography.Title level={2} style={{ fontSize: 16, margin: '8px 0 12px' }}>
            {t('sharing.timeline')}
          </Typography.Title>
          <Steps aria-label={t('sharing.timeline')} orientation="vertical" size="small" style={{ marginBottom: 16, maxWidth: 720 }} items={stepItems} />
        </>
      )}

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
          { key: 'applicant', label: t('sharing.applicant'), children: app.applicant_department_name },
          { key: 'provider', label: t('sharing.provider'), children: app.provider_department_name },
          { key: 'scenario', label: t('sharing.scenario'), span: 2, children: app.scenario },
          { key: 'purpose', label: t('sharing.purpose'), span: 2, children: app.purpose },
          { key: 'basis', label: t('sharing.legalBasis'), span: 2, children: app.legal_basis },
          {
            key: 'scope',
            label: t('sharing.regionScope'),
            span: 2,
            children: app.region_scope?.length ? (
              <Space wrap size={4}>
                {app.region_scope.map((c) => (
                  <Tag key={c} className="govdata-mono">
                    {c}
                  </Tag>
                ))}
              </Space>
            ) : (
              t('region.scopeAll')
            ),
          },
          { key: 'method', label: t('sharing.method'), children: t(`sharing.method.${app.method}` as MessageKey) },
          { key: 'until', label: t('sharing.validUntil'), children: <span className="govdata-mono">{app.valid_until}</span> },
          {
            key: 'export',
            label: t('sharing.exportSensitive'),
            children: app.export_sensitive ? t('sharing.yes') : t('sharing.no'),
          },
          { key: 'by', label: t('sharing.filedBy'), children: `${app.created_by} · ${formatDateTime(app.created_at)}` },
        ]}
      />
      <Table
        aria-label={t('sharing.items')}
        size="small"
        rowKey="name"
        dataSource={items}
        pagination={false}
        style={{ marginBottom: 16, maxWidth: 880 }}
        columns={[
          { title: t('sharing.itemName'), dataIndex: 'name' },
          {
            title: t('catalog.sensitivity'),
            key: 's',
            width: 110,
            render: (_, r) => (r.sensitivity ? t('catalog.level', { n: r.sensitivity }) : '—'),
          },
          { title: t('catalog.itemShare'), key: 'share', width: 140, render: (_, r) => l.share(r.share_type) || '—' },
          {
            title: t('sharing.masking'),
            key: 'mask',
            width: 160,
            render: (_, r) =>
              r.unmasked ? <Tag style={tagStyles.warning}>{t('sharing.unmasked')}</Tag> : (r.sensitivity ?? 0) >= 3 ? t('sharing.masked') : '—',
          },
        ]}
      />

      {history.some((h) => h.acted_at) && (
        <>
          <Typography.Title level={2} style={{ fontSize: 16, margin: '8px 0 12px' }}>
            {t('sharing.records')}
          </Typography.Title>
          <Table<History>
            aria-label={t('sharing.records')}
            size="small"
            rowKey={(h) => String(h.seq)}
            dataSource={history.filter((h) => h.acted_at)}
            pagination={false}
            columns={[
              { title: t('sharing.step'), key: 'step', width: 180, render: (_, h) => stepTitle(h.step) },
              { title: t('sharing.actedBy'), dataIndex: 'acted_by', width: 120, render: (by: string, h) => h.acted_by_name || by },
              { title: t('sharing.decision'), key: 'action', width: 110, render: (_, h) => t(`sharing.done.${h.action}` as MessageKey) },
              { title: t('sharing.reason'), key: 'reason', render: (_, h) => h.reason || '—' },
              { title: t('sharing.stepDue'), key: 'due', width: 110, render: (_, h) => <span className="govdata-mono">{h.due ?? '—'}</span> },
              { title: t('sharing.actedAt'), key: 'at', width: 150, render: (_, h) => <span className="govdata-mono">{formatDateTime(h.acted_at)}</span> },
            ]}
          />
        </>
      )}

      <DecisionDialog
        id={id}
        action={deciding}
        resubmit={isReturnStep}
        onClose={() => setDeciding(undefined)}
        onDone={(a) => {
          setDeciding(undefined);
          setApp(a);
          void load();
        }}
      />
    </Page>
  );
}

/** Acted: who decided a step, how, when, and why — a line each. */
function Acted({ h }: { h: History }) {
  const { t } = useI18n();
  return (
    <div>
      <div>
        {h.acted_by_name || h.acted_by} · {t(`sharing.done.${h.action}` as MessageKey)} · <span className="govdata-mono">{formatDateTime(h.acted_at)}</span>
      </div>
      {h.reason && <div>{t('sharing.reasonIs', { reason: h.reason })}</div>}
      {h.due && <Typography.Text type="secondary">{t('sharing.wasDue', { due: h.due })}</Typography.Text>}
    </div>
  );
}

const needsReason = new Set(['reject', 'return', 'withdraw']);

/**
 * DecisionDialog takes the decision on the current step: approve, forward
 * or sign with an optional comment; reject with its reason and category
 * (SHR-2: the applicant reads both); return with what to amend; withdraw
 * with why. The button says what it does; the server's refusal shows here.
 */
function DecisionDialog({
  id,
  action,
  resubmit,
  onClose,
  onDone,
}: {
  id: string;
  action: string | undefined;
  resubmit: boolean;
  onClose: () => void;
  onDone: (a: Application) => void;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ reason?: string; reason_category?: string }>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | undefined>();
  const reasonNeeded = !!action && needsReason.has(action);
  const label = resubmit && action === 'approve' ? t('sharing.action.resubmit') : actionLabel(action, t);

  async function send() {
    if (!action) return;
    let v: { reason?: string; reason_category?: string };
    try {
      v = await form.validateFields();
    } catch {
      return; // the form shows what is missing
    }
    setBusy(true);
    setFailure(undefined);
    try {
      const body = {
        decision: action,
        ...(v.reason?.trim() ? { reason: v.reason.trim() } : {}),
        ...(action === 'reject' ? { reason_category: v.reason_category } : {}),
      } as never;
      const a = await call(api.POST('/api/v1/applications/{id}/decision', { params: { path: { id } }, body }));
      form.resetFields();
      onDone(a);
    } catch (e) {
      if (e instanceof ApiError && (e.fields.reason || e.fields.reason_category)) {
        form.setFields([
          ...(e.fields.reason ? [{ name: 'reason' as const, errors: [e.fields.reason] }] : []),
          ...(e.fields.reason_category ? [{ name: 'reason_category' as const, errors: [e.fields.reason_category] }] : []),
        ]);
      } else {
        setFailure((e as Error).message);
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open={!!action}
      title={action ? t('sharing.decideTitle', { action: label }) : ''}
      onCancel={onClose}
      okText={label}
      cancelText={t('catalog.cancel')}
      okButtonProps={{ loading: busy, danger: action === 'reject' || action === 'withdraw' }}
      onOk={() => void send()}
      destroyOnHidden
    >
      {failure && <Alert style={{ marginBottom: 12 }} type="error" showIcon message={failure} />}
      <Form form={form} layout="vertical">
        {action === 'reject' && (
          <Form.Item
            name="reason_category"
            label={t('sharing.refusalCategory')}
            rules={[{ required: true, message: t('sharing.categoryRequired') }]}
          >
            <Radio.Group>
              <Space orientation="vertical">
                {refusalCategories.map((c) => (
                  <Radio key={c} value={c}>
                    {t(`sharing.category.${c}` as MessageKey)}
                  </Radio>
                ))}
              </Space>
            </Radio.Group>
          </Form.Item>
        )}
        <Form.Item
          name="reason"
          label={t(action === 'reject' ? 'sharing.refusalReason' : action === 'return' ? 'sharing.returnReason' : reasonNeeded ? 'sharing.reason' : 'sharing.comment')}
          extra={t(action === 'reject' ? 'sharing.refusalNote' : action === 'return' ? 'sharing.returnNote' : reasonNeeded ? 'sharing.reasonNote' : 'sharing.commentOptional')}
          rules={reasonNeeded ? [{ required: true, whitespace: true, message: t('form.required') }] : []}
        >
          <Input.TextArea rows={3} autoFocus={action !== 'reject'} maxLength={2000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
