// One entry as the bureau's reviewer decides on it (CAT-3): where its
// workflow stands and by when, the submitted version against the published
// one field by field, and the decision — approve, or return with what to
// fix; a revocation request approved or rejected with a reason; a change's
// deadline extended once on the department's policy basis (HLJ-15).
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { Alert, Button, Form, Input, Modal, Space, Tabs, Tag, Typography } from 'antd';
import { api, call, ApiError, type Task } from '../../api/client';
import { Page, PageWaiting } from '../../components/Page';
import { useI18n, type MessageKey } from '../../i18n';
import { DueTag } from '../tasks/TasksPage';
import { Code, StatusTag, useCatalogLabels, type Entry, type EntryVersion } from '../catalog/common';
import { ChangesTable, diff, EntryView, ShowChanged, type DiffRow } from '../catalog/EntryPage';
import '../catalog/catalog.css';

type Profile = NonNullable<Awaited<ReturnType<typeof loadProfile>>>;
type Step = NonNullable<NonNullable<Profile['workflows']>[number]['steps']>[number];

function loadProfile() {
  return call(api.GET('/api/v1/profile'));
}

/** A decision the reviewer takes: the API's decision and the words for it. */
type Decision = 'approve' | 'return' | 'reject';

export default function ReviewEntryPage() {
  const { id = '' } = useParams();
  const { t, lang } = useI18n();
  const l = useCatalogLabels();
  const navigate = useNavigate();
  const [entry, setEntry] = useState<Entry | undefined>();
  const [versions, setVersions] = useState<EntryVersion[]>([]);
  const [profile, setProfile] = useState<Profile | undefined>();
  const [task, setTask] = useState<Task | undefined>();
  const [error, setError] = useState<Error | null>(null);
  const [deciding, setDeciding] = useState<Decision | undefined>();
  const [extending, setExtending] = useState(false);

  const load = useCallback(async () => {
    setError(null);
    try {
      const [e, v, p] = await Promise.all([
        call(api.GET('/api/v1/catalog/{id}', { params: { path: { id } } })),
        call(api.GET('/api/v1/catalog/{id}/versions', { params: { path: { id } } })),
        loadProfile(),
      ]);
      setEntry(e);
      setVersions(v);
      setProfile(p);
      const kind = e.workflow?.kind;
      if (kind) {
        const tasks = await call(api.GET('/api/v1/tasks', { params: { query: { kind, limit: '500' } } })).catch(() => undefined);
        setTask(tasks?.items?.find((x) => x.instance?.subject_type === 'catalog_entry' && x.instance?.subject_id === String(e.id)));
      } else {
        setTask(undefined);
      }
    } catch (e) {
      setError(e as Error);
    }
  }, [id]);

  useEffect(() => {
    void load();
  }, [load]);

  const wf = entry?.workflow;
  const step: Step | undefined = useMemo(() => {
    const flow = profile?.workflows?.find((w) => w.kind === wf?.kind);
    if (!flow || !wf?.step) return undefined;
    return flow.steps?.find((s) => s.name === wf.step) ?? (flow.return?.name === wf.step ? flow.return : undefined);
  }, [profile, wf]);

  const working = versions.find((v) => v.version === entry?.version);
  const published = versions.find((v) => v.version === entry?.published_version && entry?.published_version);
  const rows = useMemo(
    () => (working?.entry && published?.entry && working.version !== published.version ? diff(published.entry, working.entry, l, t) : []),
    [working, published, l, t],
  );

  if (error || !entry) return <PageWaiting error={error} onRetry={() => void load()} />;

  const reviewStep = !!wf && step?.actor?.role === 'reviewer' && step.actor.party === 'bureau';
  const revocation = wf?.kind === 'catalog_revocation';
  const actions = new Set(step?.actions ?? []);
  const stepTitle = (lang === 'en' ? step?.title?.en : step?.title?.zh) || wf?.step;

  function done(text: string) {
    navigate('/entries/review', { state: { done: text, kind: wf?.kind } });
  }

  return (
    <Page
      title={entry.name}
      extra={
        <Space wrap>
          {reviewStep && !revocation && actions.has('approve') && (
            <Button type="primary" onClick={() => setDeciding('approve')}>
              {t('review.approve')}
            </Button>
          )}
          {reviewStep && !revocation && actions.has('return') && (
            <Button danger onClick={() => setDeciding('return')}>
              {t('review.return')}
            </Button>
          )}
          {reviewStep && revocation && (
            <>
              <Button type="primary" danger onClick={() => setDeciding('approve')}>
                {t('review.approveRevocation')}
              </Button>
              <Button onClick={() => setDeciding('reject')}>{t('review.rejectRevocation')}</Button>
            </>
          )}
          {wf && step?.extension && wf.due && (
            <Button onClick={() => setExtending(true)}>{t('review.extend')}</Button>
          )}
          <Button onClick={() => navigate(`/entries/${id}`)}>{t('review.openEntry')}</Button>
        </Space>
      }
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <StatusTag status={entry.status} />
        <Code value={entry.resource_code} />
        <Typography.Text type="secondary">{entry.department_name}</Typography.Text>
        <Typography.Text type="secondary">
          {entry.published_version
            ? t('catalog.versionOf', { v: entry.version ?? 0, p: entry.published_version })
            : t('polish.versionUnpublished', { v: entry.version ?? 0 })}
        </Typography.Text>
      </Space>

      {wf ? (
        <Alert
          style={{ marginBottom: 16 }}
          type={revocation ? 'warning' : 'info'}
          showIcon
          message={`${t(`workflow.${wf.kind}` as MessageKey)} · ${stepTitle ?? ''}`}
          description={
            <Space orientation="vertical" size={4}>
              {wf.due && (
                <Space wrap size={8} data-testid="review-due">
                  <span>{t('review.dueBy')}</span>
                  <span className="govdata-mono">{wf.due}</span>
                  {task ? (
                    <DueTag task={task} />
                  ) : (
                    wf.overdue_since && (
                      <Tag style={{ color: '#820014', background: '#fff1f0', borderColor: '#ffa39e' }}>{t('notice.overdue')}</Tag>
                    )
                  )}
                </Space>
              )}
              {revocation && <span>{t('review.revocationNote')}</span>}
              {!reviewStep && <span>{t('review.notYourStep')}</span>}
            </Space>
          }
        />
      ) : (
        <Alert style={{ marginBottom: 16 }} type="success" showIcon message={t('review.nothingOpen')} />
      )}

      <Tabs
        items={[
          ...(published && working && published.version !== working.version
            ? [
                {
                  key: 'diff',
                  label: t('review.tabDiff'),
                  children: <DiffTable rows={rows} left={published.version ?? 0} right={working.version ?? 0} submitted={entry.status === 'in_review'} />,
                },
              ]
            : []),
          {
            key: 'entry',
            label: t('catalog.tabEntry'),
            children: (
              <>
                {!published && (
                  <Alert style={{ marginBottom: 12 }} type="info" showIcon message={t('review.firstVersion')} />
                )}
                <EntryView entry={entry} labels={l} />
              </>
            ),
          },
        ]}
      />

      <DecisionDialog
        id={id}
        decision={deciding}
        revocation={revocation}
        onClose={() => setDeciding(undefined)}
        onDone={(text) => {
          setDeciding(undefined);
          done(text);
        }}
      />
      {step?.extension && (
        <ExtendDialog
          id={id}
          open={extending}
          days={step.extension.working_days ?? 0}
          cite={step.extension.cite ?? ''}
          due={wf?.due ?? ''}
          onClose={() => setExtending(false)}
          onDone={(e) => {
            setExtending(false);
            setEntry(e);
            void load();
          }}
        />
      )}
    </Page>
  );
}

