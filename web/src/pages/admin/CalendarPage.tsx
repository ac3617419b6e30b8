// 工作日历 (CAL-1): a year's holidays and make-up working days (调休) as the
// State Council's notice states them. Every deadline the platform counts in
// working days reads this; the server recounts open steps when a year
// changes. The page edits the notice's lines; the server checks them.
import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Card, Input, InputNumber, Space, Table, Tag, Typography } from 'antd';
import { api, call, type paths } from '../../api/client';
import { Page } from '../../components/Page';
import { LoadError } from '../../components/LoadError';
import './admin.css';
import { useI18n } from '../../i18n';
import { formatDateTime } from '../../format';

type View = paths['/api/v1/calendar']['get']['responses'][200]['content']['application/json'];
interface Holiday {
  name: string;
  from: string;
  to: string;
}
interface Makeup {
  name: string;
  date: string;
}

export default function CalendarPage() {
  const { t } = useI18n();
  const [year, setYear] = useState(new Date().getFullYear());
  const [view, setView] = useState<View | undefined>();
  const [error, setError] = useState<Error | null>(null);
  const [holidays, setHolidays] = useState<Holiday[]>([]);
  const [workdays, setWorkdays] = useState<Makeup[]>([]);
  const [source, setSource] = useState('');
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<Error | null>(null);
  const [saved, setSaved] = useState(false);

  const load = useCallback(async (y: number) => {
    setError(null);
    setSaved(false);
    setSaveError(null);
    try {
      const v = await call(api.GET('/api/v1/calendar', { params: { query: { year: String(y) } } }));
      setView(v);
      setHolidays((v.holidays ?? []).map((h) => ({ name: h.name ?? '', from: h.from ?? '', to: h.to ?? '' })));
      setWorkdays((v.workdays ?? []).map((w) => ({ name: w.name ?? '', date: w.date ?? '' })));
      setSource(v.source ?? '');
    } catch (e) {
      setError(e as Error);
    }
  }, []);
  useEffect(() => {
    void load(year);
  }, [load, year]);

  async function save() {
    setSaving(true);
    setSaveError(null);
    setSaved(false);
    try {
      const v = await call(api.PUT('/api/v1/calendar/{year}', { params: { path: { year: String(year) } }, body: { year, source, holidays, workdays } }));
      setView(v);
      setSaved(true);
    } catch (e) {
      setSaveError(e as Error);
    } finally {
      setSaving(false);
    }
  }

  const setH = (i: number, patch: Partial<Holiday>) => setHolidays((hs) => hs.map((h, j) => (j === i ? { ...h, ...patch } : h)));
  const setW = (i: number, patch: Partial<Makeup>) => setWorkdays((ws) => ws.map((w, j) => (j === i ? { ...w, ...patch } : w)));

  return (
    <Page
      extra={
        <Space>
          <Typography.Text id="cal-year">{t('admin.calYear')}</Typography.Text>
          <InputNumber aria-labelledby="cal-year" min={2000} max={2100} value={year} onChange={(v) => v && setYear(v)} />
        </Space>
      }
    >
      {error && <LoadError error={error} onRetry={() => void load(year)} />}
      {view && (
        <Alert
          style={{ marginBottom: 16 }}
          type={view.known ? 'success' : 'warning'}
          showIcon
          message={view.known ? t('admin.calKnown', { year }) : t('admin.calUnknown', { year })}
          description={view.updated_by ? t('admin.calUpdated', { at: formatDateTime(view.updated_at), by: view.updated_by }) : undefined}
        />
      )}
      <Card size="small" title={t('admin.calSource')} style={{ marginBottom: 16 }}>
        <Input aria-label={t('admin.calSource')} value={source} onChange={(e) => setSource(e.target.value)} placeholder={t('admin.calSourceHint')} />
      </Card>
      <Card
        size="small"
        title={t('admin.calHolidays')}
        extra={<Button onClick={() => setHolidays((hs) => [...hs, { name: '', from: `${year}-01-01`, to: `${year}-01-01` }])}>{t('admin.calAddHoliday')}</Button>}
      >
        <Table<Holiday & { i: number }>
          aria-label={t('admin.calHolidays')}
          size="small"
          pagination={false}
          rowKey="i"
          dataSource={holidays.map((h, i) => ({ ...h, i }))}
          locale={{ emptyText: <Typography.Text type="secondary">{t('admin.calNoHolidays')}</Typography.Text> }}
          columns={[
            { title: t('admin.calName'), key: 'name', render: (_, h) => <Input aria-label={t('admin.calName')} value={h.name} onChange={(e) => setH(h.i, { name: e.target.value })} /> },
            { title: t('admin.calFrom'), key: 'from', width: 170, render: (_, h) => <Input type="date" aria-label={t('admin.calFrom')} value={h.from} onChange={(e) => setH(h.i, { from: e.target.value })} /> },
            { title: t('admin.calTo'), key: 'to', width: 170, render: (_, h) => <Input type="date" aria-label={t('admin.calTo')} value={h.to} onChange={(e) => setH(h.i, { to: e.target.value })} /> },
            {
              title: t('admin.actions'),
              key: 'x',
              width: 90,
              render: (_, h) => (
                <Button size="small" onClick={() => setHolidays((hs) => hs.filter((_, j) => j !== h.i))}>
                  {t('admin.remove')}
                </Button>
              ),
            },
          ]}
        />
      </Card>
      <Card
        size="small"
        title={t('admin.calWorkdays')}
        style={{ marginTop: 16 }}
        extra={<Button onClick={() => setWorkdays((ws) => [...ws, { name: '', date: `${year}-01-01` }])}>{t('admin.calAddWorkday')}</Button>}
      >
        <Table<Makeup & { i: number }>
          aria-label={t('admin.calWorkdays')}
          size="small"
          pagination={false}
          rowKey="i"
          dataSource={workdays.map((w, i) => ({ ...w, i }))}
          locale={{ emptyText: <Typography.Text type="secondary">{t('admin.calNoWorkdays')}</Typography.Text> }}
          columns={[
            { title: t('admin.calName'), key: 'name', render: (_, w) => <Input aria-label={t('admin.calName')} value={w.name} onChange={(e) => setW(w.i, { name: e.target.value })} /> },
            { title: t('admin.calDate'), key: 'date', width: 170, render: (_, w) => <Input type="date" aria-label={t('admin.calDate')} value={w.date} onChange={(e) => setW(w.i, { date: e.target.value })} /> },
            {
              title: t('admin.actions'),
              key: 'x',
              width: 90,
              render: (_, w) => (
                <Button size="small" onClick={() => setWorkdays((ws) => ws.filter((_, j) => j !== w.i))}>
                  {t('admin.remove')}
                </Button>
              ),
            },
          ]}
        />
      </Card>
      <Space style={{ marginTop: 16 }} align="start" orientation="vertical">
        <Button type="primary" loading={saving} onClick={() => void save()}>
          {t('admin.calSave', { year })}
        </Button>
        {saveError && <Alert type="error" showIcon message={saveError.message} role="alert" />}
        {saved && <Alert type="success" showIcon message={t('admin.calSaved', { year })} />}
      </Space>
      {view && (view.days ?? []).length > 0 && (
        <Card size="small" title={t('admin.calDays')} style={{ marginTop: 16 }}>
          <Space size={[4, 4]} wrap>
            {(view.days ?? []).map((d) => (
              <Tag key={d.date} className={d.kind === 'holiday' ? 'govdata-tag-bad' : 'govdata-tag-info'}>
                {d.date} {d.name}
              </Tag>
            ))}
          </Space>
        </Card>
      )}
    </Page>
  );
}
