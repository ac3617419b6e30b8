// A dataset's page (OPN-1): what it is and who provides it, its open type
// and conditions, the licence, the counts, the opened items, a preview of
// its first rows, downloads (unconditionally open data, HLJ-34 ¶2: "可直接
// 使用"), the application for conditionally open data (HLJ-34 ¶3), how to
// call the open-data API, related datasets and the DCAT links. A withdrawn
// dataset shows its notice (HLJ-35) and nothing to download.
//
// It reads GET /api/v1/open/datasets/{code} (opendata); while that is not
// served, the open catalog's entry, found by its code, and no downloads.
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { Alert, Button, Descriptions, Empty, Result, Skeleton, Table, Tag, Typography } from 'antd';
import { DownloadOutlined, FileProtectOutlined } from '@ant-design/icons';
import { ApiError } from '../../api/client';
import { useI18n } from '../../i18n';
import { formatNumber } from '../../format';
import { LoadError } from '../../components/LoadError';
import {
  cell,
  datasetPath,
  getJSON,
  getOptional,
  previewTable,
  query,
  type EntryList,
  type OpenDataset,
  type OpenEntry,
  type OpenItem,
} from './portalApi';
import { usePortalTitle } from './PortalLayout';
import { day, DatasetLine, lastUpdate, OpenTypeTag, useLabels } from './shared';

interface Withdrawal {
  resource_code?: string;
  name?: string;
  entry_name?: string;
  department_name?: string;
  reason?: string;
  decided_at?: string;
  withdrawn_at?: string;
}

type View =
  | { status: 'loading' }
  | { status: 'error'; error: Error }
  | { status: 'missing' }
  | { status: 'withdrawn'; notice: Withdrawal }
  | { status: 'shown'; entry: OpenEntry; ds: OpenDataset | null; related: OpenEntry[] };

/** findByCode looks the code up in the open catalog, a page at a time. */
async function findByCode(code: string, signal: AbortSignal): Promise<OpenEntry | null> {
  let cursor = '';
  for (let i = 0; i < 20; i++) {
    const l = await getJSON<EntryList>('/api/v1/open/catalog' + query({ limit: 500, sort: 'name', cursor }), signal);
    const hit = (l.items ?? []).find((e) => e?.resource_code === code);
    if (hit) return hit;
    if (!l.next_cursor) return null;
    cursor = l.next_cursor;
  }
  return null;
}

/** withdrawalOf is the public notice of the code's withdrawal, if any. */
async function withdrawalOf(code: string, signal: AbortSignal): Promise<Withdrawal | null> {
  const l = await getOptional<{ items?: Withdrawal[] }>('/api/v1/open/withdrawals?limit=500', signal);
  return l?.items?.find((w) => w.resource_code === code) ?? null;
}

async function load(code: string, signal: AbortSignal): Promise<View> {
  let ds: OpenDataset | null = null;
  try {
    ds = await getOptional<OpenDataset>(`/api/v1/open/datasets/${encodeURIComponent(code)}`, signal);
  } catch (e) {
    // 410: withdrawn (HLJ-35); the notice is on the notices' list.
    if (!(e instanceof ApiError && e.status === 410)) throw e;
  }
  if (ds?.withdrawn) {
    return { status: 'withdrawn', notice: { resource_code: code, name: ds.entry?.name, reason: ds.withdrawn.reason, withdrawn_at: ds.withdrawn.at } };
  }
  const entry = ds?.entry ?? (await findByCode(code, signal));
  if (!entry) {
    const notice = await withdrawalOf(code, signal);
    return notice ? { status: 'withdrawn', notice } : { status: 'missing' };
  }
  // Related: the codes the entry names first, then the same department's
  // and the same theme's.
  const same = await getJSON<EntryList>(
    '/api/v1/open/catalog' + query({ department_id: entry.department_id, sort: 'updated', limit: 6 }),
    signal,
  ).catch(() => ({ items: [] }) as EntryList);
  let related = (same.items ?? []).filter((e): e is OpenEntry => e != null && e.resource_code !== code);
  if (related.length < 5 && entry.classification?.category) {
    const theme = await getJSON<EntryList>(
      '/api/v1/open/catalog' + query({ classification: entry.classification.category, sort: 'updated', limit: 6 }),
      signal,
    ).catch(() => ({ items: [] }) as EntryList);
    const seen = new Set(related.map((e) => e.resource_code));
    related = related.concat((theme.items ?? []).filter((e): e is OpenEntry => e != null && e.resource_code !== code && !seen.has(e.resource_code)));
  }
  related = related.filter((e) => !(entry.related_codes ?? []).includes(e.resource_code ?? '')).slice(0, 5);
  return { status: 'shown', entry, ds, related };
}

/** samePath is a URL's path and query, for a link to this same server. */
function samePath(u: string): string {
  try {
    const url = new URL(u, window.location.origin);
    return url.pathname + url.search;
  } catch {
    return u;
  }
}

