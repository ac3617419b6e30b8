// 行政区划 (ORG-1): the sysadmin's region tree, read a level at a time
// (useRegionTree: the national list runs to 665,000 rows), a form to add
// one region, and the import of a region list — the file's upload with its
// progress, then the server's import job with its own (rows written of the
// total), and a refused line shown with its number, its text and what the
// server says is wrong with it.
import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Card, Col, Empty, Form, Input, Progress, Row, Space, Tree, Typography, Upload } from 'antd';
import { InboxOutlined } from '@ant-design/icons';
import { api, ApiError, call, upload, type paths } from '../../api/client';
import { Page } from '../../components/Page';
import { LoadError } from '../../components/LoadError';
import { useRegionTree } from '../../components/RegionTree';
import './admin.css';
import { useI18n } from '../../i18n';
import { formatNumber } from '../../format';
import { applyFieldErrors } from '../../components/fieldErrors';

type ImportJob = paths['/api/v1/regions/imports/{id}']['get']['responses'][200]['content']['application/json'];

export default function RegionsPage() {
  const { t } = useI18n();
  const { treeData, loading, error, reload, loadChildren } = useRegionTree();
  return (
    <Page
      extra={
        <Button onClick={() => void reload()} loading={loading}>
          {t('action.refresh')}
        </Button>
      }
    >
      <Row gutter={16}>
        <Col span={10}>
          <Card title={t('admin.regionTree')} size="small">
            {error && <LoadError error={error} onRetry={() => void reload()} />}
            {!loading && !error && treeData.length === 0 ? (
              <Empty description={t('admin.regionEmpty')} />
            ) : (
              <Tree
                aria-label={t('admin.regionTree')}
                treeData={treeData}
                loadData={(n) => loadChildren(String(n.key))}
                height={520}
              />
            )}
          </Card>
        </Col>
        <Col span={14}>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <ImportCard onDone={() => void reload()} />
            <CreateCard onDone={() => void reload()} />
          </Space>
        </Col>
      </Row>
    </Page>
  );
}

