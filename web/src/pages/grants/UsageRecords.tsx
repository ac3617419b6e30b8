// A grant's usage records (SHR-7, HLJ-28): how the consumer used, keeps
// and destroyed the data it received. The consumer's officer or leader
// records them; records are evidence and never change — a mistake is
// corrected by a new record naming the old one, with the reason. Both
// sides, the bureau, the secadmin and the auditor read them (the auditor
// read-only).
import { useCallback, useState } from 'react';
import { Alert, Button, Card, DatePicker, Form, Input, InputNumber, Modal, Segmented, Space, Table, Tag, Typography, message } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { api, call, ApiError } from '../../api/client';
import { LoadMore } from '../../components/Page';
import { LoadError } from '../../components/LoadError';
import { usePaged } from '../../components/usePaged';
import { useI18n, type MessageKey } from '../../i18n';
import { formatDateTime, formatNumber, today } from '../../format';
import { fieldPath } from '../catalog/common';
import { useGrantLabels, usageKinds, type Grant, type UsageInput, type UsageRecord } from './common';

type Kind = (typeof usageKinds)[number];

// The fields of each kind (HLJ-28; SJZ-S-28/29 for destruction), in order,
// and the one date each is about.
const kindFields: Record<Kind, { name: keyof UsageInput; required: boolean; long: boolean }[]> = {
  use: [
    { name: 'scenario', required: true, long: true },
    { name: 'outcome', required: true, long: true },
    { name: 'process', required: false, long: true },
  ],
  storage: [
    { name: 'location', required: true, long: true },
    { name: 'protection', required: true, long: true },
  ],
  destruction: [
    { name: 'destroyed_data', required: true, long: true },
    { name: 'method', required: true, long: true },
    { name: 'destroyed_by', required: true, long: false },
    { name: 'witness', required: false, long: false },
  ],
};
const kindDay: Record<Kind, 'used_on' | 'stored_from' | 'destroyed_on'> = { use: 'used_on', storage: 'stored_from', destruction: 'destroyed_on' };

function summary(r: UsageRecord): { label: string; text: string }[] {
  const k = (r.kind ?? 'use') as Kind;
  return (kindFields[k] ?? []).map((f) => ({ label: f.name as string, text: String(r[f.name] ?? '') })).filter((x) => x.text);
}

