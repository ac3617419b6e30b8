// 批次: the entry's batches, newest first, with their provenance (AGG-3):
// source, file name, SHA-256 of the bytes received, operator, counts and
// state; each opens its quality report.
import { useCallback, useState } from 'react';
import { Button, Select, Space, Table, Typography } from 'antd';
import { api, call } from '../../api/client';
import { LoadError } from '../../components/LoadError';
import { usePaged } from '../../components/usePaged';
import { useI18n } from '../../i18n';
import { LoadMore } from '../../components/Page';
import { formatNumber } from '../../format';
import { BatchLink, BatchStateTag, BatchTime, batchStates, useDataLabels, type Batch } from './common';

const pageSize = 20;

export default function BatchesTab({ id, version }: { id: string; version: number }) {
  const { t } = useI18n();
  const l = useDataLabels();
  const [state, setState] = useState<string | undefined>();
  // version: the dataset changed (an upload ended), so read again.
  const fetch = useCallback(
    (after?: string) =>
      call(
        api.GET('/api/v1/catalog/{id}/batches', {
          params: { path: { id }, query: { limit: String(pageSize), ...(state ? { state } : {}), ...(after ? { cursor: after } : {}) } },
        }),
      ),
    [id, state, version],
  );
  const { items, cursor, loading, error, load } = usePaged<Batch>(fetch);

  const num = (v: number | undefined) => formatNumber(v ?? 0);
  return (
    <div>
      <Space wrap style={{ marginBottom: 12 }} className="govdata-filters">
        <Select
          aria-label={t('data.stateFilter')}
          placeholder={t('data.stateFilter')}
          allowClear
          style={{ width: 160 }}
          value={state}
          onChange={(v) => setState(v ?? undefined)}
          options={batchStates.map((s) => ({ value: s, label: l.state(s) }))}
        />
        <Button onClick={() => void load()} loading={loading}>
          {t('action.refresh')}
        </Button>
      </Space>
      {error && (
        <div style={{ marginBottom: 16 }}>
          <LoadError error={error} onRetry={() => void load()} />
        </div>
      )}
      <Table<Batch>
        aria-label={t('data.tabBatches')}
        size="small"
        rowKey={(r) => String(r.id)}
        dataSource={items}
        loading={loading}
        pagination={false}
        scroll={{ x: 1050 }}
        locale={{ emptyText: <Typography.Text type="secondary">{t('data.noBatches')}</Typography.Text> }}
        columns={[
          { title: t('data.batch'), key: 'id', width: 90, render: (_, r) => <BatchLink id={r.id} /> },
          { title: t('data.source'), key: 'source', width: 100, render: (_, r) => l.source(r.source) },
          { title: t('data.fileName'), key: 'file', ellipsis: true, render: (_, r) => r.file_name || '—' },
          {
            title: 'SHA-256',
            key: 'sha',
            width: 130,
            render: (_, r) =>
              r.sha256 ? (
                <Typography.Text className="govdata-mono" copyable={{ text: r.sha256 }}>
                  <span className="govdata-sha" title={r.sha256}>
                    {r.sha256}
                  </span>
                </Typography.Text>
              ) : (
                '—'
              ),
          },
          { title: t('data.operator'), dataIndex: 'operator', width: 90, ellipsis: true },
          { title: t('data.rowsRead'), key: 'read', width: 80, align: 'right', render: (_, r) => num(r.report?.rows_read) },
          { title: t('data.rowsRejected'), key: 'rej', width: 80, align: 'right', render: (_, r) => num(r.report?.rows_rejected) },
          { title: t('data.rowsApplied'), key: 'app', width: 80, align: 'right', render: (_, r) => num(r.report?.rows_applied) },
          { title: t('data.state'), key: 'state', width: 100, render: (_, r) => <BatchStateTag state={r.state} /> },
          { title: t('data.startedAt'), key: 'at', width: 160, render: (_, r) => <BatchTime batch={r} /> },
        ]}
      />
      <LoadMore more={cursor} loading={loading} onMore={() => void load(cursor)} />
    </div>
  );
}
