// The open catalog (OPN-1): search (one- and two-character Chinese queries
// find, as the server's search does), facets, sorting and paging. The URL
// holds the whole state (?q=&department_id=&…&cursor=), so a result list
// can be linked and the browser's back goes to the page before.
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { Button, Empty, Input, Select, Skeleton, Typography } from 'antd';
import { useI18n, type MessageKey } from '../../i18n';
import { formatNumber } from '../../format';
import { LoadError } from '../../components/LoadError';
import { datasetPath, getJSON, query, type EntryList, type Facet, type OpenEntry } from './portalApi';
import { count, lastUpdate, OpenTypeTag, useLabels } from './shared';

// The filters the open catalog takes (http/catalog.go catalogFilter) and
// the facet that counts each.
const filters: { param: string; facet: string; title: MessageKey }[] = [
  { param: 'classification', facet: 'classification', title: 'portal.facet.theme' },
  { param: 'department_id', facet: 'department', title: 'portal.facet.department' },
  { param: 'region_code', facet: 'region', title: 'portal.facet.region' },
  { param: 'open_type', facet: 'open_type', title: 'portal.facet.openType' },
  { param: 'format', facet: 'format', title: 'portal.facet.format' },
  { param: 'update_cycle', facet: 'update_cycle', title: 'portal.facet.updateCycle' },
];
const params = ['q', 'sort', ...filters.map((f) => f.param)];
const pageSize = 10;

export default function CatalogPage() {
  const { t } = useI18n();
  const labels = useLabels();
  const navigate = useNavigate();
  const [search] = useSearchParams();
  const state = useMemo(() => Object.fromEntries(params.map((p) => [p, search.get(p) ?? ''])), [search]);
  const cursor = search.get('cursor') ?? '';
  const [list, setList] = useState<EntryList | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [loading, setLoading] = useState(true);
  const [seq, setSeq] = useState(0);
  const [text, setText] = useState(state.q);

  useEffect(() => setText(state.q), [state.q]);

  useEffect(() => {
    const stop = new AbortController();
    setLoading(true);
    setError(null);
    getJSON<EntryList>('/api/v1/open/catalog' + query({ ...state, facets: 'true', limit: pageSize, cursor }), stop.signal)
      .then((l) => {
        setList(l);
        setLoading(false);
      })
      .catch((e) => {
        if (e instanceof DOMException && e.name === 'AbortError') return;
        setError(e as Error);
        setLoading(false);
      });
    return () => stop.abort();
  }, [state, cursor, seq]);

  // A change of query, filter or order starts at the first page.
  const href = (change: Record<string, string>) => '/portal/catalog' + query({ ...state, ...change });
  const label = (facet: string, f: Facet) => {
    switch (facet) {
      case 'classification':
        return labels.category(f.value);
      case 'open_type':
        return labels.open(f.value);
      case 'update_cycle':
        return labels.cycle(f.value);
      default:
        return f.label || f.value;
    }
  };
  const items = (list?.items ?? []).filter((e): e is OpenEntry => e != null);
  const sortOptions = [
    ...(state.q ? [{ value: 'relevance', label: t('portal.sort.relevance') }] : []),
    { value: 'updated', label: t('portal.sort.updated') },
    { value: 'name', label: t('portal.sort.name') },
  ];
  const sort = state.sort || (state.q ? 'relevance' : 'updated');
  const active = filters.filter((f) => state[f.param]);

  return (
    <div className="portal-wrap portal-page">
      <h1>{t('portal.page.catalog')}</h1>
      <Input.Search
        size="large"
        value={text}
        onChange={(e) => setText(e.target.value)}
        enterButton={t('portal.search.button')}
        placeholder={t('portal.search.placeholder')}
        aria-label={t('portal.search.label')}
        maxLength={100}
        onSearch={(q) => navigate(href({ q: q.trim(), sort: '' }))}
      />
      <div className="portal-catalog portal-section">
        <aside aria-label={t('portal.facet.label')}>
          {filters.map((f) => {
            const values = list?.facets?.[f.facet] ?? [];
            if (values.length === 0 && !state[f.param]) return null;
            return (
              <section key={f.param} className="portal-facet" aria-labelledby={`facet-${f.param}`}>
                <h2 id={`facet-${f.param}`}>{t(f.title)}</h2>
                <ul>
                  {values.map((v) => {
                    const on = state[f.param] === v.value;
                    return (
                      <li key={v.value}>
                        <Link to={href({ [f.param]: on ? '' : (v.value ?? '') })} aria-current={on ? 'true' : undefined}>
                          <span>{label(f.facet, v)}</span>
                          <span className="portal-count">{formatNumber(v.count ?? 0)}</span>
                        </Link>
                      </li>
                    );
                  })}
                </ul>
              </section>
            );
          })}
        </aside>
        <section aria-labelledby="portal-results">
          <div className="portal-toolbar">
            <Typography.Text id="portal-results" role="status">
              {list && !loading
                ? t(list.total_capped ? 'portal.catalog.totalCapped' : 'portal.catalog.total', { n: count(list.total ?? items.length) })
                : t('state.loading')}
            </Typography.Text>
            <span className="portal-meta">
              {active.length ? (
                <Link to={'/portal/catalog' + query({ q: state.q, sort: state.sort })}>{t('portal.facet.clear')}</Link>
              ) : null}
              <label htmlFor="portal-sort">{t('portal.sort.label')}</label>
              <Select
                id="portal-sort"
                value={sort}
                options={sortOptions}
                style={{ minWidth: 140 }}
                onChange={(v) => navigate(href({ sort: v }))}
              />
            </span>
          </div>
          {error ? <LoadError error={error} onRetry={() => setSeq((n) => n + 1)} /> : null}
          {!list && loading ? <Skeleton active /> : null}
          {list && items.length === 0 && !error ? (
            <div className="portal-card">
              <Empty description={state.q ? t('portal.catalog.noMatch', { q: state.q }) : t('portal.catalog.empty')} />
            </div>
          ) : null}
          {items.map((e) => (
            <article key={e.id} className="portal-result" aria-labelledby={`result-${e.id}`}>
              <h2 id={`result-${e.id}`}>
                <Link to={datasetPath(e.resource_code ?? '')}>{e.name}</Link>
              </h2>
              <div className="portal-meta">
                <OpenTypeTag type={e.open_type} />
                <span>{e.department_name}</span>
              </div>
              {e.summary ? <p>{e.summary}</p> : null}
              <div className="portal-meta">
                <span>{t('portal.result.format', { v: e.format ?? '' })}</span>
                <span>{t('portal.result.cycle', { v: labels.cycle(e.update_cycle) })}</span>
                <span>{t('portal.result.updated', { v: lastUpdate(e) })}</span>
              </div>
            </article>
          ))}
          <nav className="portal-pager" aria-label={t('portal.pager.label')}>
            {cursor ? <Button onClick={() => navigate(-1)}>{t('portal.pager.previous')}</Button> : null}
            {cursor ? <Link to={href({})}>{t('portal.pager.first')}</Link> : null}
            {list?.next_cursor ? (
              <Link to={href({ cursor: list.next_cursor })} className="portal-next">
                {t('portal.pager.next')}
              </Link>
            ) : null}
          </nav>
        </section>
      </div>
    </div>
  );
}
