// 督办: how deadlines are kept (CAL-3, HLJ-42, AGG-4) — the overdue steps
// of what the reviewer's bureau oversees, each department's on-time rate,
// and the datasets not refreshed within their update cycle. Each section
// is a table of the numbers with one chart over it; the table is the
// chart's text alternative. A reviewer sees all three; a leader or an
// officer, who hold no supervision permission on the server, sees the
// department's stale datasets.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { Button, Card, Empty, Select, Table, Typography } from 'antd';
import type { EChartsOption } from 'echarts';
import { api, call, type paths } from '../../api/client';
import { Page, LoadMore } from '../../components/Page';
import { usePaged } from '../../components/usePaged';
import { Chart } from '../../components/Chart';
import { useDepartments } from '../../components/useDepartments';
import { LoadError } from '../../components/LoadError';
import { useI18n, type MessageKey } from '../../i18n';
import { useSession } from '../../session';
import { formatDateTime, formatNumber } from '../../format';
import { useCatalogLabels } from '../catalog/common';

type Instance = NonNullable<paths['/api/v1/supervision/overdue']['get']['responses'][200]['content']['application/json']['items']>[number];
type Timeliness = NonNullable<paths['/api/v1/supervision/timeliness']['get']['responses'][200]['content']['application/json']['items']>[number];
type Stale = NonNullable<paths['/api/v1/supervision/stale-datasets']['get']['responses'][200]['content']['application/json']['items']>[number];

const pageSize = 50;
const chartColor = '#1d4ed8'; // the theme's primary blue (App.tsx)

/** A cursor-paged list: its rows, more, loading, failure. */
function barOption(names: string[], values: number[], opts: { percent?: boolean; name: string }): EChartsOption {
  return {
    animation: false,
    grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: {
      type: 'value',
      max: opts.percent ? 100 : undefined,
      minInterval: 1,
      axisLabel: { formatter: opts.percent ? '{value}%' : '{value}' },
    },
    yAxis: { type: 'category', data: names, inverse: true, axisLabel: { width: 180, overflow: 'truncate' } },
    series: [
      {
        type: 'bar',
        name: opts.name,
        data: values,
        itemStyle: { color: chartColor },
        barMaxWidth: 22,
        label: { show: true, position: 'right', formatter: opts.percent ? '{c}%' : '{c}' },
      },
    ],
  };
}

function chartHeight(n: number) {
  return Math.max(120, Math.min(n, 15) * 32 + 40);
}

function Section({ title, id, extra, children }: { title: string; id: string; extra?: React.ReactNode; children: React.ReactNode }) {
  return (
    <Card
      style={{ marginBottom: 20 }}
      title={
        <Typography.Title level={2} id={id} style={{ fontSize: 16, margin: 0 }}>
          {title}
        </Typography.Title>
      }
      extra={extra}
    >
      <section aria-labelledby={id}>{children}</section>
    </Card>
  );
}

export default function SupervisionPage() {
  const { can } = useSession();
  const supervises = can('supervision.read');
  const readsData = can('data.read');
  const departments = useDepartments();
  return (
    <Page>
      {supervises && <Overdue departments={departments} />}
      {supervises && <OnTime departments={departments} />}
      {/* Every stale dataset for the bureau's reviewer; the department's own for a leader or an officer. */}
      {readsData && <StaleDatasets reviewer={can('catalog.review')} />}
    </Page>
  );
}

