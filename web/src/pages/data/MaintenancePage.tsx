// One maintenance request (AGG-6): its changes, where its workflow stands
// — the profile's chain of steps (apply → approve → change → verify), who
// acted when and how, the current step's deadline as the API counts it —
// and, for whoever the current step waits on (the user's own task, as the
// server lists it), the decision.
import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { Alert, Button, Descriptions, Form, Input, Space, Steps, Table, Typography, message } from 'antd';
import { api, call, ApiError, type Task } from '../../api/client';
import { Page, PageWaiting } from '../../components/Page';
import { useI18n, type MessageKey } from '../../i18n';
import { formatDateTime } from '../../format';
import { DueTag } from '../tasks/TasksPage';
import { BatchLink, pick, useDataLabels, type Maintenance, type RowChange } from './common';
import { MaintenanceStateTag } from './MaintenanceTab';

interface WorkflowStep {
  name?: string;
  title?: { zh?: string; en?: string };
  actions?: string[];
}
interface Workflow {
  kind?: string;
  steps?: WorkflowStep[];
  return?: WorkflowStep;
}

// The profile's workflows, read once per page load.
let workflows: Promise<Workflow[]> | undefined;
function loadWorkflows(): Promise<Workflow[]> {
  workflows ??= call(api.GET('/api/v1/profile'))
    .then((p) => ((p as { workflows?: Workflow[] }).workflows ?? []))
    .catch(() => {
      workflows = undefined;
      return [];
    });
  return workflows;
}

// Actions that need a reason (the server refuses them without one).
const needsReason = new Set(['reject', 'return', 'withdraw']);

