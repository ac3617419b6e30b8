// 数据: the stored rows as the provider's officer reads them (every read is
// audited by the server, SEC-1), an item's exact value to find rows, the
// batch that last wrote each, and a row's earlier versions (AGG-3).
// Sealed items (sensitivity 3–4) stay masked until the officer shows them.
import { useCallback, useMemo, useState } from 'react';
import { Alert, Button, Input, Modal, Select, Space, Switch, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { api, call } from '../../api/client';
import { LoadError } from '../../components/LoadError';
import { usePaged } from '../../components/usePaged';
import { useI18n } from '../../i18n';
import { LoadMore } from '../../components/Page';
import { BatchLink, useDataLabels, type Column, type Dataset, type Row } from './common';

const pageSize = 50;

function mask(v: string): string {
  if (v.length <= 2) return '*'.repeat(v.length);
  return v.slice(0, 1) + '*'.repeat(Math.min(v.length - 2, 12)) + v.slice(-1);
}

export default function RowsTab({ id, dataset, version, officer }: { id: string; dataset: Dataset; version: number; officer: boolean }) {
  const { t } = useI18n();
  const l = useDataLabels();
  const columns = useMemo(() => (dataset.columns ?? []).filter((c) => !c.retired), [dataset.columns]);
  const keys = columns.filter((c) => c.key);
  const [item, setItem] = useState<string | undefined>(columns[0]?.item);
  const [value, setValue] = useState('');
  const [where, setWhere] = useState<string | undefined>();
  const [reveal, setReveal] = useState(false);
  const [history, setHistory] = useState<{ where: string[]; rows?: Row[]; error?: Error } | undefined>();
  // Rows are read by the officer only (data.rows); version: the dataset changed, so read again.
  const fetch = useCallback(
    (after?: string) =>
      call(
        api.GET('/api/v1/catalog/{id}/rows', {
          params: { path: { id }, query: { limit: String(pageSize), ...(where ? { where } : {}), ...(after ? { cursor: after } : {}) } },
        }),
      ),
    [id, where, version],
  );
  const { items, cursor, loading, error, load } = usePaged<Row>(fetch, officer);

  async function openHistory(row: Row) {
    // A row is named by its key; without one, by every value it holds.
    const by = (keys.length ? keys : columns).filter((c) => row.values?.[c.item ?? ''] != null);
    const w = by.map((c) => `${c.item}:${row.values?.[c.item ?? ''] ?? ''}`);
    setHistory({ where: w });
    try {
      // where repeats, one per item (openapi-fetch writes an array so).
      const list = await call(api.GET('/api/v1/catalog/{id}/rows/history', { params: { path: { id }, query: { where: w as unknown as string } } }));
      setHistory({ where: w, rows: list.items ?? [] });
    } catch (e) {
      setHistory({ where: w, error: e as Error });
    }
  }

  if (!officer) {
    return <Alert type="info" showIcon message={t('data.rowsOfficerOnly')} />;
  }

  const cell = (c: Column) => (v: string | null | undefined) => {
    if (v == null) return <Typography.Text type="secondary">—</Typography.Text>;
    return c.encrypted && !reveal ? <span aria-label={t('data.masked')}>{mask(v)}</span> : v;
  };
  const valueColumns: ColumnsType<Row> = columns.map((c) => ({
    title: c.item,
    key: `v:${c.item}`,
    ellipsis: true,
    width: 160,
    align: c.type === 'N' || c.type === 'Y' ? ('right' as const) : undefined,
    render: (_: unknown, r: Row) => cell(c)(r.values?.[c.item ?? '']),
  }));
  const anySealed = columns.some((c) => c.encrypted);

  return (
    <div>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setWhere(item && value !== '' ? `${item}:${value}` : undefined);
        }}
      >
        <Space wrap style={{ marginBottom: 12 }}>
          <Select
            aria-label={t('data.filterItem')}
            style={{ width: 180 }}
            value={item}
            onChange={setItem}
            options={columns.map((c) => ({ value: c.item, label: c.item }))}
            popupMatchSelectWidth={false}
          />
          <Input aria-label={t('data.filterValue')} placeholder={t('data.filterValueHint')} style={{ width: 240 }} value={value} onChange={(e) => setValue(e.target.value)} />
          <Button type="primary" htmlType="submit" loading={loading}>
            {t('data.find')}
          </Button>
          {where && (
            <Button
              onClick={() => {
                setValue('');
                setWhere(undefined);
              }}
            >
              {t('data.clearFilter')}
            </Button>
          )}
          {anySealed && (
            <Space size={6}>
              <Switch checked={reveal} onChange={setReveal} aria-label={t('data.reveal')} />
              <span aria-hidden>{t('data.reveal')}</span>
            </Space>
          )}
        </Space>
      </form>
      {error && (
        <div style={{ marginBottom: 16 }}>
          <LoadError error={error} onRetry={() => void load()} />
        </div>
      )}
      <Table<Row>
        aria-label={t('data.tabRows')}
        size="small"
        rowKey={(r, i) => `${r.batch_id}:${JSON.stringify(r.values)}:${i}`}
        dataSource={items}
        loading={loading}
        pagination={false}
        scroll={{ x: Math.max(800, columns.length * 160 + 220) }}
        locale={{ emptyText: <Typography.Text type="secondary">{where ? t('data.noRowsMatch') : t('data.noRows')}</Typography.Text> }}
        columns={[
          ...valueColumns,
          { title: t('data.writtenBy'), key: 'batch', width: 110, render: (_, r) => <BatchLink id={r.batch_id} /> },
          {
            title: t('data.actions'),
            key: 'actions',
            width: 110,
            render: (_, r) => (
              <Button size="small" onClick={() => void openHistory(r)}>
                {t('data.history')}
              </Button>
            ),
          },
        ]}
      />
      <LoadMore more={cursor} loading={loading} onMore={() => void load(cursor)} />
      <Modal
        open={!!history}
        width={Math.min(1200, Math.max(720, columns.length * 150 + 360))}
        title={t('data.historyTitle', { where: history?.where.join('，') ?? '' })}
        onCancel={() => setHistory(undefined)}
        footer={null}
        destroyOnHidden
      >
        {history?.error && <LoadError error={history.error} />}
        {history && !history.error && (
          <Table<Row>
            aria-label={t('data.history')}
            size="small"
            loading={!history.rows}
            rowKey={(r, i) => `${r.batch_id}:${r.superseded_by}:${i}`}
            dataSource={history.rows ?? []}
            pagination={(history.rows?.length ?? 0) > 10 ? { pageSize: 10, showSizeChanger: false } : false}
            scroll={{ x: columns.length * 150 + 330 }}
            locale={{ emptyText: <Typography.Text type="secondary">{t('data.noHistory')}</Typography.Text> }}
            columns={[
              ...valueColumns,
              { title: t('data.writtenBy'), key: 'batch', width: 100, render: (_, r) => <BatchLink id={r.batch_id} /> },
              { title: t('data.how'), key: 'op', width: 100, render: (_, r) => l.op(r.op) },
              { title: t('data.replacedBy'), key: 'by', width: 110, render: (_, r) => <BatchLink id={r.superseded_by} /> },
            ]}
          />
        )}
      </Modal>
    </div>
  );
}
