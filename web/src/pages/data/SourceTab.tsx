// 数据源: where the entry's data also comes from (AGG-1: a table of the
// provider's PostgreSQL or MySQL, or an HTTP endpoint, pulled on a
// schedule; AGG-5: a live API, nothing stored). Set it, check the
// connection (the columns it offers, the items none supplies), pull now
// with the batch followed as an upload is, remove it; its last pull.
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { Alert, Button, Descriptions, Form, Input, InputNumber, Popconfirm, Select, Space, Tag, Typography, message } from 'antd';
import { api, call, ApiError } from '../../api/client';
import { LoadError } from '../../components/LoadError';
import { useI18n } from '../../i18n';
import { formatDateTime, formatNumber } from '../../format';
import { fieldPath } from '../catalog/common';
import {
  BatchOutcome,
  BatchProgress,
  BatchReport,
  followBatch,
  pick,
  sourceKinds,
  useDataLabels,
  type Batch,
  type Dataset,
  type Source,
  type SourceCheck,
  type SourceInput,
} from './common';

type FormValues = Omit<SourceInput, 'columns'> & { columns?: Record<string, string> };

export default function SourceTab({ id, dataset, officer, onDone }: { id: string; dataset: Dataset; officer: boolean; onDone: () => void }) {
  const { t, lang } = useI18n();
  const l = useDataLabels();
  const [form] = Form.useForm<FormValues>();
  const kind = Form.useWatch('kind', form);
  const [source, setSource] = useState<Source | null | undefined>();
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState<string | undefined>();
  const [check, setCheck] = useState<SourceCheck | undefined>();
  const [live, setLive] = useState<Batch | undefined>();
  const [ran, setRan] = useState<Batch | undefined>();
  const [cancelling, setCancelling] = useState(false);
  const [msg, holder] = message.useMessage();
  const items = (dataset.columns ?? []).filter((c) => !c.retired).map((c) => c.item ?? '');
  const hasKey = (dataset.columns ?? []).some((c) => c.key && !c.retired);

  const load = useCallback(async () => {
    setError(null);
    try {
      const s = await call(api.GET('/api/v1/catalog/{id}/source', { params: { path: { id } } }));
      setSource(s);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) setSource(null);
      else setError(e as Error);
    }
  }, [id]);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    if (source === undefined) return;
    form.setFieldsValue(
      source
        ? { ...source, secret: '', columns: { ...(source.columns ?? {}) } }
        : { kind: 'http', url: '', every_minutes: 0, mode: 'replace', timeout_seconds: 30, columns: {} },
    );
  }, [source, form]);

  async function save() {
    let v: FormValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setBusy('save');
    try {
      const columns = Object.fromEntries(Object.entries(v.columns ?? {}).filter(([, c]) => c && c.trim()));
      const body: SourceInput = {
        kind: v.kind,
        url: v.url?.trim(),
        ...(v.username ? { username: v.username } : {}),
        ...(v.secret ? { secret: v.secret } : {}),
        ...(v.table ? { table: v.table.trim() } : {}),
        ...(Object.keys(columns).length ? { columns } : {}),
        every_minutes: v.every_minutes ?? 0,
        ...(v.kind !== 'live' ? { mode: v.mode } : {}),
        ...(v.timeout_seconds ? { timeout_seconds: v.timeout_seconds } : {}),
      };
      const s = await call(api.PUT('/api/v1/catalog/{id}/source', { params: { path: { id } }, body }));
      setSource(s);
      setCheck(undefined);
      void msg.success(t('data.sourceSaved'));
    } catch (e) {
      if (e instanceof ApiError && Object.keys(e.fields).length) {
        form.setFields(Object.entries(e.fields).map(([f, m]) => ({ name: fieldPath(f) as never, errors: [m] })));
      }
      void msg.error((e as Error).message);
    } finally {
      setBusy(undefined);
    }
  }

  async function runCheck() {
    setBusy('check');
    setCheck(undefined);
    try {
      setCheck(await call(api.POST('/api/v1/catalog/{id}/source/check', { params: { path: { id } } })));
    } catch (e) {
      void msg.error((e as Error).message);
    } finally {
      setBusy(undefined);
    }
  }

  async function runNow() {
    setBusy('run');
    setRan(undefined);
    setLive(undefined);
    try {
      const out = await followBatch(
        id,
        (b) => b.source === 'pull',
        () => call(api.POST('/api/v1/catalog/{id}/source/run', { params: { path: { id } } })),
        setLive,
        () => true,
      );
      if (out.batch) {
        setRan(out.batch);
        onDone();
      } else if (out.error) {
        void msg.error(out.error.message);
      }
      void load();
    } catch (e) {
      void msg.error((e as Error).message);
    } finally {
      setBusy(undefined);
      setLive(undefined);
      setCancelling(false);
    }
  }

  async function cancel() {
    if (!live?.id) return;
    setCancelling(true);
    try {
      await call(api.POST('/api/v1/batches/{id}/cancel', { params: { path: { id: String(live.id) } } }));
    } catch (e) {
      void msg.error((e as Error).message);
      setCancelling(false);
    }
  }

  async function remove() {
    setBusy('delete');
    try {
      await call(api.DELETE('/api/v1/catalog/{id}/source', { params: { path: { id } } }));
      setSource(null);
      setCheck(undefined);
      setRan(undefined);
      void msg.success(t('data.sourceRemoved'));
    } catch (e) {
      void msg.error((e as Error).message);
    } finally {
      setBusy(undefined);
    }
  }

  if (error) return <LoadError error={error} onRetry={() => void load()} />;
  if (source === undefined) return <Typography.Text type="secondary">{t('state.loading')}</Typography.Text>;

  const db = kind === 'postgres' || kind === 'mysql';
  const pull = kind !== 'live';
  const savedPull = !!source && source.kind !== 'live';

  return (
    <div style={{ maxWidth: 960 }}>
      {holder}
      {source ? (
        <Descriptions
          bordered
          size="small"
          column={{ xs: 1, md: 2 }}
          style={{ marginBottom: 16 }}
          styles={{ label: { width: 140 } }}
          title={t('data.sourceNow')}
          items={[
            { key: 'kind', label: t('data.sourceKindLabel'), children: l.kind(source.kind) },
            { key: 'url', label: t('data.sourceURL'), children: <span className="govdata-mono" style={{ wordBreak: 'break-all' }}>{source.url}</span> },
            {
              key: 'every',
              label: t('data.everyMinutes'),
              children: source.kind === 'live' ? '—' : source.every_minutes ? t('data.everyN', { n: source.every_minutes }) : t('data.onRequest'),
            },
            { key: 'secret', label: t('data.secret'), children: source.has_secret ? t('data.secretKept') : t('data.secretNone') },
            {
              key: 'last',
              label: t('data.lastPull'),
              children: source.last_run_at ? (
                <Space size={8} wrap>
                  <span className="govdata-mono">{formatDateTime(source.last_run_at)}</span>
                  {source.last_batch_id ? <Link to={`/data/batches/${source.last_batch_id}`}>{t('data.batchN', { id: source.last_batch_id })}</Link> : null}
                </Space>
              ) : (
                t('data.never')
              ),
            },
            {
              key: 'next',
              label: t('data.nextPull'),
              children: source.next_run_at ? <span className="govdata-mono">{formatDateTime(source.next_run_at)}</span> : '—',
            },
            ...(source.last_error
              ? [{ key: 'err', label: t('data.lastError'), span: 2, children: <Typography.Text type="danger">{pick(source.last_error, lang)}</Typography.Text> }]
              : []),
          ]}
        />
      ) : (
        <Alert style={{ marginBottom: 16 }} type="info" showIcon message={t('data.noSource')} />
      )}

      {officer && source && (
        <Space wrap style={{ marginBottom: 16 }}>
          <Button onClick={() => void runCheck()} loading={busy === 'check'} disabled={!!busy && busy !== 'check'}>
            {t('data.checkSource')}
          </Button>
          {savedPull && (
            <Button type="primary" onClick={() => void runNow()} loading={busy === 'run'} disabled={!!busy && busy !== 'run'}>
              {t('data.runNow')}
            </Button>
          )}
          <Popconfirm
            title={t('data.removeSourceTitle')}
            description={t('data.removeSourceNote')}
            okText={t('data.removeSource')}
            cancelText={t('catalog.cancel')}
            okButtonProps={{ danger: true, loading: busy === 'delete' }}
            onConfirm={() => remove()}
          >
            <Button danger disabled={!!busy}>
              {t('data.removeSource')}
            </Button>
          </Popconfirm>
        </Space>
      )}

      {busy === 'run' && <BatchProgress batch={live} cancelling={cancelling} onCancel={() => void cancel()} />}
      {ran && (
        <div style={{ marginBottom: 16 }} data-testid="run-result">
          <BatchOutcome batch={ran} />
          <div style={{ marginTop: 12 }}>
            <BatchReport batch={ran} />
          </div>
        </div>
      )}

      {check && (
        <div style={{ marginBottom: 16 }} data-testid="source-check">
          {check.ok ? (
            <Alert type="success" showIcon message={t('data.checkOK', { ms: formatNumber(check.latency_ms ?? 0), n: formatNumber(check.sample_rows ?? 0) })} />
          ) : (
            <Alert type="error" showIcon message={t('data.checkFailed')} description={pick(check.error, lang)} />
          )}
          {(check.columns ?? []).length > 0 && (
            <div style={{ marginTop: 8 }}>
              <span style={{ marginRight: 8 }}>{t('data.columnsOffered')}</span>
              {(check.columns ?? []).map((c) => (
                <Tag key={c}>{c}</Tag>
              ))}
            </div>
          )}
          {(check.missing_items ?? []).length > 0 && (
            <div style={{ marginTop: 8 }}>
              <span style={{ marginRight: 8 }}>{t('data.itemsMissing')}</span>
              {(check.missing_items ?? []).map((c) => (
                <Tag key={c} className="govdata-batch govdata-batch-refused">
                  {c}
                </Tag>
              ))}
            </div>
          )}
        </div>
      )}

      {officer && (
        <>
          <Typography.Title level={2} style={{ fontSize: 16, margin: '8px 0 12px' }}>
            {source ? t('data.sourceChange') : t('data.sourceSet')}
          </Typography.Title>
          <Form form={form} layout="vertical" requiredMark onFinish={() => void save()}>
            <Space wrap align="start" size={16}>
              <Form.Item name="kind" label={t('data.sourceKindLabel')} rules={[{ required: true, message: t('form.required') }]} style={{ width: 220 }}>
                <Select options={sourceKinds.map((k) => ({ value: k, label: l.kind(k) }))} />
              </Form.Item>
              <Form.Item
                name="url"
                label={t('data.sourceURL')}
                rules={[{ required: true, whitespace: true, message: t('form.required') }]}
                extra={t(`data.urlHint.${kind ?? 'http'}` as never)}
                style={{ width: 520 }}
              >
                <Input className="govdata-mono" autoComplete="off" />
              </Form.Item>
            </Space>
            <Space wrap align="start" size={16}>
              <Form.Item name="username" label={t('data.username')} style={{ width: 220 }}>
                <Input autoComplete="off" />
              </Form.Item>
              <Form.Item
                name="secret"
                label={t('data.secret')}
                extra={source?.has_secret ? t('data.secretKeepHint') : t('data.secretHint')}
                style={{ width: 320 }}
              >
                <Input.Password autoComplete="new-password" />
              </Form.Item>
              {db && (
                <Form.Item name="table" label={t('data.table')} rules={[{ required: true, message: t('form.required') }]} style={{ width: 220 }}>
                  <Input className="govdata-mono" placeholder="schema.table" />
                </Form.Item>
              )}
            </Space>
            <Space wrap align="start" size={16}>
              {pull && (
                <Form.Item name="every_minutes" label={t('data.everyMinutes')} extra={t('data.everyHint')} style={{ width: 220 }}>
                  <InputNumber min={0} max={10080} style={{ width: '100%' }} />
                </Form.Item>
              )}
              {pull && (
                <Form.Item name="mode" label={t('data.modeLabel')} style={{ width: 220 }}>
                  <Select
                    options={[
                      { value: 'replace', label: t('data.mode.replace') },
                      ...(hasKey ? [{ value: 'upsert', label: t('data.mode.upsert') }] : []),
                    ]}
                  />
                </Form.Item>
              )}
              <Form.Item name="timeout_seconds" label={t('data.timeout')} style={{ width: 220 }}>
                <InputNumber min={1} max={300} style={{ width: '100%' }} />
              </Form.Item>
            </Space>
            <fieldset style={{ border: 0, padding: 0, margin: '0 0 8px' }}>
              <legend style={{ fontSize: 14, marginBottom: 4 }}>{t('data.columnMap')}</legend>
              <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
                {t('data.columnMapHint')}
              </Typography.Paragraph>
              <Space wrap size={12}>
                {items.map((it) => (
                  <Form.Item key={it} name={['columns', it]} label={it} style={{ width: 200, marginBottom: 8 }}>
                    <Input placeholder={it} aria-label={t('data.columnFor', { item: it })} />
                  </Form.Item>
                ))}
              </Space>
            </fieldset>
            <Button type="primary" htmlType="submit" loading={busy === 'save'} disabled={!!busy && busy !== 'save'}>
              {t('data.saveSource')}
            </Button>
          </Form>
        </>
      )}
    </div>
  );
}