function Overdue({ departments }: { departments: Map<number, string> }) {
  const { t } = useI18n();
  const fetch = useCallback(
    (cursor?: string) =>
      call(api.GET('/api/v1/supervision/overdue', { params: { query: { limit: String(pageSize), ...(cursor ? { cursor } : {}) } } })),
    [],
  );
  const { items, cursor, loading, error, load } = usePaged<Instance>(fetch, true);
  const byKind = useMemo(() => {
    const m = new Map<string, number>();
    for (const i of items) m.set(i.kind ?? '', (m.get(i.kind ?? '') ?? 0) + 1);
    return [...m.entries()].sort((a, b) => b[1] - a[1]);
  }, [items]);
  const option = useMemo(
    () => barOption(byKind.map(([k]) => t(`workflow.${k}` as MessageKey)), byKind.map(([, n]) => n), { name: t('supervision.overdueCount') }),
    [byKind, t],
  );
  const party = (i: Instance) => {
    const p = i.parties ?? {};
    const id = p.provider ?? p.applicant ?? p.bureau;
    return id ? departments.get(id) ?? `#${id}` : '—';
  };
  return (
    <Section
      title={t('supervision.overdue')}
      id="supervision-overdue"
      extra={
        <Button size="small" onClick={() => void load()} loading={loading}>
          {t('action.refresh')}
        </Button>
      }
    >
      {error && <LoadError error={error} onRetry={() => void load()} />}
      {items.length > 0 && (
        <>
          <Typography.Paragraph type="secondary" style={{ marginBottom: 4 }}>
            {t('supervision.overdueChart', { n: formatNumber(items.length) })}
          </Typography.Paragraph>
          <Chart option={option} height={chartHeight(byKind.length)} label={t('supervision.overdueChartLabel')} />
        </>
      )}
      <Table<Instance>
        aria-label={t('supervision.overdue')}
        size="small"
        rowKey={(r) => String(r.id)}
        dataSource={items}
        loading={loading}
        pagination={false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('supervision.overdueEmpty')} /> }}
        columns={[
          {
            title: t('tasks.subject'),
            key: 'title',
            render: (_, r) =>
              r.subject_type === 'catalog_entry' ? (
                <Link to={`/entries/review/${encodeURIComponent(r.subject_id ?? '')}`}>{r.title || t('tasks.untitled')}</Link>
              ) : (
                r.title || t('tasks.untitled')
              ),
          },
          { title: t('tasks.kind'), key: 'kind', width: 150, render: (_, r) => t(`workflow.${r.kind}` as MessageKey) },
          { title: t('supervision.department'), key: 'dept', width: 200, render: (_, r) => party(r) },
          { title: t('tasks.due'), key: 'due', width: 120, render: (_, r) => <span className="govdata-mono">{r.due ?? '—'}</span> },
          {
            title: t('supervision.overdueSince'),
            key: 'since',
            width: 130,
            render: (_, r) => <span className="govdata-mono">{r.overdue_since ?? '—'}</span>,
          },
        ]}
      />
      <LoadMore more={cursor} loading={loading} onMore={() => void load(cursor)} />
    </Section>
  );
}

const sinceDays = [30, 90, 180, 365] as const;