function Section({ id, title, children }: { id: string; title: string; children: React.ReactNode }) {
  return (
    <section className="portal-card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

export default function DatasetPage() {
  const { t } = useI18n();
  const labels = useLabels();
  const code = decodeURIComponent(useParams()['*'] ?? '');
  const [view, setView] = useState<View>({ status: 'loading' });
  const [seq, setSeq] = useState(0);

  useEffect(() => {
    const stop = new AbortController();
    setView({ status: 'loading' });
    load(code, stop.signal)
      .then(setView)
      .catch((e) => {
        if (!(e instanceof DOMException && e.name === 'AbortError')) setView({ status: 'error', error: e as Error });
      });
    return () => stop.abort();
  }, [code, seq]);

  usePortalTitle(view.status === 'shown' ? view.entry.name : view.status === 'withdrawn' ? view.notice.name || view.notice.entry_name : null);

  if (view.status === 'loading') {
    return (
      <div className="portal-wrap portal-page">
        <Skeleton active paragraph={{ rows: 8 }} />
      </div>
    );
  }
  if (view.status === 'error') {
    return (
      <div className="portal-wrap portal-page">
        <LoadError error={view.error} onRetry={() => setSeq((n) => n + 1)} />
      </div>
    );
  }
  if (view.status === 'missing') {
    return (
      <div className="portal-wrap portal-page">
        <Result
          status="404"
          title={t('portal.dataset.missing')}
          subTitle={<span className="govdata-mono">{code}</span>}
          extra={<Link to="/portal/catalog">{t('portal.nav.catalog')}</Link>}
        />
      </div>
    );
  }
  if (view.status === 'withdrawn') {
    const n = view.notice;
    return (
      <div className="portal-wrap portal-page">
        <h1>{n.name || n.entry_name || code}</h1>
        <Alert
          type="warning"
          showIcon
          message={t('portal.dataset.withdrawn', { date: day(n.withdrawn_at || n.decided_at) })}
          description={t('portal.dataset.withdrawnReason', { reason: n.reason ?? '' })}
        />
        <p className="portal-section">
          <Link to="/portal/notices">{t('portal.nav.notices')}</Link>
        </p>
      </div>
    );
  }

  const { entry, ds, related } = view;
  const items: OpenItem[] = ds?.items ?? (entry.items ?? []).map((i) => ({ name: i.name, type: i.type, description: i.description }));
  const preview = ds ? previewTable(ds.preview, items.map((i) => i.name ?? '')) : null;
  const urls = ds?.download_urls ?? {};
  // Downloadable: unconditionally open, holding data, not withdrawn (the server decides).
  const downloadable = !!ds?.downloadable;
  // The server's URLs name its configured public address; the browser is
  // at the address it reached, so links keep only their path here.
  const recordsURL = window.location.origin + samePath(ds?.records_url || `/api/v1/open/datasets/${encodeURIComponent(code)}/records`);
  const formats: { key: 'csv' | 'xlsx' | 'json'; label: string }[] = [
    { key: 'csv', label: 'CSV' },
    { key: 'xlsx', label: 'Excel' },
    { key: 'json', label: 'JSON' },
  ];
  const fieldsExample = items
    .slice(0, 2)
    .map((i) => encodeURIComponent(i.name ?? ''))
    .join(',');

  return (
    <div className="portal-wrap portal-page">
      <nav aria-label={t('portal.breadcrumb')} className="portal-meta">
        <Link to="/portal">{t('portal.nav.home')}</Link>
        <span aria-hidden="true">/</span>
        <Link to="/portal/catalog">{t('portal.nav.catalog')}</Link>
      </nav>
      <h1 className="portal-section-tight">{entry.name}</h1>
      <div className="portal-meta">
        <OpenTypeTag type={entry.open_type} />
        <span>{entry.department_name}</span>
        <span className="govdata-mono">
          <Typography.Text copyable={{ text: code, tooltips: false }}>{code}</Typography.Text>
        </span>
      </div>
      <div className="portal-dataset portal-section">
        <div>
          <Section id="ds-summary" title={t('portal.dataset.summary')}>
            <Typography.Paragraph>{entry.summary}</Typography.Paragraph>
            <Descriptions
              column={{ xs: 1, sm: 2 }}
              size="small"
              items={[
                { key: 'provider', label: t('portal.dataset.provider'), children: entry.department_name },
                { key: 'region', label: t('portal.dataset.region'), children: <span className="govdata-mono">{entry.region_code}</span> },
                { key: 'theme', label: t('portal.facet.theme'), children: labels.category(entry.classification?.category) },
                { key: 'format', label: t('catalog.format'), children: entry.format },
                { key: 'cycle', label: t('catalog.updateCycle'), children: labels.cycle(entry.update_cycle) },
                { key: 'updated', label: t('portal.dataset.updated'), children: lastUpdate(entry) },
                {
                  key: 'refreshed',
                  label: t('portal.dataset.refreshed'),
                  children: !ds ? '—' : ds.refreshed_at ? day(ds.refreshed_at) : t('portal.dataset.noData'),
                },
                { key: 'rows', label: t('portal.dataset.rows'), children: ds?.rows !== undefined ? formatNumber(ds.rows) : '—' },
              ]}
            />
          </Section>
          <Section id="ds-items" title={t('portal.dataset.items')}>
            <Table<OpenItem>
              size="small"
              rowKey="name"
              pagination={false}
              dataSource={items}
              scroll={{ x: true }}
              columns={[
                {
                  title: t('catalog.itemName'),
                  dataIndex: 'name',
                  render: (v: string, i) => (
                    <>
                      {v} {i.open === 'deidentified' ? <Tag color="blue">{t('portal.dataset.deidentified')}</Tag> : null}
                    </>
                  ),
                },
                { title: t('catalog.itemType'), dataIndex: 'type', render: (v: string) => labels.itemType(v) || v },
                { title: t('catalog.itemDescription'), dataIndex: 'description' },
              ]}
            />
          </Section>
          <Section id="ds-preview" title={t('portal.dataset.preview')}>
            {preview && preview.rows.length ? (
              <Table
                size="small"
                pagination={false}
                scroll={{ x: true }}
                rowKey={(_, i) => String(i)}
                dataSource={preview.rows.map((r) => r)}
                columns={preview.columns.map((c, i) => ({ title: c, key: c, render: (_: unknown, r: unknown[]) => cell(r[i]) }))}
              />
            ) : (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('portal.dataset.noPreview')} />
            )}
          </Section>
          <Section id="ds-api" title={t('portal.dataset.api')}>
            <Typography.Paragraph>{t('portal.dataset.apiLead')}</Typography.Paragraph>
            <Typography.Paragraph>
              <Typography.Text className="govdata-mono" copyable>
                {recordsURL}
              </Typography.Text>
            </Typography.Paragraph>
            <pre className="portal-code" tabIndex={0} aria-label={t('portal.dataset.apiExample')}>
              {`curl -H 'X-API-Key: ${t('portal.dataset.apiKeyPlaceholder')}' \\\n  '${recordsURL}?limit=10${fieldsExample ? `&fields=${fieldsExample}` : ''}'`}
            </pre>
            <ul>
              <li>{t('portal.dataset.apiFields')}</li>
              <li>{t('portal.dataset.apiFilters')}</li>
              <li>{t('portal.dataset.apiPaging')}</li>
              <li>{t('portal.dataset.apiLimits')}</li>
            </ul>
            <Link to="/portal/account/keys">{t('portal.dataset.apiKeys')}</Link>
          </Section>
        </div>
        <aside aria-label={t('portal.dataset.use')}>
          <Section id="ds-use" title={t('portal.dataset.use')}>
            {entry.open_type === 'conditional' ? (
              <>
                <Typography.Paragraph>
                  <strong>{t('catalog.openConditions')}</strong>
                  <br />
                  {entry.open_conditions}
                </Typography.Paragraph>
                <Link to={`/portal/apply/${code}`} className="portal-register portal-apply">
                  {t('portal.dataset.apply')}
                </Link>
              </>
            ) : downloadable ? (
              <div className="portal-downloads">
                {formats.map((f) => (
                  <Button
                    key={f.key}
                    icon={<DownloadOutlined />}
                    href={samePath(urls[f.key] || `/api/v1/open/datasets/${encodeURIComponent(code)}/download?format=${f.key}`)}
                    aria-label={t('portal.dataset.downloadAs', { format: f.label })}
                  >
                    {f.label}
                  </Button>
                ))}
              </div>
            ) : (
              <Typography.Text type="secondary">{t('portal.dataset.notOffered')}</Typography.Text>
            )}
            <Descriptions
              className="portal-section-tight"
              column={1}
              size="small"
              items={[
                { key: 'downloads', label: t('portal.dataset.downloads'), children: ds?.downloads !== undefined ? formatNumber(ds.downloads) : '—' },
                { key: 'calls', label: t('portal.dataset.calls'), children: ds?.calls !== undefined ? formatNumber(ds.calls) : '—' },
              ]}
            />
          </Section>
          <Section id="ds-licence" title={t('portal.dataset.licence')}>
            <Typography.Paragraph>
              <FileProtectOutlined /> {t('portal.dataset.licenceText')}
            </Typography.Paragraph>
            <Link to="/portal/terms">{t('portal.dataset.terms')}</Link>
          </Section>
          <Section id="ds-related" title={t('portal.dataset.related')}>
            {(entry.related_codes ?? []).length || related.length ? (
              <ul className="portal-list">
                {(entry.related_codes ?? []).map((c) => (
                  <li key={c}>
                    <Link to={datasetPath(c)} className="govdata-mono">
                      {c}
                    </Link>
                  </li>
                ))}
                {related.map((r) => (
                  <DatasetLine key={r.resource_code} code={r.resource_code ?? ''} name={r.name ?? ''} />
                ))}
              </ul>
            ) : (
              <Typography.Text type="secondary">{t('portal.dataset.noRelated')}</Typography.Text>
            )}
          </Section>
          <Section id="ds-dcat" title={t('portal.dataset.dcat')}>
            <div className="portal-downloads">
              <a href={`/dataset/${entry.id}.ttl`}>Turtle (.ttl)</a>
              <a href={`/dataset/${entry.id}.jsonld`}>JSON-LD (.jsonld)</a>
            </div>
          </Section>
        </aside>
      </div>
    </div>
  );
}
