// The portal's home (OPN-1): search first, then what there is — the counts,
// the newest and the most downloaded datasets, and the themes to browse.
import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { Card, Input, Skeleton, Statistic, Typography } from 'antd';
import { useI18n } from '../../i18n';
import { formatNumber } from '../../format';
import { count } from './shared';
import { LoadError } from '../../components/LoadError';
import { getJSON, getOptional, query, type EntryList } from './portalApi';
import { DatasetLine, lastUpdate, useLabels } from './shared';

/** The counts as GET /api/v1/open/stats gives them (opendata). */
interface Stats {
  datasets?: number;
  departments?: number;
  downloads?: number;
  calls?: number;
  newest?: StatItem[];
  most_downloaded?: StatItem[];
}
interface StatItem {
  resource_code: string;
  name: string;
  department_name?: string;
  department?: string;
  downloads?: number;
  updated_at?: string;
  published_at?: string;
}

interface Home {
  datasets: number;
  departments: number;
  downloads: number | null;
  newest: StatItem[];
  mostDownloaded: StatItem[] | null;
  themes: { value: string; count: number }[];
}

async function loadHome(signal: AbortSignal): Promise<Home> {
  const [stats, catalog] = await Promise.all([
    getOptional<Stats>('/api/v1/open/stats', signal),
    getJSON<EntryList>('/api/v1/open/catalog' + query({ facets: 'true', sort: 'updated', limit: 6 }), signal),
  ]);
  const entries = (catalog.items ?? []).filter((e) => e != null);
  return {
    datasets: stats?.datasets ?? catalog.total ?? entries.length,
    departments: stats?.departments ?? (catalog.facets?.department ?? []).length,
    downloads: stats?.downloads ?? null,
    newest:
      stats?.newest ??
      entries.map((e) => ({ resource_code: e.resource_code ?? '', name: e.name ?? '', department_name: e.department_name, updated_at: e.updated_at, published_at: e.published_at ?? undefined })),
    mostDownloaded: stats?.most_downloaded ?? null,
    themes: (catalog.facets?.classification ?? []).map((f) => ({ value: f.value ?? '', count: f.count ?? 0 })),
  };
}

export default function HomePage() {
  const { t } = useI18n();
  const labels = useLabels();
  const navigate = useNavigate();
  const [home, setHome] = useState<Home | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [seq, setSeq] = useState(0);

  useEffect(() => {
    const stop = new AbortController();
    setError(null);
    loadHome(stop.signal)
      .then(setHome)
      .catch((e) => {
        if (!(e instanceof DOMException && e.name === 'AbortError')) setError(e as Error);
      });
    return () => stop.abort();
  }, [seq]);

  const search = (q: string) => navigate('/portal/catalog' + query({ q: q.trim() }));

  return (
    <>
      <section className="portal-hero" aria-labelledby="portal-hero-title">
        <div className="portal-wrap">
          <h1 id="portal-hero-title">{t('portal.home.title')}</h1>
          <p>{t('portal.home.lead')}</p>
          <Input.Search
            className="portal-hero-search"
            size="large"
            enterButton={t('portal.search.button')}
            placeholder={t('portal.search.placeholder')}
            aria-label={t('portal.search.label')}
            maxLength={100}
            onSearch={search}
          />
        </div>
      </section>
      <div className="portal-wrap">
        {error ? (
          <div className="portal-section">
            <LoadError error={error} onRetry={() => setSeq((n) => n + 1)} />
          </div>
        ) : (
          <>
            <div className="portal-stats">
              <Card>
                <Statistic title={t('portal.stats.datasets')} value={home ? formatNumber(home.datasets) : '…'} loading={!home} />
              </Card>
              <Card>
                <Statistic title={t('portal.stats.departments')} value={home ? formatNumber(home.departments) : '…'} loading={!home} />
              </Card>
              <Card>
                <Statistic
                  title={t('portal.stats.downloads')}
                  value={home ? (home.downloads === null ? '—' : formatNumber(home.downloads)) : '…'}
                  loading={!home}
                />
              </Card>
            </div>
            <section className="portal-section" aria-labelledby="portal-themes">
              <h2 id="portal-themes">{t('portal.home.themes')}</h2>
              {home ? (
                <div className="portal-themes">
                  {home.themes.map((th) => (
                    <Link key={th.value} to={'/portal/catalog' + query({ classification: th.value })} className="portal-theme">
                      <strong>{labels.category(th.value)}</strong>
                      <span>{t('portal.home.themeCount', { n: count(th.count) })}</span>
                    </Link>
                  ))}
                  {home.themes.length === 0 ? <Typography.Text type="secondary">{t('portal.catalog.empty')}</Typography.Text> : null}
                </div>
              ) : (
                <Skeleton active paragraph={{ rows: 1 }} />
              )}
            </section>
            <div className="portal-columns portal-section">
              <Card title={<h2 className="portal-card-title">{t('portal.home.newest')}</h2>} extra={<Link to="/portal/catalog?sort=updated">{t('portal.home.all')}</Link>}>
                {home ? (
                  home.newest.length ? (
                    <ul className="portal-list">
                      {home.newest.map((d) => (
                        <DatasetLine key={d.resource_code} code={d.resource_code} name={d.name} note={lastUpdate(d)} />
                      ))}
                    </ul>
                  ) : (
                    <Typography.Text type="secondary">{t('portal.catalog.empty')}</Typography.Text>
                  )
                ) : (
                  <Skeleton active />
                )}
              </Card>
              <Card title={<h2 className="portal-card-title">{t('portal.home.popular')}</h2>}>
                {home ? (
                  home.mostDownloaded?.length ? (
                    <ul className="portal-list">
                      {home.mostDownloaded.map((d) => (
                        <DatasetLine
                          key={d.resource_code}
                          code={d.resource_code}
                          name={d.name}
                          note={t('portal.dataset.downloadsN', { n: count(d.downloads ?? 0) })}
                        />
                      ))}
                    </ul>
                  ) : (
                    <Typography.Text type="secondary">{t('portal.home.noDownloads')}</Typography.Text>
                  )
                ) : (
                  <Skeleton active />
                )}
              </Card>
            </div>
          </>
        )}
      </div>
    </>
  );
}