function OnTime({ departments }: { departments: Map<number, string> }) {
  const { t } = useI18n();
  const [days, setDays] = useState<number>(90);
  const [items, setItems] = useState<Timeliness[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Error | null>(null);
  const load = useCallback(async (d: number) => {
    setLoading(true);
    setError(null);
    try {
      const since = new Date(Date.now() - d * 86_400_000).toISOString();
      const l = await call(api.GET('/api/v1/supervision/timeliness', { params: { query: { since } } }));
      setItems([...(l.items ?? [])].sort((a, b) => (a.on_time_rate ?? 0) - (b.on_time_rate ?? 0)));
    } catch (e) {
      setError(e as Error);
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => {
    void load(days);
  }, [days, load]);
  const name = useCallback((id?: number) => (id ? departments.get(id) ?? `#${id}` : '—'), [departments]);
  const percent = (r?: number) => Math.round((r ?? 0) * 1000) / 10;
  const option = useMemo(
    () => barOption(items.map((i) => name(i.department_id)), items.map((i) => percent(i.on_time_rate)), { percent: true, name: t('supervision.rate') }),
    [items, name, t],
  );
  return (
    <Section
      title={t('supervision.timeliness')}
      id="supervision-timeliness"
      extra={
        <Select
          aria-label={t('supervision.since')}
          size="small"
          style={{ width: 150 }}
          value={days}
          onChange={setDays}
          options={sinceDays.map((d) => ({ value: d, label: t('supervision.sinceDays', { n: d }) }))}
        />
      }
    >
      {error && <LoadError error={error} onRetry={() => void load(days)} />}
      {items.length > 0 && <Chart option={option} height={chartHeight(items.length)} label={t('supervision.rateChartLabel')} />}
      <Table<Timeliness>
        aria-label={t('supervision.timeliness')}
        size="small"
        rowKey={(r) => String(r.department_id)}
        dataSource={items}
        loading={loading}
        pagination={items.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('supervision.timelinessEmpty')} /> }}
        columns={[
          { title: t('supervision.department'), key: 'dept', render: (_, r) => name(r.department_id) },
          { title: t('supervision.completed'), key: 'c', width: 120, align: 'right', render: (_, r) => formatNumber(r.completed ?? 0) },
          { title: t('supervision.onTime'), key: 'o', width: 120, align: 'right', render: (_, r) => formatNumber(r.on_time ?? 0) },
          {
            title: t('supervision.rate'),
            key: 'r',
            width: 120,
            align: 'right',
            render: (_, r) => <span data-testid="on-time-rate">{(r.completed ?? 0) > 0 ? `${percent(r.on_time_rate)}%` : '—'}</span>,
          },
          { title: t('supervision.openOverdue'), key: 'od', width: 120, align: 'right', render: (_, r) => formatNumber(r.open_overdue ?? 0) },
        ]}
      />
    </Section>
  );
}

function StaleDatasets({ reviewer }: { reviewer: boolean }) {
  const { t } = useI18n();
  const l = useCatalogLabels();
  const fetch = useCallback(
    (cursor?: string) =>
      call(api.GET('/api/v1/supervision/stale-datasets', { params: { query: { limit: String(pageSize), ...(cursor ? { cursor } : {}) } } })),
    [],
  );
  const { items, cursor, loading, error, load } = usePaged<Stale>(fetch, true);
  // Across departments for the reviewer; within the one department, by
  // update cycle.
  const byDept = useMemo(() => {
    const m = new Map<string, number>();
    for (const i of items) {
      const k = reviewer ? (i.department_name ?? '') : t(`catalog.cycle.${i.update_cycle}` as MessageKey);
      m.set(k, (m.get(k) ?? 0) + 1);
    }
    return [...m.entries()].sort((a, b) => b[1] - a[1]);
  }, [items, reviewer, t]);
  const option = useMemo(
    () => barOption(byDept.map(([d]) => d), byDept.map(([, n]) => n), { name: t('supervision.staleCount') }),
    [byDept, t],
  );
  return (
    <Section
      title={reviewer ? t('supervision.stale') : t('supervision.staleOwn')}
      id="supervision-stale"
      extra={
        <Button size="small" onClick={() => void load()} loading={loading}>
          {t('action.refresh')}
        </Button>
      }
    >
      {error && <LoadError error={error} onRetry={() => void load()} />}
      {items.length > 0 && (
        <>
          <Typography.Paragraph type="secondary" style={{ marginBottom: 4 }}>
            {t(reviewer ? 'supervision.staleChart' : 'supervision.staleChartCycle', { n: formatNumber(items.length) })}
          </Typography.Paragraph>
          <Chart
            option={option}
            height={chartHeight(byDept.length)}
            label={t(reviewer ? 'supervision.staleChartLabel' : 'supervision.staleChartCycleLabel')}
          />
        </>
      )}
      <Table<Stale>
        aria-label={t('supervision.stale')}
        size="small"
        rowKey={(r) => String(r.entry_id)}
        dataSource={items}
        loading={loading}
        pagination={false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('supervision.staleEmpty')} /> }}
        columns={[
          { title: t('catalog.name'), key: 'name', render: (_, r) => <Link to={`/entries/${r.entry_id}`}>{r.entry_name}</Link> },
          { title: t('supervision.department'), dataIndex: 'department_name', width: 200 },
          { title: t('catalog.updateCycle'), key: 'cycle', width: 110, render: (_, r) => l.cycle(r.update_cycle) },
          {
            title: t('supervision.refreshedAt'),
            key: 'ref',
            width: 180,
            render: (_, r) => <span className="govdata-mono" style={{ whiteSpace: 'nowrap' }}>{r.refreshed_at ? formatDateTime(r.refreshed_at) : t('supervision.never')}</span>,
          },
          {
            title: t('supervision.dueAt'),
            key: 'due',
            width: 120,
            render: (_, r) => <span className="govdata-mono">{formatDateTime(r.due_at).slice(0, 10)}</span>,
          },
        ]}
      />
      <LoadMore more={cursor} loading={loading} onMore={() => void load(cursor)} />
    </Section>
  );
}
