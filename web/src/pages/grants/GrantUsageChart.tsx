// A grant's data-service calls by day (SHR-6: the provider sees how its
// data is used): calls, rows and refusals over the chosen days, as a chart
// and, beside it, the same numbers as a table (the chart's text
// alternative, and what the browser test reads).
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Card, Segmented, Table, Typography } from 'antd';
import type { EChartsOption } from 'echarts';
import { api, call } from '../../api/client';
import { Chart } from '../../components/Chart';
import { LoadError } from '../../components/LoadError';
import { useI18n } from '../../i18n';
import { formatNumber, today } from '../../format';
import type { DailyUsage } from './common';

interface Day {
  day: string;
  calls: number;
  rows: number;
  refused: number;
}

const ranges = [30, 90, 365] as const;
type Range = (typeof ranges)[number];

/** daysBefore is the calendar day n days before today (UTC date arithmetic on a YYYY-MM-DD). */
function daysBefore(today: string, n: number): string {
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - n);
  return d.toISOString().slice(0, 10);
}

export function GrantUsageChart({ grantID, reloadKey }: { grantID: string; reloadKey: number }) {
  const { t } = useI18n();
  const [range, setRange] = useState<Range>(30);
  const [days, setDays] = useState<Day[] | undefined>();
  const [error, setError] = useState<Error | null>(null);
  const to = today();
  const from = daysBefore(to, range - 1);

  const load = useCallback(async () => {
    setError(null);
    try {
      const l = await call(api.GET('/api/v1/grants/{id}/daily-usage', { params: { path: { id: grantID }, query: { from, to } } }));
      // The server counts by day and credential; the chart shows the grant's day.
      const by = new Map<string, Day>();
      for (const u of (l.items ?? []) as DailyUsage[]) {
        const day = u.day ?? '';
        const d = by.get(day) ?? { day, calls: 0, rows: 0, refused: 0 };
        d.calls += u.calls ?? 0;
        d.rows += u.rows ?? 0;
        d.refused += u.refused ?? 0;
        by.set(day, d);
      }
      setDays([...by.values()].sort((a, b) => a.day.localeCompare(b.day)));
    } catch (e) {
      setError(e as Error);
    }
  }, [grantID, from, to]);

  useEffect(() => {
    void load();
  }, [load, reloadKey]);

  // Every day of the range on the axis, idle days at zero.
  const option = useMemo<EChartsOption>(() => {
    const by = new Map((days ?? []).map((d) => [d.day, d]));
    const axis: string[] = [];
    for (let i = range - 1; i >= 0; i--) axis.push(daysBefore(to, i));
    const series = (name: string, pick: (d: Day) => number, color: string, yAxisIndex = 0) => ({
      type: 'bar' as const,
      name,
      yAxisIndex,
      itemStyle: { color },
      data: axis.map((a) => {
        const d = by.get(a);
        return d ? pick(d) : 0;
      }),
    });
    return {
      animation: false,
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: axis.map((a) => a.slice(5)) },
      yAxis: [
        { type: 'value', minInterval: 1, name: t('grants.chartCalls') },
        { type: 'value', minInterval: 1, name: t('grants.chartRows'), splitLine: { show: false } },
      ],
      series: [
        series(t('grants.calls'), (d) => d.calls, '#1d4ed8'),
        series(t('grants.refused'), (d) => d.refused, '#dc2626'),
        { ...series(t('grants.rows'), (d) => d.rows, '#059669', 1), type: 'line' as const },
      ],
    } as EChartsOption;
  }, [days, range, to, t]);

  const total = (days ?? []).reduce((s, d) => s + d.calls + d.refused, 0);
  return (
    <Card
      size="small"
      title={<Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>{t('grants.usageByDay')}</Typography.Title>}
      extra={
        <Segmented<Range>
          aria-label={t('grants.range')}
          size="small"
          value={range}
          onChange={setRange}
          options={ranges.map((r) => ({ value: r, label: t(`grants.range${r}`) }))}
        />
      }
      style={{ marginBottom: 16 }}
    >
      {error && <LoadError error={error} onRetry={() => void load()} />}
      {days && total === 0 && (
        <Typography.Paragraph type="secondary">{t('grants.noCalls', { from, to })}</Typography.Paragraph>
      )}
      {days && total > 0 && (
        <>
          <Chart option={option} height={260} label={t('grants.chartLabel', { from, to })} />
          <Table<Day>
            size="small"
            aria-label={t('grants.usageTable')}
            data-testid="daily-usage"
            rowKey="day"
            dataSource={[...days].reverse()}
            pagination={days.length > 7 ? { pageSize: 7, showSizeChanger: false, size: 'small' } : false}
            columns={[
              { title: t('grants.day'), dataIndex: 'day', render: (d: string) => <span className="govdata-mono">{d}</span> },
              { title: t('grants.calls'), dataIndex: 'calls', align: 'right', render: (n: number) => formatNumber(n) },
              { title: t('grants.rows'), dataIndex: 'rows', align: 'right', render: (n: number) => formatNumber(n) },
              { title: t('grants.refused'), dataIndex: 'refused', align: 'right', render: (n: number) => formatNumber(n) },
            ]}
          />
        </>
      )}
    </Card>
  );
}
