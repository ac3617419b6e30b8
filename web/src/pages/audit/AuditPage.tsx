// 审计日志 (SEC-1; SJZ-S-22, HLJ-38): the auditor reads the hash-chained log
// with every filter of GET /api/v1/audit, opens a record, verifies the
// chain (GET /api/v1/audit/verify) and exports a signed checkpoint of its
// head (POST /api/v1/audit/checkpoint) to keep away from the platform and
// check later with `govdata audit verify --checkpoint FILE`. The auditor's
// own reads of the log are recorded too.
import { useCallback, useMemo, useState } from 'react';
import type { Dayjs } from 'dayjs';
import { Alert, Button, DatePicker, Descriptions, Drawer, Form, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { api, call, type paths } from '../../api/client';
import { Page, LoadMore } from '../../components/Page';
import { LoadError } from '../../components/LoadError';
import { usePaged } from '../../components/usePaged';
import { formatDateTime, formatNumber } from '../../format';
import { useI18n, type MessageKey } from '../../i18n';
import { useSession } from '../../session';
import './audit.css';

type AuditList = paths['/api/v1/audit']['get']['responses'][200]['content']['application/json'];
type Record_ = NonNullable<AuditList['items']>[number];
type Verification = paths['/api/v1/audit/verify']['get']['responses'][200]['content']['application/json'];
type Checkpoint = paths['/api/v1/audit/checkpoint']['post']['responses'][200]['content']['application/json'];

const pageSize = 50;
const results = ['ok', 'refused', 'failed'] as const;

interface Filter {
  actor?: string;
  action?: string;
  object_type?: string;
  object_id?: string;
  result?: string;
  range?: [Dayjs | null, Dayjs | null] | null;
}

/**
 * startOfDay is the instant a calendar day begins in the deployment's time
 * zone (UI.md: dates are the deployment's), as RFC 3339 for since/until.
 */
function startOfDay(date: string, zone: string): string {
  const [y, m, d] = date.split('-').map(Number);
  const guess = Date.UTC(y!, m! - 1, d!);
  // The zone's wall clock at that UTC instant, read back as UTC: their
  // difference is the zone's offset then.
  const p: Record<string, number> = {};
  for (const part of new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(guess))) {
    p[part.type] = Number(part.value);
  }
  const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return new Date(guess - (wall - guess)).toISOString().replace('.000Z', 'Z');
}

function ResultTag({ result }: { result?: string }) {
  const { t } = useI18n();
  const r = result ?? 'ok';
  return <Tag className={`govdata-audit-result govdata-audit-${r}`}>{t(`audit.result.${r}` as MessageKey)}</Tag>;
}

