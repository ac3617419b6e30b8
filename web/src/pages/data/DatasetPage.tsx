// One entry's dataset as its officer works it (AGG-1…6): its state, and in
// tabs the upload with its live progress, the batches with their reports,
// the rows and their history, the source the data is pulled from, and the
// maintenance requests that change stored rows.
import { useCallback, useEffect, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { Alert, Space, Tabs, Tag } from 'antd';
import { api, call } from '../../api/client';
import { Page, PageWaiting } from '../../components/Page';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import { formatDateTime, formatNumber } from '../../format';
import { Code, useCatalogLabels, type Entry } from '../catalog/common';
import { BatchLink, type Dataset, type Stale } from './common';
import UploadTab from './UploadTab';
import BatchesTab from './BatchesTab';
import RowsTab from './RowsTab';
import SourceTab from './SourceTab';
import MaintenanceTab from './MaintenanceTab';

const tabs = ['upload', 'batches', 'rows', 'source', 'maintenance'] as const;
type TabKey = (typeof tabs)[number];

export default function DatasetPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const { can, me } = useSession();
  const l = useCatalogLabels();
  const [params, setParams] = useSearchParams();
  const [entry, setEntry] = useState<Entry | undefined>();
  const [dataset, setDataset] = useState<Dataset | undefined>();
  const [stale, setStale] = useState<Stale | undefined>();
  const [error, setError] = useState<Error | null>(null);
  // Bumped when a batch ends: the batches and rows tabs read again.
  const [version, setVersion] = useState(0);

  const load = useCallback(async () => {
    setError(null);
    try {
      const path = { id };
      const [e, d, s] = await Promise.all([
        call(api.GET('/api/v1/catalog/{id}', { params: { path } })),
        call(api.GET('/api/v1/catalog/{id}/dataset', { params: { path } })),
        call(api.GET('/api/v1/supervision/stale-datasets', { params: { query: { limit: '500' } } })).catch(() => ({ items: [] })),
      ]);
      setEntry(e);
      setDataset(d);
      setStale((s.items ?? []).find((x) => String(x.entry_id) === id));
    } catch (e) {
      setError(e as Error);
    }
  }, [id]);

  useEffect(() => {
    void load();
  }, [load]);

  const tab: TabKey = tabs.includes(params.get('tab') as TabKey) ? (params.get('tab') as TabKey) : 'upload';
  const changed = () => {
    setVersion((v) => v + 1);
    void load();
  };

  if (error || !entry || !dataset) return <PageWaiting error={error} onRetry={() => void load()} />;
  const officer = can('data.write') && me?.department?.id === entry.department_id;

  return (
    <Page title={entry.name} extra={<Link to={`/entries/${id}`}>{t('data.openEntry')}</Link>}>
      <Space wrap size={16} style={{ marginBottom: 16 }} data-testid="dataset-state">
        <Code value={entry.resource_code} />
        <span>{t('data.rowsN', { n: formatNumber(dataset.rows ?? 0) })}</span>
        <span>
          {t('data.lastApplied')} <BatchLink id={dataset.last_batch_id} />
        </span>
        <span>
          {t('data.refreshedAt')}{' '}
          <span className="govdata-mono">{dataset.refreshed_at ? formatDateTime(dataset.refreshed_at) : t('data.never')}</span>
        </span>
        <span>
          {t('catalog.updateCycle')} {l.cycle(entry.update_cycle)}
        </span>
        {stale ? (
          <Tag className="govdata-batch govdata-batch-stale">{t('data.staleSince', { date: formatDateTime(stale.due_at).slice(0, 10) })}</Tag>
        ) : null}
      </Space>
      {stale && (
        <Alert style={{ marginBottom: 16 }} type="warning" showIcon message={t('data.staleHint', { date: formatDateTime(stale.due_at).slice(0, 10) })} />
      )}
      <Tabs
        activeKey={tab}
        onChange={(k) => setParams({ tab: k }, { replace: true })}
        destroyOnHidden
        items={[
          { key: 'upload', label: t('data.tabUpload'), children: <UploadTab id={id} dataset={dataset} officer={officer} onDone={changed} /> },
          { key: 'batches', label: t('data.tabBatches'), children: <BatchesTab id={id} version={version} /> },
          { key: 'rows', label: t('data.tabRows'), children: <RowsTab id={id} dataset={dataset} version={version} officer={officer} /> },
          { key: 'source', label: t('data.tabSource'), children: <SourceTab id={id} dataset={dataset} officer={officer} onDone={changed} /> },
          { key: 'maintenance', label: t('data.tabMaintenance'), children: <MaintenanceTab id={id} dataset={dataset} officer={officer} /> },
        ]}
      />
    </Page>
  );
}
