// 目录项: the catalog as an officer works it (CAT-5, CAT-6) — the
// department's entries (or every entry the user may see), searched in
// Chinese by any one or two characters, narrowed by filters whose options
// carry the server's facet counts; a new entry; the Excel template, an
// import whose refusal lists the cells to fix, and the export.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import {
  Alert,
  Button,
  Dropdown,
  Input,
  Segmented,
  Select,
  Space,
  Table,
  Tag,
  Typography,
  Upload,
} from 'antd';
import { DownloadOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { api, call, ApiError } from '../../api/client';
import { Page, LoadMore } from '../../components/Page';
import { LoadError } from '../../components/LoadError';
import { useI18n, type MessageKey } from '../../i18n';
import { useSession } from '../../session';
import { formatDateTime, formatNumber } from '../../format';
import {
  categories,
  EntryName,
  grades,
  openTypes,
  shareTypes,
  StatusTag,
  statuses,
  updateCycles,
  useCatalogLabels,
  type Entry,
  type EntryList,
  type Facet,
} from './common';
import './catalog.css';

const pageSize = 20;

interface Filters {
  q: string;
  department_id?: string;
  classification?: string;
  share_type?: string;
  open_type?: string;
  grade?: string;
  update_cycle?: string;
  status?: string;
  sort?: string;
}

/** CellError is one cell an import refused (catalogxlsx.CellError). */
interface CellError {
  sheet: string;
  row: number;
  column: string;
  field: string;
  message: string;
  message_en: string;
}

type ImportOutcome = { created: number } | { error: ApiError; cells: CellError[] };

function query(f: Filters): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(f)) if (v) out[k] = String(v);
  return out;
}

