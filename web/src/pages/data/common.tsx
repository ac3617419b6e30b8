// What the data pages share (AGG-1…6): the API's types of datasets,
// batches, rows, sources and maintenance requests; the names of their
// codes in the user's language; a batch's state, its live progress and its
// quality report.
import { Alert, Button, Progress, Space, Table, Tag, Typography } from 'antd';
import { DownloadOutlined, StopOutlined } from '@ant-design/icons';
import { Link } from 'react-router';
import { api, call, type paths } from '../../api/client';
import { useI18n, type Lang, type MessageKey } from '../../i18n';
import { formatDateTime, formatNumber } from '../../format';
import './data.css';

type JSONOf<T> = T extends { content: { 'application/json': infer J } } ? J : never;

export type Dataset = JSONOf<paths['/api/v1/catalog/{id}/dataset']['get']['responses'][200]>;
export type Batch = JSONOf<paths['/api/v1/batches/{id}']['get']['responses'][200]>;
export type BatchList = JSONOf<paths['/api/v1/catalog/{id}/batches']['get']['responses'][200]>;
export type RowList = JSONOf<paths['/api/v1/catalog/{id}/rows']['get']['responses'][200]>;
export type Row = NonNullable<RowList['items']>[number];
export type Column = NonNullable<Dataset['columns']>[number];
export type Source = JSONOf<paths['/api/v1/catalog/{id}/source']['get']['responses'][200]>;
export type SourceInput = NonNullable<paths['/api/v1/catalog/{id}/source']['put']['requestBody']>['content']['application/json'];
export type SourceCheck = JSONOf<paths['/api/v1/catalog/{id}/source/check']['post']['responses'][200]>;
export type Maintenance = JSONOf<paths['/api/v1/maintenance/{id}']['get']['responses'][200]>;
export type MaintenanceList = JSONOf<paths['/api/v1/catalog/{id}/maintenance']['get']['responses'][200]>;
export type MaintenanceInput = NonNullable<paths['/api/v1/catalog/{id}/maintenance']['post']['requestBody']>['content']['application/json'];
export type RowChange = NonNullable<MaintenanceInput['changes']>[number];
export type Stale = NonNullable<JSONOf<paths['/api/v1/supervision/stale-datasets']['get']['responses'][200]>['items']>[number];

export const batchStates = ['running', 'applied', 'refused', 'failed', 'cancelled'] as const;
export const sourceKinds = ['postgres', 'mysql', 'http', 'live'] as const;

/** pick shows a {zh, en} text of the server in the user's language. */
export function pick(text: { zh?: string; en?: string } | null | undefined, lang: Lang): string {
  if (!text) return '';
  return (lang === 'en' ? text.en || text.zh : text.zh || text.en) ?? '';
}

/** formatBytes writes a size as people read it: 1.5 MB. */
export function formatBytes(n: number | undefined): string {
  const v = n ?? 0;
  if (v < 1024) return `${formatNumber(v)} B`;
  if (v < 1024 * 1024) return `${(v / 1024).toFixed(1)} KB`;
  if (v < 1024 * 1024 * 1024) return `${(v / 1024 / 1024).toFixed(1)} MB`;
  return `${(v / 1024 / 1024 / 1024).toFixed(2)} GB`;
}

export function useDataLabels() {
  const { t } = useI18n();
  const key = (prefix: string, v: string | undefined) => (v ? t(`${prefix}.${v}` as MessageKey) : '—');
  return {
    state: (v: string | undefined) => key('data.batchState', v),
    source: (v: string | undefined) => key('data.batchSource', v),
    mode: (v: string | undefined) => key('data.mode', v),
    rule: (v: string | undefined) => key('data.rule', v),
    op: (v: string | undefined) => key('data.op', v),
    kind: (v: string | undefined) => key('data.sourceKind', v),
    maintenanceState: (v: string | undefined) => key('data.maintenanceState', v),
  };
}

export function BatchStateTag({ state }: { state?: string }) {
  const l = useDataLabels();
  return <Tag className={`govdata-batch govdata-batch-${state ?? ''}`}>{l.state(state)}</Tag>;
}

/** BatchLink opens a batch's page. */
export function BatchLink({ id }: { id?: number }) {
  const { t } = useI18n();
  if (!id) return <>—</>;
  return <Link to={`/data/batches/${id}`}>{t('data.batchN', { id })}</Link>;
}