export function UsageRecords({ grant }: { grant: Grant }) {
  const { t } = useI18n();
  const l = useGrantLabels();
  const id = String(grant.id ?? '');
  const [kind, setKind] = useState<'' | Kind>('');
  const [editing, setEditing] = useState<{ kind: Kind; corrects?: UsageRecord } | undefined>();
  const [msg, holder] = message.useMessage();
  const fetch = useCallback(
    (cursor?: string) =>
      call(api.GET('/api/v1/grants/{id}/usage', { params: { path: { id }, query: { limit: '20', ...(kind ? { kind } : {}), ...(cursor ? { cursor } : {}) } } })),
    [id, kind],
  );
  const { items, cursor, loading, error, load } = usePaged<UsageRecord>(fetch);
  const mayWrite = !!grant.allowed?.record_usage;

  return (
    <Card
      size="small"
      title={<Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>{t('grants.usageRecords')}</Typography.Title>}
      extra={
        mayWrite ? (
          <Button type="primary" onClick={() => setEditing({ kind: kind || 'use' })}>
            {t('grants.recordUsage')}
          </Button>
        ) : (
          <Tag className="govdata-tag">{t('grants.readOnly')}</Tag>
        )
      }
      style={{ marginBottom: 16 }}
    >
      {holder}
      <Segmented<'' | Kind>
        aria-label={t('grants.usageKindLabel')}
        style={{ marginBottom: 12 }}
        value={kind}
        onChange={setKind}
        options={[{ value: '', label: t('grants.usageAll') }, ...usageKinds.map((k) => ({ value: k, label: l.usageKind(k) }))]}
      />
      {error && <LoadError error={error} onRetry={() => void load()} />}
      <Table<UsageRecord>
        size="small"
        aria-label={t('grants.usageRecords')}
        rowKey={(r) => String(r.id)}
        dataSource={items}
        loading={loading}
        pagination={false}
        scroll={{ x: 900 }}
        rowClassName={(r) => (r.corrected_by ? 'govdata-usage-corrected' : '')}
        locale={{
          emptyText: <Typography.Text type="secondary">{mayWrite ? t('grants.noUsageWrite') : t('grants.noUsage')}</Typography.Text>,
        }}
        columns={[
          { title: '#', dataIndex: 'id', width: 60, align: 'right' },
          { title: t('grants.usageKindLabel'), key: 'kind', width: 80, render: (_, r) => l.usageKind(r.kind) },
          {
            title: t('grants.usageDay'),
            key: 'day',
            width: 110,
            render: (_, r) => <span className="govdata-mono">{r.used_on ?? r.stored_from ?? r.destroyed_on}</span>,
          },
          {
            title: t('grants.usageContent'),
            key: 'content',
            render: (_, r) => (
              <div>
                {summary(r).map((s) => (
                  <div key={s.label}>
                    <Typography.Text type="secondary">{t(`grants.field.${s.label}` as MessageKey)}：</Typography.Text>
                    {s.text}
                  </div>
                ))}
                {r.corrects ? (
                  <Typography.Text className="govdata-correction" style={{ display: 'block' }}>
                    {t('grants.correctsN', { id: r.corrects, reason: r.correction_reason ?? '' })}
                  </Typography.Text>
                ) : null}
              </div>
            ),
          },
          { title: t('grants.usageRows'), key: 'rows', width: 90, align: 'right', render: (_, r) => (r.rows != null ? formatNumber(r.rows) : '—') },
          {
            title: t('grants.recordedBy'),
            key: 'by',
            width: 170,
            render: (_, r) => (
              <span>
                {r.recorded_by}
                <br />
                <span className="govdata-mono">{formatDateTime(r.recorded_at)}</span>
              </span>
            ),
          },
          {
            title: t('grants.actions'),
            key: 'actions',
            width: 130,
            render: (_, r) =>
              r.corrected_by ? (
                <Tag className="govdata-tag">{t('grants.correctedBy', { id: r.corrected_by })}</Tag>
              ) : mayWrite ? (
                <Button size="small" onClick={() => setEditing({ kind: (r.kind ?? 'use') as Kind, corrects: r })} aria-label={t('grants.correctN', { id: r.id ?? 0 })}>
                  {t('grants.correct')}
                </Button>
              ) : (
                '—'
              ),
          },
        ]}
      />
      <LoadMore more={cursor} loading={loading} onMore={() => void load(cursor)} />
      {editing && (
        <UsageDialog
          grant={grant}
          kind={editing.kind}
          corrects={editing.corrects}
          onClose={() => setEditing(undefined)}
          onSaved={(r) => {
            setEditing(undefined);
            void msg.success(r.corrects ? t('grants.corrected') : t('grants.recorded'));
            void load();
          }}
        />
      )}
    </Card>
  );
}

type Values = Partial<Record<string, string | number | Dayjs | null>> & { kind: Kind };