export default function CatalogPage() {
  const { t, lang } = useI18n();
  const { me, can } = useSession();
  const l = useCatalogLabels();
  const navigate = useNavigate();
  const ownDept = me?.department?.id;
  const writer = can('catalog.write') && !!ownDept;
  const [scope, setScope] = useState<'own' | 'all'>(writer ? 'own' : 'all');
  const [filters, setFilters] = useState<Filters>({ q: '' });
  const [text, setText] = useState('');
  const [list, setList] = useState<EntryList | undefined>();
  const [facets, setFacets] = useState<NonNullable<EntryList['facets']>>({});
  const [items, setItems] = useState<Entry[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Error | null>(null);
  const [elapsed, setElapsed] = useState<number | undefined>();
  const [importing, setImporting] = useState(false);
  const [outcome, setOutcome] = useState<ImportOutcome | undefined>();
  const seq = useRef(0);
  // The facet counts of the last search; a new search stops them (the
  // server stops counting when the request goes), so that over a large
  // catalog they never hold up the rows of the next.
  const counting = useRef<AbortController | null>(null);

  const effective: Filters = { ...filters, department_id: scope === 'own' && ownDept ? String(ownDept) : filters.department_id };

  const load = useCallback(
    async (f: Filters, after?: string) => {
      const mine = ++seq.current;
      if (!after) {
        counting.current?.abort();
        counting.current = null;
      }
      setLoading(true);
      setError(null);
      const t0 = performance.now();
      try {
        const res = await call(
          api.GET('/api/v1/catalog', {
            params: { query: { ...query(f), limit: String(pageSize), ...(after ? { cursor: after } : {}) } },
          }),
        );
        if (mine !== seq.current) return;
        setList(res);
        // The facet counts come after the first rows: counting every value
        // over a large catalog takes longer than finding a page of it.
        if (!after) {
          const stop = new AbortController();
          counting.current = stop;
          void call(api.GET('/api/v1/catalog', { params: { query: { ...query(f), facets: 'true', limit: '1' } }, signal: stop.signal }))
            .then((x) => mine === seq.current && setFacets(x.facets ?? {}))
            .catch(() => undefined);
        }
        const got = (res.items ?? []).filter((x): x is Entry => !!x);
        setItems((prev) => (after ? [...prev, ...got] : got));
        setElapsed(performance.now() - t0);
      } catch (e) {
        if (mine === seq.current) setError(e as Error);
      } finally {
        if (mine === seq.current) setLoading(false);
      }
    },
    [],
  );

  const key = JSON.stringify(effective);
  useEffect(() => {
    void load(JSON.parse(key) as Filters);
  }, [key, load]);

  const set = (patch: Partial<Filters>) => setFilters((f) => ({ ...f, ...patch }));
  const count = (facet: string, value: string) => facets[facet]?.find((x: Facet) => x.value === value)?.count;
  const option = (facet: string, value: string, label: string) => {
    const n = count(facet, value);
    return { value, label: n == null ? label : `${label} (${formatNumber(n)})` };
  };
  const select = (
    name: keyof Filters,
    label: MessageKey,
    options: { value: string; label: string }[],
    width = 150,
  ) => (
    <Select
      aria-label={t(label)}
      placeholder={t(label)}
      allowClear
      style={{ width }}
      value={filters[name] || undefined}
      onChange={(v) => set({ [name]: v ?? undefined })}
      options={options}
      popupMatchSelectWidth={false}
    />
  );

  async function upload(file: File) {
    setImporting(true);
    setOutcome(undefined);
    const form = new FormData();
    form.append('file', file);
    try {
      const res = await call(api.POST('/api/v1/catalog/import', { body: form as never }));
      setOutcome({ created: res.created ?? 0 });
      void load(effective);
    } catch (e) {
      if (e instanceof ApiError) {
        setOutcome({ error: e, cells: (e.details.errors as CellError[] | undefined) ?? [] });
      } else {
        setError(e as Error);
      }
    } finally {
      setImporting(false);
    }
  }

  const exportHref = (format: string) => {
    const q = query({ ...effective, sort: undefined });
    return `/api/v1/catalog/export?${new URLSearchParams({ format, ...q }).toString()}`;
  };

  const departmentOptions = (facets.department ?? []).map((f: Facet) => ({
    value: f.value ?? '',
    label: `${f.label || f.value} (${formatNumber(f.count ?? 0)})`,
  }));

  return (
    <Page
      extra={
        <Space wrap>
          {writer && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/entries/new')}>
              {t('catalog.new')}
            </Button>
          )}
          {writer && (
            <Upload
              accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              showUploadList={false}
              beforeUpload={(file) => {
                void upload(file);
                return false;
              }}
            >
              <Button icon={<UploadOutlined />} loading={importing}>
                {t('catalog.import')}
              </Button>
            </Upload>
          )}
          <Button icon={<DownloadOutlined />} href="/api/v1/catalog/template.xlsx" download>
            {t('catalog.template')}
          </Button>
          <Dropdown
            menu={{
              items: [
                { key: 'xlsx', label: <a href={exportHref('xlsx')} download>{t('catalog.exportXLSX')}</a> },
                { key: 'csv', label: <a href={exportHref('csv')} download>{t('catalog.exportCSV')}</a> },
                { key: 'json', label: <a href={exportHref('json')} download>{t('catalog.exportJSON')}</a> },
              ],
            }}
          >
            <Button icon={<DownloadOutlined />}>{t('catalog.export')}</Button>
          </Dropdown>
        </Space>
      }
    >
      {outcome && 'created' in outcome && (
        <Alert
          style={{ marginBottom: 16 }}
          type="success"
          showIcon
          closable
          onClose={() => setOutcome(undefined)}
          message={t('catalog.imported', { n: formatNumber(outcome.created) })}
        />
      )}
      {outcome && 'error' in outcome && (
        <Alert
          style={{ marginBottom: 16 }}
          type="error"
          showIcon
          closable
          onClose={() => setOutcome(undefined)}
          message={outcome.error.message}
          description={
            outcome.cells.length > 0 ? (
              <Table<CellError>
                aria-label={t('catalog.importErrors')}
                size="small"
                rowKey={(r) => `${r.sheet}-${r.row}-${r.column}`}
                dataSource={outcome.cells}
                pagination={outcome.cells.length > 10 ? { pageSize: 10, showSizeChanger: false } : false}
                columns={[
                  { title: t('catalog.errSheet'), dataIndex: 'sheet', width: 90 },
                  { title: t('catalog.errRow'), dataIndex: 'row', width: 70, align: 'right' },
                  {
                    title: t('catalog.errColumn'),
                    dataIndex: 'column',
                    width: 70,
                    render: (v: string) => <span className="govdata-mono">{v || '—'}</span>,
                  },
                  { title: t('catalog.errMessage'), key: 'm', render: (_, r) => (lang === 'en' ? r.message_en : r.message) },
                ]}
              />
            ) : undefined
          }
        />
      )}
      <Space wrap style={{ marginBottom: 12 }}>
        {writer && (
          <Segmented
            aria-label={t('catalog.scope')}
            value={scope}
            onChange={(v) => setScope(v as 'own' | 'all')}
            options={[
              { value: 'own', label: t('catalog.scopeOwn') },
              { value: 'all', label: t('catalog.scopeAll') },
            ]}
          />
        )}
        <Input.Search
          aria-label={t('catalog.search')}
          placeholder={t('catalog.searchHint')}
          allowClear
          style={{ width: 340 }}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            if (!e.target.value) set({ q: '' });
          }}
          onSearch={(v) => set({ q: v.trim() })}
          enterButton={t('catalog.searchButton')}
        />
      </Space>
      <Space wrap style={{ marginBottom: 16 }} className="govdata-filters">
        {scope === 'all' &&
          select('department_id', 'catalog.department', departmentOptions, 200)}
        {select(
          'classification',
          'catalog.category',
          categories.map((c) => option('classification', c, `${c} ${l.category(c)}`)),
          170,
        )}
        {select('share_type', 'catalog.shareType', shareTypes.map((v) => option('share_type', v, l.share(v))))}
        {select('open_type', 'catalog.openType', openTypes.map((v) => option('open_type', v, l.open(v))))}
        {select('grade', 'catalog.grade', grades.map((v) => option('grade', v, l.grade(v))), 130)}
        {select('update_cycle', 'catalog.updateCycle', updateCycles.map((v) => option('update_cycle', v, l.cycle(v))), 130)}
        {select('status', 'catalog.statusLabel', statuses.map((v) => ({ value: v, label: l.status(v) })), 130)}
        {select(
          'sort',
          'catalog.sort',
          [
            ...(filters.q ? [{ value: 'relevance', label: t('catalog.sortRelevance') }] : []),
            { value: 'updated', label: t('catalog.sortUpdated') },
            { value: 'name', label: t('catalog.sortName') },
          ],
          130,
        )}
      </Space>
      {error && (
        <div style={{ marginBottom: 16 }}>
          <LoadError error={error} onRetry={() => void load(effective)} />
        </div>
      )}
      <div style={{ marginBottom: 8 }} data-testid="catalog-total">
        {list && (
          <Typography.Text type="secondary">
            {list.total_capped
              ? t('catalog.totalCapped', { n: formatNumber(list.total ?? 0) })
              : t('catalog.total', { n: formatNumber(list.total ?? 0) })}
            {elapsed !== undefined && filters.q ? ' · ' + t('catalog.took', { ms: Math.round(elapsed) }) : ''}
          </Typography.Text>
        )}
      </div>
      <Table<Entry>
        rowKey={(r) => String(r.id)}
        dataSource={items}
        loading={loading}
        pagination={false}
        // An empty table scrolls nothing: a scroll region with nothing to
        // focus in it cannot be reached by keyboard (axe, WCAG 2.1.1).
        scroll={items.length ? { x: 1040 } : undefined}
        locale={{
          emptyText: (
            <Typography.Text type="secondary">
              {filters.q || Object.values(filters).some(Boolean)
                ? t('catalog.noMatch')
                : writer
                  ? t('catalog.empty')
                  : t('catalog.emptyReader')}
            </Typography.Text>
          ),
        }}
        columns={[
          {
            title: t('catalog.name'),
            key: 'name',
            render: (_, r) => <EntryName to={`/entries/${r.id}`} name={r.name} code={r.resource_code} />,
          },
          { title: t('catalog.provider'), dataIndex: 'department_name', width: 200, ellipsis: true },
          { title: t('catalog.shareType'), key: 'share', width: 180, render: (_, r) => <Tag>{l.share(r.share_type)}</Tag> },
          { title: t('catalog.openType'), key: 'open', width: 150, render: (_, r) => l.open(r.open_type) },
          { title: t('catalog.statusLabel'), key: 'status', width: 110, render: (_, r) => <StatusTag status={r.status} /> },
          {
            title: t('catalog.updated'),
            key: 'updated',
            width: 120,
            render: (_, r) => <span className="govdata-mono" style={{ whiteSpace: 'nowrap' }}>{formatDateTime(r.updated_at).slice(0, 10)}</span>,
          },
        ]}
      />
      <LoadMore more={list?.next_cursor} loading={loading} onMore={() => void load(effective, list?.next_cursor)} />
    </Page>
  );
}
