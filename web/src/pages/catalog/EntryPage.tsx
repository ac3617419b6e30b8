// One entry as its officer follows it (CAT-1, CAT-3): every field and its
// data items; where it stands — in review, returned with the reviewer's
// comment and the fix deadline as the API counts it, a change or a
// revocation under way; the actions its status allows (edit, submit, ask
// for a change, ask for revocation with a reason); and every version, any
// two side by side with what changed.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import {
  Alert,
  Button,
  Descriptions,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Typography,
  message,
} from 'antd';
import { api, call, ApiError, type Task } from '../../api/client';
import { Page, PageWaiting } from '../../components/Page';
import { useI18n, type MessageKey } from '../../i18n';
import { useSession } from '../../session';
import { formatDateTime } from '../../format';
import { DueTag } from '../tasks/TasksPage';
import { Code, StatusTag, useCatalogLabels, type CatalogLabels, type Entry, type EntryInput, type EntryVersion, type Item } from './common';
import { WithdrawOpenButton } from '../opening/WithdrawOpenButton';
import './catalog.css';

export default function EntryPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const l = useCatalogLabels();
  const { can, me } = useSession();
  const navigate = useNavigate();
  const [entry, setEntry] = useState<Entry | undefined>();
  const [versions, setVersions] = useState<EntryVersion[]>([]);
  const [task, setTask] = useState<Task | undefined>();
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState<string | undefined>();
  const [revoking, setRevoking] = useState(false);
  const [msg, holder] = message.useMessage();

  const load = useCallback(async () => {
    setError(null);
    try {
      const [e, v] = await Promise.all([
        call(api.GET('/api/v1/catalog/{id}', { params: { path: { id } } })),
        call(api.GET('/api/v1/catalog/{id}/versions', { params: { path: { id } } })),
      ]);
      setEntry(e);
      setVersions([...v].sort((a, b) => (b.version ?? 0) - (a.version ?? 0)));
      // The deadline as the API counts it: the user's own step on this entry.
      if (e.workflow) {
        const tasks = await call(api.GET('/api/v1/tasks', { params: { query: { limit: '500' } } })).catch(() => undefined);
        setTask(
          tasks?.items?.find((x) => x.instance?.subject_type === 'catalog_entry' && x.instance?.subject_id === String(e.id)),
        );
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

  const mine = !!entry && can('catalog.write') && me?.department?.id === entry.department_id;

  async function submit() {
    setBusy('submit');
    try {
      const e = await call(api.POST('/api/v1/catalog/{id}/submit', { params: { path: { id } } }));
      setEntry(e);
      void msg.success(t('catalog.submitted'));
      void load();
    } catch (e) {
      void msg.error((e as Error).message);
    } finally {
      setBusy(undefined);
    }
  }

  if (error || !entry) return <PageWaiting error={error} onRetry={() => void load()} />;

  const status = entry.status;
  const comment = versions.find((v) => v.comment)?.comment;
  const wf = entry.workflow;

  return (
    <Page
      title={entry.name}
      extra={
        <Space wrap>
          {/* SHR-1: another department's published entry that shares
              something; the form asks the server what may be applied for. */}
          {can('share.apply') &&
            !!me?.department?.id &&
            me.department.id !== entry.department_id &&
            (entry.published_version ?? 0) > 0 &&
            status !== 'revoking' &&
            status !== 'revoked' &&
            entry.share_type !== 'not_shared' && (
              <Button type="primary" onClick={() => navigate(`/sharing/apply/${id}`)}>
                {t('sharing.apply')}
              </Button>
            )}
          {wf && can('catalog.review') && !mine && (
            <Button type="primary" onClick={() => navigate(`/entries/review/${id}`)}>
              {t('review.open')}
            </Button>
          )}
          {mine && (
          <Space wrap>
            {(status === 'draft' || status === 'returned') && (
              <>
                <Button onClick={() => navigate(`/entries/${id}/edit`)} disabled={!!busy}>
                  {t('catalog.edit')}
                </Button>
                <Button type="primary" loading={busy === 'submit'} disabled={!!busy} onClick={() => void submit()}>
                  {t('catalog.submit')}
                </Button>
              </>
            )}
            {status === 'published' && !wf && (
              <>
                <Button onClick={() => navigate(`/entries/${id}/edit`)}>{t('catalog.requestChange')}</Button>
                <Button danger onClick={() => setRevoking(true)}>
                  {t('catalog.requestRevoke')}
                </Button>
                {/* openflow — OPN-3, HLJ-35 */}
                {entry.open_type !== 'not_open' && <WithdrawOpenButton entryID={entry.id ?? 0} name={entry.name} />}
              </>
            )}
          </Space>
          )}
        </Space>
      }
    >
      {holder}
      <Space wrap style={{ marginBottom: 16 }}>
        <StatusTag status={status} />
        <Code value={entry.resource_code} />
        <Typography.Text type="secondary">
          {entry.published_version
            ? t('catalog.versionOf', { v: entry.version ?? 0, p: entry.published_version })
            : t('polish.versionUnpublished', { v: entry.version ?? 0 })}
        </Typography.Text>
        {(entry.published_version ?? 0) > 0 && status !== 'revoked' && can('data.read') && (
          <Link to={`/data/${id}`}>{t('page.datasets')}</Link>
        )}
      </Space>

      {status === 'returned' && (
        <Alert
          style={{ marginBottom: 16 }}
          type="warning"
          showIcon
          message={t('catalog.returnedTitle')}
          description={
            <div>
              <div data-testid="review-comment">{t('catalog.reviewComment', { comment: comment ?? '—' })}</div>
              {wf?.due && <Deadline due={wf.due} task={task} />}
            </div>
          }
        />
      )}
      {wf && status !== 'returned' && (
        <Alert
          style={{ marginBottom: 16 }}
          type="info"
          showIcon
          message={t(`workflow.${wf.kind}` as MessageKey)}
          description={wf.due ? <Deadline due={wf.due} task={task} /> : undefined}
        />
      )}
      {entry.grace_until && (
        <Alert style={{ marginBottom: 16 }} type="warning" showIcon message={t('catalog.graceUntil', { date: entry.grace_until })} />
      )}

      <Tabs
        items={[
          { key: 'entry', label: t('catalog.tabEntry'), children: <EntryView entry={entry} labels={l} /> },
          {
            key: 'versions',
            label: t('catalog.tabVersions', { n: versions.length }),
            children: <Versions versions={versions} labels={l} />,
          },
        ]}
      />

      <RevokeDialog
        open={revoking}
        id={id}
        onClose={() => setRevoking(false)}
        onDone={(e) => {
          setRevoking(false);
          setEntry(e);
          void msg.success(t('catalog.revokeRequested'));
          void load();
        }}
      />
    </Page>
  );
}

function Deadline({ due, task }: { due: string; task?: Task }) {
  const { t } = useI18n();
  return (
    <Space wrap size={8} data-testid="deadline">
      <span>{t('catalog.fixBy')}</span>
      <span className="govdata-mono">{due}</span>
      {task && <DueTag task={task} />}
    </Space>
  );
}

export function EntryView({ entry, labels: l }: { entry: EntryInput & Partial<Entry>; labels: CatalogLabels }) {
  const { t } = useI18n();
  const c = entry.classification;
  return (
    <>
      <Descriptions
        bordered
        size="small"
        column={{ xs: 1, md: 2 }}
        styles={{ label: { width: 150 } }}
        items={[
          { key: 'summary', label: t('catalog.summary'), span: 2, children: entry.summary },
          {
            key: 'class',
            label: t('catalog.classification'),
            children: (
              <span>
                <span className="govdata-mono">{[c?.category, c?.subcategory, c?.group, c?.subgroup].filter(Boolean).join(' · ')}</span>{' '}
                {l.category(c?.category)}
              </span>
            ),
          },
          { key: 'provider', label: t('catalog.provider'), children: entry.department_name ?? '—' },
          { key: 'format', label: t('catalog.format'), children: entry.format },
          { key: 'cycle', label: t('catalog.updateCycle'), children: l.cycle(entry.update_cycle) },
          { key: 'grade', label: t('catalog.grade'), children: l.grade(entry.grade) },
          { key: 'source', label: t('catalog.sourceSystem'), children: entry.source_system || '—' },
          { key: 'share', label: t('catalog.shareType'), children: l.share(entry.share_type) },
          { key: 'method', label: t('catalog.shareMethod'), children: entry.share_method || '—' },
          ...(entry.share_conditions ? [{ key: 'sc', label: t('catalog.shareConditions'), span: 2, children: entry.share_conditions }] : []),
          ...(entry.share_basis ? [{ key: 'sb', label: t('catalog.shareBasis'), span: 2, children: entry.share_basis }] : []),
          { key: 'open', label: t('catalog.openType'), children: l.open(entry.open_type) },
          ...(entry.open_conditions
            ? [{ key: 'oc', label: entry.open_type === 'not_open' ? t('catalog.notOpenReason') : t('catalog.openConditions'), span: 2, children: entry.open_conditions }]
            : []),
          {
            key: 'related',
            label: t('catalog.relatedCodes'),
            span: 2,
            children: entry.related_codes?.length ? (
              <Space wrap>{entry.related_codes.map((r) => <Code key={r} value={r} />)}</Space>
            ) : (
              '—'
            ),
          },
          ...(entry.published_at
            ? [{ key: 'pub', label: t('catalog.publishedAt'), children: <span className="govdata-mono">{formatDateTime(entry.published_at).slice(0, 10)}</span> }]
            : []),
          ...(entry.updated_at
            ? [{ key: 'upd', label: t('catalog.updated'), children: <span className="govdata-mono">{formatDateTime(entry.updated_at)}</span> }]
            : []),
        ]}
      />
      <Typography.Title level={2} style={{ fontSize: 16, margin: '20px 0 12px' }}>
        {t('catalog.items')}
      </Typography.Title>
      <ItemsTable items={entry.items ?? []} labels={l} />
    </>
  );
}

function rulesText(it: Item, l: CatalogLabels, t: (k: MessageKey, v?: Record<string, string | number>) => string): string {
  const r = it.rules;
  if (!r) return '';
  const out: string[] = [];
  if (r.required) out.push(t('catalog.ruleRequired'));
  if (r.format) out.push(l.format(r.format));
  if (r.pattern) out.push(`${t('catalog.rulePattern')} ${r.pattern}`);
  if (r.enum?.length) out.push(`${t('catalog.ruleEnum')} ${r.enum.join('/')}`);
  if (r.min != null) out.push(`${t('catalog.ruleMin')} ${r.min}`);
  if (r.max != null) out.push(`${t('catalog.ruleMax')} ${r.max}`);
  return out.join('；');
}

function ItemsTable({ items, labels: l }: { items: Item[]; labels: CatalogLabels }) {
  const { t } = useI18n();
  return (
    <Table<Item>
      size="small"
      rowKey={(r) => r.name ?? ''}
      dataSource={items}
      pagination={items.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
      scroll={{ x: 1000 }}
      columns={[
        { title: t('catalog.itemName'), dataIndex: 'name', width: 160 },
        { title: t('catalog.itemType'), key: 'type', width: 110, render: (_, r) => `${r.type} ${l.itemType(r.type)}` },
        { title: t('catalog.itemLength'), dataIndex: 'length', width: 80, align: 'right', render: (v?: number) => v || '—' },
        { title: t('catalog.sensitivity'), key: 's', width: 80, render: (_, r) => t('catalog.level', { n: r.sensitivity ?? 1 }) },
        { title: t('catalog.itemShare'), key: 'share', width: 130, render: (_, r) => (r.share_type ? l.share(r.share_type) : t('catalog.asEntry')) },
        {
          title: t('catalog.flags'),
          key: 'flags',
          width: 160,
          render: (_, r) => (
            <Space size={2} wrap>
              {r.key && <Tag>{t('catalog.flag.key')}</Tag>}
              {r.region && <Tag>{t('catalog.flag.region')}</Tag>}
              {r.personal && <Tag>{t('catalog.flag.personal')}</Tag>}
              {r.open && <Tag>{t(`catalog.itemOpen.${r.open as 'deidentified' | 'excluded'}`)}</Tag>}
            </Space>
          ),
        },
        { title: t('catalog.rules'), key: 'rules', render: (_, r) => rulesText(r, l, t) || '—' },
        { title: t('catalog.itemDescription'), dataIndex: 'description', ellipsis: true },
      ]}
    />
  );
}

/** A row of the comparison: one field of two versions. */
export interface DiffRow {
  key: string;
  label: string;
  a: string;
  b: string;
  changed: boolean;
}

function entryFields(e: EntryInput, l: CatalogLabels, t: (k: MessageKey, v?: Record<string, string | number>) => string): [string, string, string][] {
  const c = e.classification;
  const out: [string, string, string][] = [
    ['name', t('catalog.name'), e.name ?? ''],
    ['summary', t('catalog.summary'), e.summary ?? ''],
    ['class', t('catalog.classification'), [c?.category, c?.subcategory, c?.group, c?.subgroup].filter(Boolean).join(' · ')],
    ['format', t('catalog.format'), e.format ?? ''],
    ['cycle', t('catalog.updateCycle'), l.cycle(e.update_cycle)],
    ['grade', t('catalog.grade'), l.grade(e.grade)],
    ['source', t('catalog.sourceSystem'), e.source_system ?? ''],
    ['share', t('catalog.shareType'), l.share(e.share_type)],
    ['sc', t('catalog.shareConditions'), e.share_conditions ?? ''],
    ['sb', t('catalog.shareBasis'), e.share_basis ?? ''],
    ['sm', t('catalog.shareMethod'), e.share_method ?? ''],
    ['open', t('catalog.openType'), l.open(e.open_type)],
    ['oc', t('catalog.openConditions'), e.open_conditions ?? ''],
    ['related', t('catalog.relatedCodes'), (e.related_codes ?? []).join(', ')],
  ];
  return out;
}

function itemText(it: Item | undefined, l: CatalogLabels, t: (k: MessageKey, v?: Record<string, string | number>) => string): string {
  if (!it) return '';
  const parts = [
    `${it.type}${it.length ? `(${it.length})` : ''}`,
    t('catalog.level', { n: it.sensitivity ?? 1 }),
    it.share_type ? l.share(it.share_type) : '',
    it.key ? t('catalog.flag.key') : '',
    it.region ? t('catalog.flag.region') : '',
    it.personal ? t('catalog.flag.personal') : '',
    it.open ? t(`catalog.itemOpen.${it.open as 'deidentified' | 'excluded'}`) : '',
    rulesText(it, l, t),
    it.description ?? '',
  ];
  return parts.filter(Boolean).join(' · ');
}

/** diff lists the fields and items of two versions, the changed ones marked. */
export function diff(a: EntryInput, b: EntryInput, l: CatalogLabels, t: (k: MessageKey, v?: Record<string, string | number>) => string): DiffRow[] {
  const fa = entryFields(a, l, t);
  const fb = entryFields(b, l, t);
  const rows: DiffRow[] = fa.map(([key, label, va], i) => ({ key, label, a: va, b: fb[i]?.[2] ?? '', changed: va !== (fb[i]?.[2] ?? '') }));
  const names = [...new Set([...(a.items ?? []), ...(b.items ?? [])].map((x) => x?.name ?? ''))];
  for (const n of names) {
    const va = itemText(a.items?.find((x) => x?.name === n), l, t);
    const vb = itemText(b.items?.find((x) => x?.name === n), l, t);
    rows.push({ key: `item:${n}`, label: t('catalog.itemLabel', { name: n }), a: va, b: vb, changed: va !== vb });
  }
  return rows;
}

function Versions({ versions, labels: l }: { versions: EntryVersion[]; labels: CatalogLabels }) {
  const { t } = useI18n();
  const [left, setLeft] = useState<number | undefined>(versions[1]?.version);
  const [right, setRight] = useState<number | undefined>(versions[0]?.version);
  const [onlyChanged, setOnlyChanged] = useState(true);
  useEffect(() => {
    setLeft(versions[1]?.version);
    setRight(versions[0]?.version);
  }, [versions]);
  const va = versions.find((v) => v.version === left);
  const vb = versions.find((v) => v.version === right);
  const rows = useMemo(() => (va?.entry && vb?.entry ? diff(va.entry, vb.entry, l, t) : []), [va, vb, l, t]);
  const options = versions.map((v) => ({ value: v.version!, label: t('catalog.versionN', { v: v.version ?? 0 }) + ' · ' + l.status(v.status) }));
  return (
    <>
      <Table<EntryVersion>
        size="small"
        rowKey={(r) => String(r.version)}
        dataSource={versions}
        pagination={versions.length > 10 ? { pageSize: 10, showSizeChanger: false } : false}
        columns={[
          { title: t('catalog.version'), key: 'v', width: 80, align: 'right', render: (_, r) => r.version },
          { title: t('catalog.statusLabel'), key: 's', width: 110, render: (_, r) => <StatusTag status={r.status} /> },
          { title: t('catalog.createdBy'), dataIndex: 'created_by', width: 120 },
          {
            title: t('catalog.createdAt'),
            key: 'c',
            width: 170,
            render: (_, r) => <span className="govdata-mono" style={{ whiteSpace: 'nowrap' }}>{formatDateTime(r.created_at)}</span>,
          },
          {
            title: t('catalog.approvedBy'),
            key: 'a',
            width: 200,
            render: (_, r) =>
              r.approved_by ? (
                <span>
                  {r.approved_by}{' '}
                  <span className="govdata-mono" style={{ whiteSpace: 'nowrap' }}>
                    {formatDateTime(r.approved_at)}
                  </span>
                </span>
              ) : (
                '—'
              ),
          },
          { title: t('catalog.comment'), dataIndex: 'comment', render: (v?: string) => v || '—' },
        ]}
      />
      {versions.length > 1 && (
        <div style={{ marginTop: 20 }}>
          <Typography.Title level={2} style={{ fontSize: 16, marginBottom: 12 }}>
            {t('catalog.compare')}
          </Typography.Title>
          <Space wrap style={{ marginBottom: 12 }}>
            <Select aria-label={t('catalog.compareLeft')} style={{ width: 200 }} value={left} onChange={setLeft} options={options} />
            <span>→</span>
            <Select aria-label={t('catalog.compareRight')} style={{ width: 200 }} value={right} onChange={setRight} options={options} />
            <ShowChanged value={onlyChanged} onChange={setOnlyChanged} />
          </Space>
          <ChangesTable
            rows={rows}
            onlyChanged={onlyChanged}
            label={t('catalog.compare')}
            leftTitle={t('catalog.versionN', { v: left ?? 0 })}
            rightTitle={t('catalog.versionN', { v: right ?? 0 })}
          />
        </div>
      )}
    </>
  );
}

/** RevokeDialog asks for a published entry's revocation, with its reason (CAT-3). */
function RevokeDialog({ open, id, onClose, onDone }: { open: boolean; id: string; onClose: () => void; onDone: (e: Entry) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ reason: string }>();
  const [busy, setBusy] = useState(false);
  async function send() {
    let reason: string;
    try {
      ({ reason } = await form.validateFields());
    } catch {
      return; // the form shows what is missing
    }
    setBusy(true);
    try {
      const e = await call(api.POST('/api/v1/catalog/{id}/revoke', { params: { path: { id } }, body: { reason: reason.trim() } }));
      form.resetFields();
      onDone(e);
    } catch (e) {
      const text = e instanceof ApiError ? e.fields.reason || e.message : (e as Error).message;
      form.setFields([{ name: 'reason', errors: [text] }]);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal
      open={open}
      title={t('catalog.revokeTitle')}
      onCancel={onClose}
      okText={t('catalog.revokeConfirm')}
      cancelText={t('catalog.cancel')}
      okButtonProps={{ danger: true, loading: busy }}
      onOk={() => void send()}
      destroyOnHidden
    >
      <Typography.Paragraph>{t('catalog.revokeNote')}</Typography.Paragraph>
      <Form form={form} layout="vertical">
        <Form.Item name="reason" label={t('catalog.revokeReason')} rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
          <Input.TextArea rows={3} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** ShowChanged chooses between the changed fields only and all of them. */
export function ShowChanged({ value, onChange }: { value: boolean; onChange: (onlyChanged: boolean) => void }) {
  const { t } = useI18n();
  return (
    <Select
      aria-label={t('catalog.compareShow')}
      style={{ width: 160 }}
      value={value ? 'changed' : 'all'}
      onChange={(v) => onChange(v === 'changed')}
      options={[
        { value: 'changed', label: t('catalog.onlyChanged') },
        { value: 'all', label: t('catalog.allFields') },
      ]}
    />
  );
}

/** ChangesTable sets two versions of an entry side by side, field by field, the changed ones marked. */
export function ChangesTable({ rows, onlyChanged, label, leftTitle, rightTitle }: {
  rows: DiffRow[];
  onlyChanged: boolean;
  label: string;
  leftTitle: string;
  rightTitle: string;
}) {
  const { t } = useI18n();
  return (
    <Table<DiffRow>
      size="small"
      aria-label={label}
      rowKey="key"
      dataSource={onlyChanged ? rows.filter((r) => r.changed) : rows}
      pagination={false}
      rowClassName={(r) => (r.changed ? 'govdata-changed' : '')}
      locale={{ emptyText: t('catalog.noChanges') }}
      columns={[
        { title: t('catalog.field'), dataIndex: 'label', width: 180 },
        { title: leftTitle, dataIndex: 'a', render: (v: string) => v || '—' },
        { title: rightTitle, dataIndex: 'b', render: (v: string, r) => (r.changed ? <mark>{v || '—'}</mark> : v || '—') },
      ]}
    />
  );
}