/**
 * BatchProgress is a running batch as the server counts it: the share of
 * the file received (when its size is known), rows read and rejected so
 * far, and the cancel.
 */
export function BatchProgress({
  batch,
  total,
  cancelling,
  onCancel,
}: {
  batch?: Batch;
  total?: number;
  cancelling?: boolean;
  onCancel?: () => void;
}) {
  const { t } = useI18n();
  const bytes = batch?.bytes ?? 0;
  const percent = total ? Math.min(99, Math.floor((bytes / total) * 100)) : undefined;
  const r = batch?.report;
  return (
    <div className="govdata-progress" data-testid="batch-progress" aria-live="polite">
      <Progress
        percent={percent ?? 99}
        status="active"
        showInfo={percent !== undefined}
        aria-label={t('data.progress')}
        aria-valuenow={percent}
      />
      <Space wrap size={24} style={{ marginTop: 4 }}>
        <span>{batch?.id ? t('data.batchN', { id: batch.id }) : t('data.waitingBatch')}</span>
        <span data-testid="progress-read">{t('data.readSoFar', { n: formatNumber(r?.rows_read ?? 0) })}</span>
        <span data-testid="progress-rejected">{t('data.rejectedSoFar', { n: formatNumber(r?.rows_rejected ?? 0) })}</span>
        <span data-testid="progress-bytes">
          {total ? t('data.bytesOf', { n: formatBytes(bytes), total: formatBytes(total) }) : t('data.bytesRead', { n: formatBytes(bytes) })}
        </span>
        {onCancel && (
          <Button danger icon={<StopOutlined />} loading={cancelling} disabled={!batch?.id} onClick={onCancel}>
            {t('data.cancelBatch')}
          </Button>
        )}
      </Space>
    </div>
  );
}

/** BatchOutcome says how a finished batch ended, in a sentence. */
export function BatchOutcome({ batch }: { batch: Batch }) {
  const { t, lang } = useI18n();
  const r = batch.report;
  const why = pick(batch.error, lang);
  switch (batch.state) {
    case 'applied':
      return (
        <Alert
          type="success"
          showIcon
          message={t('data.outcomeApplied', { n: formatNumber(r?.rows_applied ?? 0) })}
          description={r?.rows_rejected ? t('data.outcomeAppliedRejected', { n: formatNumber(r.rows_rejected) }) : undefined}
        />
      );
    case 'refused':
      return <Alert type="warning" showIcon message={t('data.outcomeRefused', { n: formatNumber(r?.rows_rejected ?? 0) })} description={t('data.outcomeRefusedHint')} />;
    case 'cancelled':
      return <Alert type="info" showIcon message={t('data.outcomeCancelled')} description={why && why !== t('data.outcomeCancelled') ? why : undefined} />;
    case 'failed':
      return <Alert type="error" showIcon message={t('data.outcomeFailed')} description={why || undefined} />;
  }
  return null;
}

type Violation = NonNullable<NonNullable<Batch['report']>['violations']>[number];