export default function AuditPage() {
  const { t } = useI18n();
  const { me } = useSession();
  const zone = me?.time_zone || 'Asia/Shanghai';
  const [form] = Form.useForm<Filter>();
  const [filter, setFilter] = useState<Record<string, string>>({});
  const [open, setOpen] = useState<Record_ | undefined>();

  const fetch = useCallback(
    (cursor?: string) =>
      call(api.GET('/api/v1/audit', { params: { query: { ...filter, limit: String(pageSize), ...(cursor ? { cursor } : {}) } } })),
    [filter],
  );
  const { items, cursor, loading, error, load } = usePaged<Record_>(fetch);

  const apply = (v: Filter) => {
    const q: Record<string, string> = {};
    for (const k of ['actor', 'action', 'object_type', 'object_id', 'result'] as const) {
      const s = v[k]?.trim();
      if (s) q[k] = s;
    }
    const [from, to] = v.range ?? [];
    if (from) q.since = startOfDay(from.format('YYYY-MM-DD'), zone);
    // until is exclusive of the next day's start: the whole last day is in.
    if (to) q.until = startOfDay(to.add(1, 'day').format('YYYY-MM-DD'), zone);
    setFilter(q);
  };

  return (
    <Page extra={<ChainTools />}>
      <Form<Filter> form={form} layout="inline" onFinish={apply} style={{ marginBottom: 16, rowGap: 8 }} aria-label={t('audit.filters')}>
        <Form.Item name="actor" label={t('audit.actor')}>
          <Input style={{ width: 130 }} allowClear />
        </Form.Item>
        <Form.Item name="action" label={t('audit.action')} tooltip={t('audit.actionHint')}>
          <Input style={{ width: 170 }} className="govdata-mono" allowClear />
        </Form.Item>
        <Form.Item name="object_type" label={t('audit.objectType')}>
          <Input style={{ width: 130 }} className="govdata-mono" allowClear />
        </Form.Item>
        <Form.Item name="object_id" label={t('audit.objectId')}>
          <Input style={{ width: 110 }} className="govdata-mono" allowClear />
        </Form.Item>
        <Form.Item name="result" label={t('audit.resultLabel')}>
          <Select
            style={{ width: 120 }}
            allowClear
            options={results.map((r) => ({ value: r, label: t(`audit.result.${r}` as MessageKey) }))}
          />
        </Form.Item>
        <Form.Item name="range" label={t('audit.period')}>
          <DatePicker.RangePicker style={{ width: 260 }} allowEmpty={[true, true]} />
        </Form.Item>
        <Form.Item>
          <Space>
            <Button type="primary" htmlType="submit">
              {t('audit.search')}
            </Button>
            <Button
              onClick={() => {
                form.resetFields();
                setFilter({});
              }}
            >
              {t('audit.reset')}
            </Button>
          </Space>
        </Form.Item>
      </Form>
      {error && (
        <div style={{ marginBottom: 16 }}>
          <LoadError error={error} onRetry={() => void load()} />
        </div>
      )}
      <Table<Record_>
        aria-label={t('page.audit')}
        rowKey="seq"
        dataSource={items}
        loading={loading}
        pagination={false}
        size="middle"
        scroll={{ x: 1040 }}
        locale={{
          emptyText: (
            <Typography.Text type="secondary">{Object.keys(filter).length ? t('audit.noMatch') : t('audit.empty')}</Typography.Text>
          ),
        }}
        columns={[
          { title: t('audit.seq'), key: 'seq', width: 90, align: 'right', render: (_, r) => <span className="govdata-mono">{formatNumber(r.seq ?? 0)}</span> },
          { title: t('audit.time'), key: 'time', width: 150, render: (_, r) => <span style={{ whiteSpace: 'nowrap' }}>{formatDateTime(r.time)}</span> },
          { title: t('audit.actor'), key: 'actor', width: 140, ellipsis: true, render: (_, r) => r.actor },
          { title: t('audit.action'), key: 'action', width: 200, render: (_, r) => <span className="govdata-mono">{r.action}</span> },
          {
            title: t('audit.object'),
            key: 'object',
            ellipsis: true,
            render: (_, r) => (r.object_type ? <span className="govdata-mono">{`${r.object_type} ${r.object_id ?? ''}`}</span> : '—'),
          },
          { title: t('audit.resultLabel'), key: 'result', width: 100, render: (_, r) => <ResultTag result={r.result} /> },
          {
            title: t('audit.details'),
            key: 'open',
            width: 90,
            render: (_, r) => (
              <Button size="small" type="link" onClick={() => setOpen(r)} aria-label={t('audit.openRecord', { seq: r.seq ?? 0 })}>
                {t('audit.view')}
              </Button>
            ),
          },
        ]}
      />
      <LoadMore more={cursor} loading={loading} onMore={() => void load(cursor)} />
      <RecordDrawer record={open} onClose={() => setOpen(undefined)} />
    </Page>
  );
}

function RecordDrawer({ record, onClose }: { record?: Record_; onClose: () => void }) {
  const { t } = useI18n();
  const detail = useMemo(() => (record?.detail ? JSON.stringify(record.detail, null, 2) : ''), [record]);
  return (
    <Drawer open={!!record} onClose={onClose} width={640} title={record ? t('audit.recordTitle', { seq: record.seq ?? 0 }) : ''} destroyOnHidden>
      {record && (
        <Descriptions column={1} bordered size="small" styles={{ label: { width: 140 } }}>
          <Descriptions.Item label={t('audit.seq')}>
            <span className="govdata-mono">{record.seq}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('audit.time')}>{formatDateTime(record.time)}</Descriptions.Item>
          <Descriptions.Item label={t('audit.actor')}>
            {record.actor}
            {record.actor_id ? <Typography.Text type="secondary">{` (#${record.actor_id})`}</Typography.Text> : null}
          </Descriptions.Item>
          <Descriptions.Item label={t('audit.roles')}>
            {(record.roles ?? '')
              .split(',')
              .filter(Boolean)
              .map((r) => t(`role.${r}` as MessageKey))
              .join('、') || '—'}
          </Descriptions.Item>
          <Descriptions.Item label={t('audit.department')}>{record.department_id ? `#${record.department_id}` : '—'}</Descriptions.Item>
          <Descriptions.Item label={t('audit.credential')}>{record.credential_id ? `#${record.credential_id}` : '—'}</Descriptions.Item>
          <Descriptions.Item label={t('audit.action')}>
            <span className="govdata-mono">{record.action}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('audit.object')}>
            <span className="govdata-mono">{record.object_type ? `${record.object_type} ${record.object_id ?? ''}` : '—'}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('audit.resultLabel')}>
            <ResultTag result={record.result} />
          </Descriptions.Item>
          <Descriptions.Item label={t('audit.clientAddr')}>
            <span className="govdata-mono">{record.client_addr || '—'}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('audit.requestId')}>
            {record.request_id ? (
              <Typography.Text className="govdata-mono" copyable>
                {record.request_id}
              </Typography.Text>
            ) : (
              '—'
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t('audit.detail')}>
            {detail ? (
              <pre className="govdata-mono" style={{ margin: 0, whiteSpace: 'pre-wrap', wordBreak: 'break-all', fontSize: 12 }}>
                {detail}
              </pre>
            ) : (
              '—'
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t('audit.prevHash')}>
            <Typography.Text className="govdata-mono" style={{ wordBreak: 'break-all', fontSize: 12 }} copyable>
              {record.prev_hash}
            </Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t('audit.hash')}>
            <Typography.Text className="govdata-mono" style={{ wordBreak: 'break-all', fontSize: 12 }} copyable>
              {record.hash}
            </Typography.Text>
          </Descriptions.Item>
        </Descriptions>
      )}
    </Drawer>
  );
}

