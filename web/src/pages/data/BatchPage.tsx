// One batch (AGG-2, AGG-3): where it came from — source, file, SHA-256,
// operator, the entry version its rows were checked against — how it
// ended, its quality report by item and rule, and its rejected rows as
// CSV. A running batch shows its counts as they grow and can be cancelled.
import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { Descriptions, Space, Typography, message } from 'antd';
import { api, call } from '../../api/client';
import { Page, PageWaiting } from '../../components/Page';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import { formatDateTime } from '../../format';
import { BatchOutcome, BatchProgress, BatchReport, BatchStateTag, formatBytes, sleep, useDataLabels, type Batch } from './common';

export default function BatchPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const { can, me } = useSession();
  const l = useDataLabels();
  const [batch, setBatch] = useState<Batch | undefined>();
  const [error, setError] = useState<Error | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const [msg, holder] = message.useMessage();

  const load = useCallback(async () => {
    setError(null);
    try {
      setBatch(await call(api.GET('/api/v1/batches/{id}', { params: { path: { id } } })));
    } catch (e) {
      setError(e as Error);
    }
  }, [id]);

  useEffect(() => {
    void load();
  }, [load]);

  // A running batch is read again until it ends.
  const running = batch?.state === 'running';
  useEffect(() => {
    if (!running) return;
    let live = true;
    void (async () => {
      while (live) {
        await sleep(500);
        if (!live) break;
        const b = await call(api.GET('/api/v1/batches/{id}', { params: { path: { id } } })).catch(() => undefined);
        if (b && live) {
          setBatch(b);
          if (b.state !== 'running') break;
        }
      }
    })();
    return () => {
      live = false;
    };
  }, [running, id]);

  async function cancel() {
    setCancelling(true);
    try {
      await call(api.POST('/api/v1/batches/{id}/cancel', { params: { path: { id } } }));
      void msg.info(t('data.cancelAsked'));
    } catch (e) {
      void msg.error((e as Error).message);
    } finally {
      setCancelling(false);
    }
  }

  if (error || !batch) return <PageWaiting error={error} onRetry={() => void load()} />;
  const officer = can('data.write') && me?.department?.id === batch.department_id;
  return (
    <Page title={t('data.batchN', { id: batch.id ?? 0 })} extra={<Link to={`/data/${batch.entry_id}?tab=batches`}>{t('data.backToDataset')}</Link>}>
      {holder}
      <Descriptions
        bordered
        size="small"
        column={{ xs: 1, md: 2 }}
        styles={{ label: { width: 140 } }}
        style={{ marginBottom: 16 }}
        items={[
          { key: 'state', label: t('data.state'), children: <BatchStateTag state={batch.state} /> },
          { key: 'source', label: t('data.source'), children: `${l.source(batch.source)} · ${batch.format?.toUpperCase() ?? ''}` },
          { key: 'mode', label: t('data.modeLabel'), children: l.mode(batch.mode) },
          { key: 'file', label: t('data.fileName'), children: batch.file_name || '—' },
          {
            key: 'sha',
            label: 'SHA-256',
            span: 2,
            children: batch.sha256 ? (
              <Typography.Text className="govdata-mono" copyable style={{ wordBreak: 'break-all' }}>
                {batch.sha256}
              </Typography.Text>
            ) : (
              '—'
            ),
          },
          { key: 'bytes', label: t('data.size'), children: formatBytes(batch.bytes) },
          { key: 'operator', label: t('data.operator'), children: batch.operator || '—' },
          { key: 'version', label: t('data.entryVersion'), children: t('catalog.versionN', { v: batch.entry_version ?? 0 }) },
          {
            key: 'time',
            label: t('data.ranFrom'),
            children: (
              <Space size={4}>
                <span className="govdata-mono">{formatDateTime(batch.started_at)}</span>
                {batch.ended_at && (
                  <>
                    <span>→</span>
                    <span className="govdata-mono">{formatDateTime(batch.ended_at)}</span>
                  </>
                )}
              </Space>
            ),
          },
        ]}
      />
      {running ? (
        <BatchProgress batch={batch} cancelling={cancelling} onCancel={officer ? () => void cancel() : undefined} />
      ) : (
        <div style={{ marginBottom: 16 }}>
          <BatchOutcome batch={batch} />
        </div>
      )}
      <Typography.Title level={2} style={{ fontSize: 16, margin: '8px 0 12px' }}>
        {t('data.report')}
      </Typography.Title>
      <BatchReport batch={batch} download={officer} />
    </Page>
  );
}