function CreateCard({ onDone }: { onDone: () => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [created, setCreated] = useState('');
  async function submit(v: { code: string; name: string; parent_code?: string }) {
    setSaving(true);
    setError(null);
    setCreated('');
    try {
      const r = await call(api.POST('/api/v1/regions', { body: { code: v.code.trim(), name: v.name.trim(), parent_code: v.parent_code?.trim() || undefined } }));
      setCreated(t('admin.regionCreated', { name: r.name ?? '', code: r.code ?? '' }));
      form.resetFields();
      onDone();
    } catch (e) {
      if (!applyFieldErrors(form, e, ['code', 'name', 'parent_code'])) setError(e as Error);
    } finally {
      setSaving(false);
    }
  }
  return (
    <Card title={t('admin.regionCreate')} size="small">
      <Form form={form} layout="inline" onFinish={(v) => void submit(v)} style={{ rowGap: 8 }}>
        <Form.Item name="code" label={t('admin.regionCode')} rules={[{ required: true, message: t('admin.required') }]}>
          <Input className="govdata-mono" style={{ width: 150 }} placeholder="350102" />
        </Form.Item>
        <Form.Item name="name" label={t('admin.regionName')} rules={[{ required: true, message: t('admin.required') }]}>
          <Input style={{ width: 150 }} />
        </Form.Item>
        <Form.Item name="parent_code" label={t('admin.regionParent')} tooltip={t('admin.regionParentHint')}>
          <Input className="govdata-mono" style={{ width: 150 }} />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" loading={saving}>
            {t('admin.regionCreateButton')}
          </Button>
        </Form.Item>
      </Form>
      {error && <Alert style={{ marginTop: 12 }} type="error" showIcon message={error.message} />}
      {created && <Alert style={{ marginTop: 12 }} type="success" showIcon message={created} />}
    </Card>
  );
}

interface Refused {
  message: string;
  line?: number;
  text?: string;
}

function ImportCard({ onDone }: { onDone: () => void }) {
  const { t } = useI18n();
  const [file, setFile] = useState<File | undefined>();
  const [stage, setStage] = useState<'idle' | 'upload' | 'import'>('idle');
  const [sent, setSent] = useState(0);
  const [job, setJob] = useState<ImportJob | undefined>();
  const [refused, setRefused] = useState<Refused | undefined>();
  const [failure, setFailure] = useState<Error | null>(null);
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  async function follow(id: string) {
    // The job writes chunks of 1,000 rows; its progress is read until it ends.
    for (;;) {
      const j = await call(api.GET('/api/v1/regions/imports/{id}', { params: { path: { id } } }));
      if (!alive.current) return;
      setJob(j);
      if (j.state !== 'running') return j;
      await new Promise((r) => setTimeout(r, 400));
    }
  }

  async function start() {
    if (!file) return;
    setStage('upload');
    setSent(0);
    setJob(undefined);
    setRefused(undefined);
    setFailure(null);
    try {
      const j = await upload<ImportJob>('/api/v1/regions/import', file, 'text/csv', (n, total) => alive.current && setSent(total ? n / total : 0));
      if (!alive.current) return;
      setStage('import');
      setJob(j);
      const end = await follow(j.id ?? '');
      if (end?.state === 'failed') {
        setRefused({ message: end.error ?? '', line: end.line || undefined, text: end.text || undefined });
      }
      onDone();
    } catch (e) {
      if (e instanceof ApiError && typeof e.details.row === 'number') {
        setRefused({ message: e.message, line: e.details.row, text: typeof e.details.line === 'string' ? e.details.line : undefined });
      } else {
        setFailure(e as Error);
      }
    } finally {
      if (alive.current) setStage('idle');
    }
  }

  const busy = stage !== 'idle';
  const total = job?.total ?? 0;
  const done = job?.done ?? 0;
  return (
    <Card title={t('admin.regionImport')} size="small">
      <Typography.Paragraph type="secondary">{t('admin.regionImportIntro')}</Typography.Paragraph>
      <Upload.Dragger
        accept=".csv,text/csv"
        maxCount={1}
        showUploadList={false}
        disabled={busy}
        beforeUpload={(f) => {
          setFile(f);
          setJob(undefined);
          setRefused(undefined);
          setFailure(null);
          return false;
        }}
      >
        <p className="ant-upload-drag-icon">
          <InboxOutlined />
        </p>
        <p className="ant-upload-text">{file ? t('admin.fileChosen', { name: file.name, size: formatNumber(file.size) }) : t('admin.chooseCsv')}</p>
      </Upload.Dragger>
      <Space style={{ marginTop: 12 }}>
        <Button type="primary" disabled={!file} loading={busy} onClick={() => void start()}>
          {t('admin.regionImportButton')}
        </Button>
      </Space>
      {stage === 'upload' && (
        <div style={{ marginTop: 12 }}>
          <Typography.Text>{t('admin.uploading')}</Typography.Text>
          <Progress percent={Math.floor(sent * 100)} aria-label={t('admin.uploading')} />
        </div>
      )}
      {job && (
        <div style={{ marginTop: 12 }} data-testid="import-progress">
          <Typography.Text>{t('admin.importRows', { done: formatNumber(done), total: formatNumber(total) })}</Typography.Text>
          <Progress
            percent={total ? Math.floor((done * 100) / total) : 0}
            status={job.state === 'failed' ? 'exception' : job.state === 'done' ? 'success' : 'active'}
            aria-label={t('admin.importing')}
          />
        </div>
      )}
      {job?.state === 'done' && (
        <Alert
          style={{ marginTop: 12 }}
          type="success"
          showIcon
          message={t('admin.importDone', {
            created: formatNumber(job.result?.created ?? 0),
            renamed: formatNumber(job.result?.renamed ?? 0),
            unchanged: formatNumber(job.result?.unchanged ?? 0),
          })}
        />
      )}
      {refused && (
        <Alert
          style={{ marginTop: 12 }}
          type="error"
          showIcon
          role="alert"
          message={t('admin.importRefused')}
          description={
            <div>
              <div>{refused.message}</div>
              {refused.text !== undefined && (
                <div style={{ marginTop: 4 }}>
                  {t('admin.refusedLine', { line: refused.line ?? '' })}{' '}
                  <Typography.Text code copyable>
                    {refused.text}
                  </Typography.Text>
                </div>
              )}
              <div style={{ marginTop: 4 }}>{t('admin.importFixHint')}</div>
            </div>
          }
        />
      )}
      {failure && (
        <div style={{ marginTop: 12 }}>
          <LoadError error={failure} onRetry={() => void start()} />
        </div>
      )}
    </Card>
  );
}