/** ChainTools verifies the chain and exports a checkpoint. */
function ChainTools() {
  const { t } = useI18n();
  const [verifying, setVerifying] = useState(false);
  const [verified, setVerified] = useState<Verification | undefined>();
  const [verifyError, setVerifyError] = useState<Error | null>(null);
  const [exporting, setExporting] = useState(false);
  const [checkpoint, setCheckpoint] = useState<{ cp: Checkpoint; file: string } | undefined>();
  const [exportError, setExportError] = useState<Error | null>(null);

  const verify = async () => {
    setVerifying(true);
    setVerifyError(null);
    try {
      setVerified(await call(api.GET('/api/v1/audit/verify')));
    } catch (e) {
      setVerifyError(e as Error);
    } finally {
      setVerifying(false);
    }
  };

  const exportCheckpoint = async () => {
    setExporting(true);
    setExportError(null);
    try {
      const cp = await call(api.POST('/api/v1/audit/checkpoint'));
      const file = `govdata-checkpoint-${cp.seq}.json`;
      // The same JSON `govdata audit checkpoint` writes, which
      // `govdata audit verify --checkpoint` reads.
      const blob = new Blob([JSON.stringify(cp, null, 2) + '\n'], { type: 'application/json' });
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = file;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 0);
      setCheckpoint({ cp, file });
    } catch (e) {
      setExportError(e as Error);
    } finally {
      setExporting(false);
    }
  };

  return (
    <>
      <Space>
        <Button onClick={() => void verify()} loading={verifying}>
          {t('audit.verify')}
        </Button>
        <Button onClick={() => void exportCheckpoint()} loading={exporting}>
          {t('audit.checkpoint')}
        </Button>
      </Space>
      <Modal
        open={!!verified || !!verifyError}
        title={t('audit.verifyTitle')}
        onCancel={() => {
          setVerified(undefined);
          setVerifyError(null);
        }}
        footer={
          <Button
            type="primary"
            onClick={() => {
              setVerified(undefined);
              setVerifyError(null);
            }}
          >
            {t('audit.close')}
          </Button>
        }
      >
        {verifyError && <Alert type="error" showIcon message={verifyError.message} />}
        {verified &&
          (verified.intact ? (
            <Alert
              type="success"
              showIcon
              role="status"
              message={t('audit.intact')}
              description={t('audit.intactDetail', { n: formatNumber(verified.records ?? 0), alg: verified.algorithm ?? '' })}
            />
          ) : (
            <Alert
              type="error"
              showIcon
              role="alert"
              message={t('audit.broken', { seq: verified.break?.seq ?? 0 })}
              description={t('audit.brokenDetail', {
                n: formatNumber(verified.records ?? 0),
                alg: verified.algorithm ?? '',
                reason: verified.break?.reason ?? '',
              })}
            />
          ))}
      </Modal>
      <Modal
        open={!!checkpoint || !!exportError}
        title={t('audit.checkpointTitle')}
        onCancel={() => {
          setCheckpoint(undefined);
          setExportError(null);
        }}
        footer={
          <Button
            type="primary"
            onClick={() => {
              setCheckpoint(undefined);
              setExportError(null);
            }}
          >
            {t('audit.close')}
          </Button>
        }
      >
        {exportError && <Alert type="error" showIcon message={exportError.message} />}
        {checkpoint && (
          <>
            <Alert
              type="success"
              showIcon
              role="status"
              message={t('audit.checkpointDone', { file: checkpoint.file, seq: formatNumber(checkpoint.cp.seq ?? 0) })}
            />
            <Descriptions column={1} size="small" bordered style={{ marginTop: 16 }} styles={{ label: { width: 100 } }}>
              <Descriptions.Item label={t('audit.seq')}>{formatNumber(checkpoint.cp.seq ?? 0)}</Descriptions.Item>
              <Descriptions.Item label={t('audit.time')}>{formatDateTime(checkpoint.cp.time)}</Descriptions.Item>
              <Descriptions.Item label={t('audit.hash')}>
                <span className="govdata-mono" style={{ wordBreak: 'break-all', fontSize: 12 }}>
                  {checkpoint.cp.hash}
                </span>
              </Descriptions.Item>
            </Descriptions>
            <Typography.Paragraph style={{ marginTop: 8 }}>{t('audit.checkpointKeep')}</Typography.Paragraph>
            <Typography.Paragraph>
              <Typography.Text code copyable>{`govdata audit verify --checkpoint ${checkpoint.file}`}</Typography.Text>
            </Typography.Paragraph>
          </>
        )}
      </Modal>
    </>
  );
}