/** BatchReport is a batch's quality report: its counts, by item and rule (AGG-2). */
export function BatchReport({ batch, download = true }: { batch: Batch; download?: boolean }) {
  const { t } = useI18n();
  const l = useDataLabels();
  const r = batch.report;
  const violations = r?.violations ?? [];
  return (
    <div>
      <div className="govdata-counts" role="group" aria-label={t('data.report')}>
        {(
          [
            ['data.rowsRead', r?.rows_read],
            ['data.rowsAccepted', r?.rows_accepted],
            ['data.rowsRejected', r?.rows_rejected],
            ['data.rowsApplied', r?.rows_applied],
          ] as [MessageKey, number | undefined][]
        ).map(([k, v]) => (
          <div key={k} className="govdata-count">
            <div className="govdata-count-label">{t(k)}</div>
            <div className="govdata-count-value">{formatNumber(v ?? 0)}</div>
          </div>
        ))}
      </div>
      {(r?.anomalies ?? []).length > 0 && (
        <Alert
          style={{ marginTop: 12 }}
          type="warning"
          showIcon
          message={t('data.anomalies')}
          description={(r?.anomalies ?? []).map((a) => (
            <div key={a.kind}>
              {a.kind === 'rejection_rate'
                ? t('data.anomalyRate', { v: ((a.value ?? 0) * 100).toFixed(1), u: ((a.usual ?? 0) * 100).toFixed(1) })
                : t('data.anomalyRows', { v: formatNumber(a.value ?? 0), u: formatNumber(Math.round(a.usual ?? 0)) })}
            </div>
          ))}
        />
      )}
      {violations.length > 0 && (
        <Table<Violation>
          style={{ marginTop: 12 }}
          size="small"
          aria-label={t('data.violations')}
          rowKey={(v) => `${v.item ?? ''}:${v.rule ?? ''}`}
          dataSource={violations}
          pagination={violations.length > 10 ? { pageSize: 10, showSizeChanger: false } : false}
          columns={[
            { title: t('data.item'), key: 'item', render: (_, v) => v.item || t('data.wholeRow') },
            { title: t('data.ruleLabel'), key: 'rule', render: (_, v) => `${l.rule(v.rule)}（${v.rule}）` },
            { title: t('data.count'), key: 'n', align: 'right', width: 120, render: (_, v) => formatNumber(v.count ?? 0) },
          ]}
        />
      )}
      {download && (r?.rows_rejected ?? 0) > 0 && !!batch.id && (
        <Button style={{ marginTop: 12 }} icon={<DownloadOutlined />} href={`/api/v1/batches/${batch.id}/rejected.csv`} download>
          {t('data.downloadRejected', { n: formatNumber(r?.rows_rejected ?? 0) })}
        </Button>
      )}
    </div>
  );
}

/** When a batch ran, from its start to its end. */
export function BatchTime({ batch }: { batch: Batch }) {
  return (
    <Typography.Text className="govdata-mono" style={{ whiteSpace: 'nowrap' }}>
      {formatDateTime(batch.started_at)}
    </Typography.Text>
  );
}

/** sleep waits between two polls of a running batch. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * followBatch sends a request that answers only when its batch has ended
 * (an upload, a pull run now) and meanwhile follows the batch: it is found
 * among the entry's running batches — newer than the newest before the
 * request, and matching — then read again for its counts, each reading
 * given to onLive. It resolves with the ended batch, or the error; a
 * request cut off once the batch has ended (a cancelled upload may close
 * the connection early) resolves with the batch as the server kept it.
 */
export async function followBatch(
  entryID: string,
  match: (b: Batch) => boolean,
  request: () => Promise<Batch>,
  onLive: (b: Batch) => void,
  alive: () => boolean,
): Promise<{ batch?: Batch; error?: Error }> {
  const path = { id: entryID };
  const before = (await call(api.GET('/api/v1/catalog/{id}/batches', { params: { path, query: { limit: '1' } } }))).items?.[0]?.id ?? 0;
  let ended = false;
  let batchID: number | undefined;
  const pending = request()
    .then((batch) => ({ batch, error: undefined }))
    .catch((error: unknown) => ({ batch: undefined, error: error as Error }))
    .finally(() => {
      ended = true;
    });
  void (async () => {
    while (!ended && alive()) {
      await sleep(pollMs);
      if (ended || !alive()) break;
      try {
        if (batchID === undefined) {
          const list = await call(api.GET('/api/v1/catalog/{id}/batches', { params: { path, query: { state: 'running', limit: '20' } } }));
          const mine = (list.items ?? []).find((b) => (b.id ?? 0) > before && match(b));
          if (mine) {
            batchID = mine.id;
            if (!ended) onLive(mine);
          }
        } else {
          const b = await call(api.GET('/api/v1/batches/{id}', { params: { path: { id: String(batchID) } } }));
          if (!ended) onLive(b);
        }
      } catch {
        // A missed reading: the next one tries again.
      }
    }
  })();
  const out = await pending;
  if (out.batch || batchID === undefined) return out;
  // The request was cut off (a cancel stops sending the file): the batch
  // ends as the server sees the upload stop.
  for (let i = 0; i < 50 && alive(); i++) {
    const kept = await call(api.GET('/api/v1/batches/{id}', { params: { path: { id: String(batchID) } } })).catch(() => undefined);
    if (kept && kept.state !== 'running') return { batch: kept };
    await sleep(pollMs);
  }
  return out;
}

const pollMs = 400;
