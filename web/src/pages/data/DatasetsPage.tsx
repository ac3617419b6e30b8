// 挂接数据: the department's published entries with the state of their
// datasets (AGG-1, AGG-4) — rows, the last batch and how it went, when the
// data was last refreshed and whether that is within the entry's update
// cycle (the server's list of stale datasets, never counted here).
import { useCallback, useEffect, useRef, useState } from 'react';
import { Alert, Button, Input, Space, Table, Tag, Typography } from 'antd';
import { api, call } from '../../api/client';
import { Page, LoadMore } from '../../components/Page';
import { LoadError } from '../../components/LoadError';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import { Link } from 'react-router';
import { formatDateTime, formatNumber } from '../../format';
import { EntryName, useCatalogLabels, type Entry } from '../catalog/common';
import { BatchLink, BatchStateTag, type Batch, type Dataset, type Stale } from './common';

const pageSize = 20;

interface Line {
  entry: Entry;
  dataset?: Dataset;
  last?: Batch;
  stale?: Stale;
}

export default function DatasetsPage() {
  const { t } = useI18n();
  const { me, can } = useSession();
  const l = useCatalogLabels();
  // An officer or leader sees the department's datasets; a reviewer, every one.
  const dept = can('data.write') || !can('catalog.review') ? me?.department?.id : undefined;
  const [lines, setLines] = useState<Line[]>([]);
  const [cursor, setCursor] = useState<string | undefined>();
  const [total, setTotal] = useState<number | undefined>();
  const [staleCount, setStaleCount] = useState(0);
  const [q, setQ] = useState('');
  const [text, setText] = useState('');
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Error | null>(null);
  const seq = useRef(0);

  const load = useCallback(
    async (query: string, after?: string) => {
      const mine = ++seq.current;
      setLoading(true);
      setError(null);
      try {
        const [list, stale] = await Promise.all([
          call(
            api.GET('/api/v1/catalog', {
              params: {
                query: {
                  status: 'published',
                  limit: String(pageSize),
                  ...(dept ? { department_id: String(dept) } : {}),
                  ...(query ? { q: query } : {}),
                  ...(after ? { cursor: after } : {}),
                },
              },
            }),
          ),
          call(api.GET('/api/v1/supervision/stale-datasets', { params: { query: { limit: '500' } } })).catch(() => ({ items: [] })),
        ]);
        const staleBy = new Map((stale.items ?? []).map((s) => [s.entry_id, s]));
        const entries = (list.items ?? []).filter((x): x is Entry => !!x);
        // Each entry's dataset and newest batch, side by side.
        const got = await Promise.all(
          entries.map(async (entry): Promise<Line> => {
            const path = { id: String(entry.id) };
            const [dataset, batches] = await Promise.all([
              call(api.GET('/api/v1/catalog/{id}/dataset', { params: { path } })).catch(() => undefined),
              call(api.GET('/api/v1/catalog/{id}/batches', { params: { path, query: { limit: '1' } } })).catch(() => undefined),
            ]);
            return { entry, dataset, last: batches?.items?.[0], stale: staleBy.get(entry.id) };
          }),
        );
        if (mine !== seq.current) return;
        setLines((prev) => (after ? [...prev, ...got] : got));
        setCursor(list.next_cursor || undefined);
        setTotal(list.total);
        setStaleCount((stale.items ?? []).length);
      } catch (e) {
        if (mine === seq.current) setError(e as Error);
      } finally {
        if (mine === seq.current) setLoading(false);
      }
    },
    [dept],
  );

  useEffect(() => {
    void load(q);
  }, [load, q]);

  return (
    <Page
      extra={
        <Button onClick={() => void load(q)} loading={loading}>
          {t('action.refresh')}
        </Button>
      }
    >
      {staleCount > 0 && (
        <Alert style={{ marginBottom: 16 }} type="warning" showIcon message={t('data.staleAlert', { n: formatNumber(staleCount) })} />
      )}
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search
          aria-label={t('data.search')}
          placeholder={t('data.searchHint')}
          allowClear
          style={{ width: 300 }}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            if (!e.target.value) setQ('');
          }}
          onSearch={(v) => setQ(v.trim())}
          enterButton={t('catalog.searchButton')}
        />
        {total !== undefined && <Typography.Text type="secondary">{t('catalog.total', { n: formatNumber(total) })}</Typography.Text>}
      </Space>
      {error && (
        <div style={{ marginBottom: 16 }}>
          <LoadError error={error} onRetry={() => void load(q)} />
        </div>
      )}
      <Table<Line>
        aria-label={t('page.datasets')}
        rowKey={(r) => String(r.entry.id)}
        dataSource={lines}
        loading={loading}
        pagination={false}
        scroll={{ x: 1040 }}
        locale={{
          emptyText: q ? (
            <Typography.Text type="secondary">{t('catalog.noMatch')}</Typography.Text>
          ) : (
            <Space orientation="vertical" size={4}>
              <Typography.Text type="secondary">{t('data.emptyList')}</Typography.Text>
              {can('catalog.write') && <Link to="/entries">{t('polish.toCatalog')}</Link>}
            </Space>
          ),
        }}
        columns={[
          {
            title: t('catalog.name'),
            key: 'name',
            render: (_, r) => <EntryName to={`/data/${r.entry.id}`} name={r.entry.name} code={r.entry.resource_code} />,
          },
          { title: t('catalog.updateCycle'), key: 'cycle', width: 120, render: (_, r) => l.cycle(r.entry.update_cycle) },
          {
            title: t('data.rows'),
            key: 'rows',
            width: 90,
            align: 'right',
            render: (_, r) => (r.dataset ? formatNumber(r.dataset.rows ?? 0) : '—'),
          },
          {
            title: t('data.lastBatch'),
            key: 'last',
            width: 180,
            render: (_, r) =>
              r.last ? (
                <Space size={6} wrap>
                  <BatchLink id={r.last.id} />
                  <BatchStateTag state={r.last.state} />
                </Space>
              ) : (
                <Typography.Text type="secondary">{t('data.noBatch')}</Typography.Text>
              ),
          },
          {
            title: t('data.refreshedAt'),
            key: 'refreshed',
            width: 170,
            render: (_, r) =>
              r.dataset?.refreshed_at ? <span className="govdata-mono" style={{ whiteSpace: 'nowrap' }}>{formatDateTime(r.dataset.refreshed_at)}</span> : '—',
          },
          {
            title: t('data.freshness'),
            key: 'stale',
            width: 150,
            render: (_, r) =>
              r.stale ? (
                <Tag className="govdata-batch govdata-batch-stale">{t('data.staleSince', { date: formatDateTime(r.stale.due_at).slice(0, 10) })}</Tag>
              ) : r.entry.update_cycle === 'other' ? (
                <Typography.Text type="secondary">{t('data.noCycle')}</Typography.Text>
              ) : (
                <Tag className="govdata-batch govdata-batch-applied">{t('data.fresh')}</Tag>
              ),
          },
        ]}
      />
      <LoadMore more={cursor} loading={loading} onMore={() => void load(q, cursor)} />
    </Page>
  );
}