function DiffTable({ rows, left, right, submitted }: { rows: DiffRow[]; left: number; right: number; submitted: boolean }) {
  const { t } = useI18n();
  const [onlyChanged, setOnlyChanged] = useState(true);
  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <Typography.Text>{t('review.diffNote', { a: left, b: right, n: rows.filter((r) => r.changed).length })}</Typography.Text>
        <ShowChanged value={onlyChanged} onChange={setOnlyChanged} />
      </Space>
      <ChangesTable
        rows={rows}
        onlyChanged={onlyChanged}
        label={t('review.tabDiff')}
        leftTitle={t('review.published', { v: left })}
        rightTitle={t(submitted ? 'review.submitted' : 'review.working', { v: right })}
      />
    </>
  );
}

/**
 * DecisionDialog takes the reviewer's decision: approve with an optional
 * comment; return, or reject a revocation, with the reason the API
 * requires. The server's message shows at the comment or above it.
 */
function DecisionDialog({
  id,
  decision,
  revocation,
  onClose,
  onDone,
}: {
  id: string;
  decision: Decision | undefined;
  revocation: boolean;
  onClose: () => void;
  onDone: (text: string) => void;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ comment?: string }>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | undefined>();
  const needsReason = decision === 'return' || decision === 'reject';
  const words: Record<Decision, { title: MessageKey; ok: MessageKey; label: MessageKey; done: MessageKey }> = revocation
    ? {
        approve: { title: 'review.approveRevocationTitle', ok: 'review.approveRevocation', label: 'review.comment', done: 'review.doneRevoked' },
        reject: { title: 'review.rejectRevocationTitle', ok: 'review.rejectRevocation', label: 'review.rejectReason', done: 'review.doneRevocationRejected' },
        return: { title: 'review.returnTitle', ok: 'review.return', label: 'review.returnComment', done: 'review.doneReturned' },
      }
    : {
        approve: { title: 'review.approveTitle', ok: 'review.approve', label: 'review.comment', done: 'review.doneApproved' },
        return: { title: 'review.returnTitle', ok: 'review.return', label: 'review.returnComment', done: 'review.doneReturned' },
        reject: { title: 'review.rejectRevocationTitle', ok: 'review.rejectRevocation', label: 'review.rejectReason', done: 'review.doneRevocationRejected' },
      };
  const w = decision ? words[decision] : undefined;

  async function send() {
    if (!decision || !w) return;
    let comment = '';
    try {
      ({ comment = '' } = await form.validateFields());
    } catch {
      return; // the form shows what is missing
    }
    setBusy(true);
    setFailure(undefined);
    try {
      await call(api.POST('/api/v1/catalog/{id}/review', { params: { path: { id } }, body: { decision, comment: comment.trim() } }));
      form.resetFields();
      onDone(t(w.done));
    } catch (e) {
      if (e instanceof ApiError && e.fields.comment) {
        form.setFields([{ name: 'comment', errors: [e.fields.comment] }]);
      } else {
        setFailure((e as Error).message);
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open={!!decision}
      title={w ? t(w.title) : ''}
      onCancel={onClose}
      okText={w ? t(w.ok) : ''}
      cancelText={t('catalog.cancel')}
      okButtonProps={{ loading: busy, danger: decision !== 'approve' || revocation }}
      onOk={() => void send()}
      destroyOnHidden
    >
      {failure && <Alert style={{ marginBottom: 12 }} type="error" showIcon message={failure} />}
      <Form form={form} layout="vertical" onFinish={() => void send()}>
        <Form.Item
          name="comment"
          label={w ? t(w.label) : ''}
          extra={needsReason ? t('review.reasonNote') : t('review.commentOptional')}
          rules={needsReason ? [{ required: true, whitespace: true, message: t('form.required') }] : []}
        >
          <Input.TextArea rows={4} autoFocus maxLength={2000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** ExtendDialog extends the current step's deadline once, with its policy basis (HLJ-15). */
function ExtendDialog({
  id,
  open,
  days,
  cite,
  due,
  onClose,
  onDone,
}: {
  id: string;
  open: boolean;
  days: number;
  cite: string;
  due: string;
  onClose: () => void;
  onDone: (e: Entry) => void;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ reason: string }>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | undefined>();
  async function send() {
    let reason: string;
    try {
      ({ reason } = await form.validateFields());
    } catch {
      return;
    }
    setBusy(true);
    setFailure(undefined);
    try {
      const e = await call(api.POST('/api/v1/catalog/{id}/extend', { params: { path: { id } }, body: { reason: reason.trim() } }));
      form.resetFields();
      onDone(e);
    } catch (e) {
      if (e instanceof ApiError && e.fields.reason) {
        form.setFields([{ name: 'reason', errors: [e.fields.reason] }]);
      } else {
        setFailure((e as Error).message);
      }
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal
      open={open}
      title={t('review.extendTitle')}
      onCancel={onClose}
      okText={t('review.extendConfirm', { n: days })}
      cancelText={t('catalog.cancel')}
      okButtonProps={{ loading: busy }}
      onOk={() => void send()}
      destroyOnHidden
    >
      <Typography.Paragraph>{t('review.extendNote', { n: days, due, cite })}</Typography.Paragraph>
      {failure && <Alert style={{ marginBottom: 12 }} type="error" showIcon message={failure} />}
      <Form form={form} layout="vertical">
        <Form.Item name="reason" label={t('review.extendReason')} rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
          <Input.TextArea rows={3} autoFocus maxLength={2000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