function UsageDialog({
  grant,
  kind: initial,
  corrects,
  onClose,
  onSaved,
}: {
  grant: Grant;
  kind: Kind;
  corrects?: UsageRecord;
  onClose: () => void;
  onSaved: (r: UsageRecord) => void;
}) {
  const { t } = useI18n();
  const l = useGrantLabels();
  const [form] = Form.useForm<Values>();
  const kind = (Form.useWatch('kind', form) ?? initial) as Kind;
  const [busy, setBusy] = useState(false);
  const [refused, setRefused] = useState<string | undefined>();
  const day = kindDay[kind];
  // A correction starts from the record it replaces.
  const initialValues: Values = { kind: initial };
  if (corrects) {
    for (const f of kindFields[initial]) initialValues[f.name as string] = (corrects[f.name] as string | undefined) ?? undefined;
    const d = corrects[kindDay[initial]];
    if (d) initialValues[kindDay[initial]] = dayjs(d);
    if (corrects.rows != null) initialValues.rows = corrects.rows;
  }

  async function send() {
    setRefused(undefined);
    let v: Values;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    const body: Record<string, unknown> = { kind };
    for (const f of kindFields[kind]) {
      const s = String(v[f.name as string] ?? '').trim();
      if (s) body[f.name as string] = s;
    }
    const d = v[day] as Dayjs | undefined;
    if (d) body[day] = d.format('YYYY-MM-DD');
    if (typeof v.rows === 'number') body.rows = v.rows;
    if (corrects) {
      body.corrects = corrects.id;
      body.correction_reason = String(v.correction_reason ?? '').trim();
    }
    setBusy(true);
    try {
      const r = await call(api.POST('/api/v1/grants/{id}/usage', { params: { path: { id: String(grant.id) } }, body: body as UsageInput }));
      onSaved(r);
    } catch (e) {
      if (e instanceof ApiError && Object.keys(e.fields).length > 0) {
        form.setFields(Object.entries(e.fields).map(([name, msg]) => ({ name: fieldPath(name) as never, errors: [msg] })));
        const known = new Set([...kindFields[kind].map((f) => f.name as string), day, 'rows', 'correction_reason']);
        const other = Object.entries(e.fields).filter(([n]) => !known.has(n));
        if (other.length > 0) setRefused(other.map(([, m]) => m).join('；'));
      } else setRefused((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open
      title={corrects ? t('grants.correctTitle', { id: corrects.id ?? 0 }) : t('grants.recordTitle')}
      onCancel={onClose}
      okText={corrects ? t('grants.saveCorrection') : t('grants.saveRecord')}
      cancelText={t('grants.cancel')}
      okButtonProps={{ loading: busy }}
      onOk={() => void send()}
      width={640}
    >
      {refused && <Alert style={{ marginBottom: 12 }} type="error" showIcon message={refused} />}
      {corrects && <Alert style={{ marginBottom: 12 }} type="info" showIcon message={t('grants.correctNote')} />}
      <Form form={form} layout="vertical" initialValues={initialValues}>
        <Form.Item name="kind" label={t('grants.usageKindLabel')}>
          <Segmented<Kind> disabled={!!corrects} options={usageKinds.map((k) => ({ value: k, label: l.usageKind(k) }))} />
        </Form.Item>
        {kindFields[kind].map((f) => (
          <Form.Item
            key={`${kind}.${f.name as string}`}
            name={f.name as string}
            label={t(`grants.field.${f.name as string}` as MessageKey)}
            rules={f.required ? [{ required: true, whitespace: true, message: t('form.required') }] : []}
          >
            {f.long ? <Input.TextArea rows={2} maxLength={2000} /> : <Input maxLength={100} />}
          </Form.Item>
        ))}
        <Space wrap size={16}>
          <Form.Item name={day} label={t(`grants.field.${day}`)} rules={[{ required: true, message: t('form.required') }]}>
            <DatePicker
              format="YYYY-MM-DD"
              // What is recorded has happened, on or after the grant's first day
              // (ValidateUsage); today is the deployment's, not the browser's.
              disabledDate={(d) => d.isAfter(dayjs(today()), 'day') || (!!grant.valid_from && d.isBefore(dayjs(grant.valid_from), 'day'))}
            />
          </Form.Item>
          <Form.Item name="rows" label={t('grants.field.rows')}>
            <InputNumber min={0} precision={0} style={{ width: 160 }} />
          </Form.Item>
        </Space>
        {corrects && (
          <Form.Item name="correction_reason" label={t('grants.correctionReason')} rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
            <Input.TextArea rows={2} maxLength={2000} />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