export default function MaintenancePage() {
  const { id = '' } = useParams();
  const { t, lang } = useI18n();
  const l = useDataLabels();
  const [m, setM] = useState<Maintenance | undefined>();
  const [flow, setFlow] = useState<Workflow | undefined>();
  const [task, setTask] = useState<Task | undefined>();
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState<string | undefined>();
  const [form] = Form.useForm<{ comment: string }>();
  const [msg, holder] = message.useMessage();

  const load = useCallback(async () => {
    setError(null);
    try {
      const [got, wfs, tasks] = await Promise.all([
        call(api.GET('/api/v1/maintenance/{id}', { params: { path: { id } } })),
        loadWorkflows(),
        call(api.GET('/api/v1/tasks', { params: { query: { kind: 'data_maintenance', limit: '500' } } })).catch(() => undefined),
      ]);
      setM(got);
      setFlow(wfs.find((w) => w.kind === 'data_maintenance'));
      setTask(tasks?.items?.find((x) => x.instance?.subject_type === 'maintenance' && x.instance?.subject_id === id));
    } catch (e) {
      setError(e as Error);
    }
  }, [id]);

  useEffect(() => {
    void load();
  }, [load]);

  async function decide(action: string) {
    const comment: string = form.getFieldValue('comment') ?? '';
    if (needsReason.has(action) && !comment.trim()) {
      form.setFields([{ name: 'comment', errors: [t('data.commentNeeded')] }]);
      return;
    }
    setBusy(action);
    try {
      const got = await call(
        api.POST('/api/v1/maintenance/{id}/decide', { params: { path: { id } }, body: { action, ...(comment.trim() ? { comment: comment.trim() } : {}) } as never }),
      );
      setM(got);
      form.resetFields();
      void msg.success(t('data.decided'));
      void load();
    } catch (e) {
      const text = e instanceof ApiError ? e.fields.comment || e.message : (e as Error).message;
      if (e instanceof ApiError && e.fields.comment) form.setFields([{ name: 'comment', errors: [text] }]);
      else void msg.error(text);
    } finally {
      setBusy(undefined);
    }
  }

  if (error || !m) return <PageWaiting error={error} onRetry={() => void load()} />;

  const wf = m.workflow;
  const stepTitle = (name: string | undefined) => {
    const s = [...(flow?.steps ?? []), ...(flow?.return ? [flow.return] : [])].find((x) => x.name === name);
    return pick(s?.title, lang) || name || '';
  };
  // The chain: the request filed, then the profile's steps; the current
  // one is where the workflow stands (a rework shows in place of change).
  const steps = flow?.steps ?? [];
  const current = wf?.step ? steps.findIndex((s) => s.name === wf.step || (wf.step === flow?.return?.name && s.name === 'change')) : -1;
  const closed = wf?.state && wf.state !== 'open';
  const items = [
    { title: t('data.stepFiled'), description: `${m.created_by} ${formatDateTime(m.created_at)}` },
    ...steps.map((s, i) => {
      const done = [...(wf?.history ?? [])].reverse().find((h) => h.step === s.name && h.acted_at);
      return {
        title: wf?.step === flow?.return?.name && i === current ? stepTitle(flow?.return?.name) : pick(s.title, lang),
        description: done ? `${done.acted_by_name || done.acted_by || ''} ${t(`data.action.${done.action}` as MessageKey)} ${formatDateTime(done.acted_at)}` : undefined,
      };
    }),
  ];
  const stepIndex = closed ? items.length : current >= 0 ? current + 1 : 0;
  const failed = m.state === 'rejected' || m.state === 'withdrawn';

  return (
    <Page title={t('data.requestTitle', { id: m.id ?? 0 })} extra={<Link to={`/data/${m.entry_id}?tab=maintenance`}>{t('data.backToDataset')}</Link>}>
      {holder}
      <Space wrap style={{ marginBottom: 16 }}>
        <MaintenanceStateTag state={m.state} />
        {wf?.title && <Typography.Text>{wf.title}</Typography.Text>}
      </Space>
      <Steps
        aria-label={t('data.chain')}
        size="small"
        style={{ marginBottom: 20 }}
        current={failed ? Math.max(1, stepIndex) : stepIndex}
        status={failed ? 'error' : closed ? 'finish' : 'process'}
        items={items}
      />
      {task && (
        <Alert
          style={{ marginBottom: 16 }}
          type="info"
          showIcon
          message={t('data.yourStep', { step: stepTitle(task.step?.name) })}
          description={
            <div>
              {wf?.due && (
                <Space wrap size={8} style={{ marginBottom: 8 }} data-testid="deadline">
                  <span>{t('catalog.fixBy')}</span>
                  <span className="govdata-mono">{wf.due}</span>
                  <DueTag task={task} />
                </Space>
              )}
              <Form form={form} layout="vertical">
                <Form.Item name="comment" label={t('data.comment')} extra={t('data.commentHint')} style={{ marginBottom: 8 }}>
                  <Input.TextArea rows={2} style={{ maxWidth: 640 }} />
                </Form.Item>
              </Form>
              <Space wrap>
                {(task.step?.actions ?? []).map((a) => (
                  <Button
                    key={a}
                    type={a === 'approve' ? 'primary' : 'default'}
                    danger={a === 'reject' || a === 'withdraw'}
                    loading={busy === a}
                    disabled={!!busy && busy !== a}
                    onClick={() => void decide(a)}
                  >
                    {t(`data.decide.${task.step?.name === 'change' || task.step?.name === 'rework' ? `${a}Change` : a}` as MessageKey)}
                  </Button>
                ))}
              </Space>
            </div>
          }
        />
      )}
      <Descriptions
        bordered
        size="small"
        column={{ xs: 1, md: 2 }}
        styles={{ label: { width: 140 } }}
        style={{ marginBottom: 16 }}
        items={[
          { key: 'reason', label: t('data.reason'), span: 2, children: m.reason },
          { key: 'by', label: t('data.createdBy'), children: m.created_by },
          { key: 'at', label: t('data.createdAt'), children: <span className="govdata-mono">{formatDateTime(m.created_at)}</span> },
          ...(m.batch_id ? [{ key: 'batch', label: t('data.changedBy'), children: <BatchLink id={m.batch_id} /> }] : []),
          ...(wf?.due && !closed ? [{ key: 'due', label: t('data.stepDue'), children: <span className="govdata-mono">{wf.due}</span> }] : []),
        ]}
      />
      <Typography.Title level={2} style={{ fontSize: 16, margin: '8px 0 12px' }}>
        {t('data.changes')}
      </Typography.Title>
      <Table<RowChange & { n: number }>
        aria-label={t('data.changes')}
        size="small"
        rowKey="n"
        dataSource={(m.changes ?? []).map((c, n) => ({ ...c, n: n + 1 }))}
        pagination={(m.changes?.length ?? 0) > 20 ? { pageSize: 20, showSizeChanger: false } : false}
        columns={[
          { title: '#', dataIndex: 'n', width: 50, align: 'right' },
          { title: t('data.op'), key: 'op', width: 90, render: (_, c) => l.op(c.op) },
          {
            title: t('data.whereLabel'),
            key: 'where',
            render: (_, c) => Object.entries(c.where ?? {}).map(([k, v]) => `${k} = ${v}`).join('，'),
          },
          {
            title: t('data.valuesLabel'),
            key: 'values',
            render: (_, c) =>
              Object.entries(c.values ?? {})
                .map(([k, v]) => `${k} → ${v === '' ? t('data.cleared') : v}`)
                .join('，') || '—',
          },
        ]}
      />
      {(wf?.history ?? []).some((h) => h.acted_at) && (
        <>
          <Typography.Title level={2} style={{ fontSize: 16, margin: '20px 0 12px' }}>
            {t('data.historyOfRequest')}
          </Typography.Title>
          <Table
            aria-label={t('data.historyOfRequest')}
            size="small"
            rowKey={(h) => String(h.seq)}
            dataSource={(wf?.history ?? []).filter((h) => h.acted_at)}
            pagination={false}
            columns={[
              { title: t('data.step'), key: 'step', render: (_, h) => stepTitle(h.step) },
              { title: t('data.actedBy'), dataIndex: 'acted_by', width: 120, render: (by: string, h) => h.acted_by_name || by },
              { title: t('data.actionLabel'), key: 'action', width: 120, render: (_, h) => t(`data.action.${h.action}` as MessageKey) },
              { title: t('data.comment'), key: 'reason', render: (_, h) => h.reason || '—' },
              { title: t('data.actedAt'), key: 'at', width: 170, render: (_, h) => <span className="govdata-mono">{formatDateTime(h.acted_at)}</span> },
            ]}
          />
        </>
      )}
    </Page>
  );
}
