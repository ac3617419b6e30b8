// 上传: a CSV, XLSX or JSON file loaded into the dataset as one batch (AGG-1),
// merged by key or replacing every row. The upload's request answers only
// when the batch has ended; meanwhile the batch, once the server has
// started it, is found among the entry's running batches and read again
// and again for its counts (rows read, rejected, bytes received), and can
// be cancelled. Its quality report follows (AGG-2).
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { Alert, Button, Radio, Space, Typography, Upload } from 'antd';
import { InboxOutlined, UploadOutlined } from '@ant-design/icons';
import { api, call, ApiError } from '../../api/client';
import { useI18n } from '../../i18n';
import { formatBytes, followBatch, BatchOutcome, BatchProgress, BatchReport, type Batch, type Dataset } from './common';

export default function UploadTab({ id, dataset, officer, onDone }: { id: string; dataset: Dataset; officer: boolean; onDone: () => void }) {
  const { t } = useI18n();
  const hasKey = (dataset.columns ?? []).some((c) => c.key && !c.retired);
  const [file, setFile] = useState<File | undefined>();
  const [mode, setMode] = useState<'upsert' | 'replace'>(hasKey ? 'upsert' : 'replace');
  const [running, setRunning] = useState(false);
  const [live, setLive] = useState<Batch | undefined>();
  const [result, setResult] = useState<Batch | undefined>();
  const [error, setError] = useState<Error | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const alive = useRef(true);
  const upload = useRef<AbortController | undefined>(undefined);
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  async function start() {
    if (!file) return;
    setRunning(true);
    setLive(undefined);
    setResult(undefined);
    setError(null);
    try {
      const form = new FormData();
      form.append('file', file);
      const abort = new AbortController();
      upload.current = abort;
      const out = await followBatch(
        id,
        (b) => b.source === 'upload' && b.file_name === file.name,
        () => call(api.POST('/api/v1/catalog/{id}/data', { params: { path: { id }, query: { mode, file_name: file.name } }, body: form as never, signal: abort.signal })),
        (b) => alive.current && setLive(b),
        () => alive.current,
      );
      if (!alive.current) return;
      if (out.batch) {
        setResult(out.batch);
        onDone();
      } else {
        setError(out.error ?? null);
      }
    } catch (e) {
      setError(e as Error);
    } finally {
      if (alive.current) {
        setRunning(false);
        setLive(undefined);
        setCancelling(false);
      }
    }
  }

  async function cancel() {
    if (!live?.id) return;
    setCancelling(true);
    try {
      await call(api.POST('/api/v1/batches/{id}/cancel', { params: { path: { id: String(live.id) } } }));
      // Nothing of the batch is applied now: the rest of the file need not be sent.
      upload.current?.abort();
    } catch (e) {
      setError(e as Error);
      setCancelling(false);
    }
  }

  if (!officer) {
    return <Alert type="info" showIcon message={t('data.officerOnly')} />;
  }

  const failedBatch = error instanceof ApiError ? (error.details.batch_id as number | undefined) : undefined;

  return (
    <div style={{ maxWidth: 900 }}>
      <Typography.Paragraph>{t('data.uploadIntro')}</Typography.Paragraph>
      <Upload.Dragger
        accept=".csv,.xlsx,.json,text/csv,application/json,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        multiple={false}
        showUploadList={false}
        disabled={running}
        beforeUpload={(f) => {
          setFile(f);
          setResult(undefined);
          setError(null);
          return false;
        }}
      >
        <p className="ant-upload-drag-icon">
          <InboxOutlined />
        </p>
        <p className="ant-upload-text">{file ? t('data.fileChosen', { name: file.name, size: formatBytes(file.size) }) : t('data.chooseFile')}</p>
        <p className="ant-upload-hint">{t('data.fileHint')}</p>
      </Upload.Dragger>

      <fieldset style={{ border: 0, padding: 0, margin: '16px 0' }}>
        <legend style={{ fontSize: 14, marginBottom: 8, fontWeight: 500 }}>{t('data.modeLabel')}</legend>
        <Radio.Group value={mode} onChange={(e) => setMode(e.target.value as 'upsert' | 'replace')} disabled={running}>
          <Space vertical>
            <Radio value="upsert" disabled={!hasKey}>
              <strong>{t('data.mode.upsert')}</strong> — {hasKey ? t('data.modeUpsertHelp') : t('data.modeUpsertNoKey')}
            </Radio>
            <Radio value="replace">
              <strong>{t('data.mode.replace')}</strong> — {t('data.modeReplaceHelp')}
            </Radio>
          </Space>
        </Radio.Group>
      </fieldset>
      {mode === 'replace' && <Alert style={{ marginBottom: 16 }} type="warning" showIcon message={t('data.modeReplaceWarn')} />}

      <Button type="primary" icon={<UploadOutlined />} disabled={!file} loading={running} onClick={() => void start()} style={{ marginBottom: 16 }}>
        {t('data.startUpload')}
      </Button>

      {running && <BatchProgress batch={live} total={file?.size} cancelling={cancelling} onCancel={() => void cancel()} />}

      {error && (
        <Alert
          style={{ marginBottom: 16 }}
          type="error"
          showIcon
          message={error.message}
          description={failedBatch ? <Link to={`/data/batches/${failedBatch}`}>{t('data.batchN', { id: failedBatch })}</Link> : undefined}
        />
      )}

      {result && (
        <div data-testid="upload-result">
          <Typography.Title level={2} style={{ fontSize: 16, margin: '8px 0 12px' }}>
            {t('data.reportOf', { id: result.id ?? 0 })}
          </Typography.Title>
          <BatchOutcome batch={result} />
          <div style={{ marginTop: 12 }}>
            <BatchReport batch={result} />
          </div>
          <div style={{ marginTop: 12 }}>
            <Link to={`/data/batches/${result.id}`}>{t('data.openBatch')}</Link>
          </div>
        </div>
      )}
    </div>
  );
}
