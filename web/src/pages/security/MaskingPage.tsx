// 脱敏策略 (SHR-5, SJZ-S-23): the secadmin sets the mask of each
// sensitivity level and, where one differs, of single items, and sees each
// mask at work on a sample value before saving. The preview is the
// server's (POST /api/v1/masking/preview, the rules of mask.go): the
// console never masks a value itself.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Alert, App as AntApp, Button, Card, Form, Input, InputNumber, Select, Space, Table, Typography } from 'antd';
import { api, call, ApiError, type paths } from '../../api/client';
import { Page, PageWaiting } from '../../components/Page';
import { useI18n, type MessageKey } from '../../i18n';

type Policy = paths['/api/v1/masking']['get']['responses'][200]['content']['application/json'];
type Mask = NonNullable<Policy['levels']>[string];
type Kind = Mask['kind'];

const kinds: Kind[] = ['none', 'redact', 'keep', 'hash', 'null', 'year'];
const levels = ['1', '2', '3', '4'] as const;

// Sample values a secadmin recognises: an ID number, a name, a phone, a date.
const defaultSamples: Record<string, string> = {
  '1': '福州市鼓楼区',
  '2': '13905912345',
  '3': '张三丰',
  '4': '11010519491231002X',
};

/** A row of the editor: a level or an item, its mask and its sample value. */
interface Row {
  key: string; // "level:3" or "item:12/姓名"
  level?: string;
  item?: string; // "entry id/item name"
  mask: Mask;
  sample: string;
}

function rowsOf(p: Policy): Row[] {
  const out: Row[] = levels.map((l) => ({
    key: `level:${l}`,
    level: l,
    mask: p.levels?.[l] ?? { kind: 'redact' },
    sample: defaultSamples[l]!,
  }));
  for (const [item, mask] of Object.entries(p.items ?? {})) {
    out.push({ key: `item:${item}`, item, mask, sample: '张三丰' });
  }
  return out;
}

/** normal is a mask as the API takes it: first and last only for keep. */
function normal(m: Mask): Mask {
  return m.kind === 'keep' ? { kind: 'keep', first: m.first ?? 0, last: m.last ?? 0 } : { kind: m.kind };
}

function policyOf(rows: Row[]): Policy {
  const p: Policy = { levels: {}, items: {} };
  for (const r of rows) {
    const m = normal(r.mask);
    if (r.level) p.levels![r.level] = m;
    else if (r.item) p.items![r.item] = m;
  }
  return p;
}

export default function MaskingPage() {
  const { t } = useI18n();
  const { message } = AntApp.useApp();
  const [saved, setSaved] = useState<Policy | undefined>();
  const [rows, setRows] = useState<Row[]>([]);
  const [error, setError] = useState<Error | null>(null);
  const [saveError, setSaveError] = useState<ApiError | Error | null>(null);
  const [saving, setSaving] = useState(false);
  // The last preview of each row, with the sample and mask it was made
  // from: a row shows it while it still has them.
  const [preview, setPreview] = useState<Record<string, { of: string; value: string | null }>>({});
  const [previewError, setPreviewError] = useState<Error | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const seq = useRef(0);

  const load = useCallback(async () => {
    setError(null);
    try {
      const p = await call(api.GET('/api/v1/masking'));
      setSaved(p);
      setRows(rowsOf(p));
    } catch (e) {
      setError(e as Error);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  // The preview follows every change, a moment after the last keystroke;
  // the newest request wins.
  const samples = useMemo(() => rows.map((r) => ({ mask: normal(r.mask), value: r.sample })), [rows]);
  const rowKeys = useMemo(() => rows.map((r) => r.key), [rows]);
  useEffect(() => {
    if (samples.length === 0) return;
    const mine = ++seq.current;
    setPreviewing(true);
    const timer = setTimeout(() => {
      call(api.POST('/api/v1/masking/preview', { body: { samples } }))
        .then((out) => {
          if (mine !== seq.current) return;
          const masked = out.masked ?? [];
          setPreview(Object.fromEntries(rowKeys.map((k, i) => [k, { of: JSON.stringify(samples[i]), value: masked[i] ?? null }])));
          setPreviewError(null);
        })
        .catch((e: Error) => {
          if (mine !== seq.current) return;
          // The rows the server names keep their message; the others
          // keep the preview they had, which their masks still give.
          setPreviewError(e);
        })
        .finally(() => {
          if (mine === seq.current) setPreviewing(false);
        });
    }, 250);
    return () => clearTimeout(timer);
  }, [samples, rowKeys]);

  const change = (key: string, f: (r: Row) => Row) => setRows((rs) => rs.map((r) => (r.key === key ? f(r) : r)));
  const dirty = saved !== undefined && JSON.stringify(policyOf(rows)) !== JSON.stringify(policyOf(rowsOf(saved)));

  const save = async () => {
    setSaving(true);
    setSaveError(null);
    try {
      const p = await call(api.PUT('/api/v1/masking', { body: policyOf(rows) }));
      setSaved(p);
      setRows((rs) => {
        // Keep the sample values typed; take the masks as the server saved them.
        const next = rowsOf(p);
        return next.map((n) => ({ ...n, sample: rs.find((r) => r.key === n.key)?.sample ?? n.sample }));
      });
      message.success(t('security.maskSaved'));
    } catch (e) {
      setSaveError(e as Error);
    } finally {
      setSaving(false);
    }
  };

  if (!saved) return <PageWaiting error={error} onRetry={() => void load()} />;

  const fieldError = (r: Row): string | undefined => {
    if (!(saveError instanceof ApiError)) return undefined;
    const f = saveError.fields;
    if (r.level) return f[`levels.${r.level}`];
    return f[`items.${r.item}`];
  };

  const previewOf = (i: number) => {
    const fields = previewError instanceof ApiError && Object.keys(previewError.fields).length > 0 ? previewError.fields : undefined;
    const refused = fields?.[`samples.${i}.mask`] ?? fields?.[`samples.${i}.value`];
    if (refused) return <Typography.Text type="danger">{refused}</Typography.Text>;
    if (previewError && !fields) return <Typography.Text type="danger">{previewError.message}</Typography.Text>;
    const last = rows[i] ? preview[rows[i].key] : undefined;
    if (!last || last.of !== JSON.stringify(samples[i])) return <Typography.Text type="secondary">…</Typography.Text>;
    const v = last.value;
    if (v === null || v === undefined) return <Typography.Text type="secondary">{t('security.maskNullValue')}</Typography.Text>;
    return <span className="govdata-mono">{v}</span>;
  };

  return (
    <Page
      extra={
        <Space>
          <Button onClick={() => setRows(rowsOf(saved))} disabled={!dirty || saving}>
            {t('security.maskReset')}
          </Button>
          <Button type="primary" onClick={() => void save()} loading={saving} disabled={!dirty}>
            {t('security.maskSave')}
          </Button>
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">{t('security.maskIntro')}</Typography.Paragraph>
      {saveError && (
        <Alert style={{ marginBottom: 16 }} type="error" showIcon message={saveError.message} closable onClose={() => setSaveError(null)} />
      )}
      {dirty && <Alert style={{ marginBottom: 16 }} type="info" showIcon message={t('security.maskUnsaved')} />}
      <Table<Row>
        aria-label={t('security.maskTable')}
        rowKey="key"
        dataSource={rows}
        pagination={false}
        aria-busy={previewing}
        scroll={{ x: 980 }}
        columns={[
          {
            title: t('security.maskScope'),
            key: 'scope',
            width: 200,
            render: (_, r) =>
              r.level ? (
                t(`security.level${r.level}` as MessageKey)
              ) : (
                <Space size={4}>
                  <Typography.Text className="govdata-mono">{r.item}</Typography.Text>
                  <Button
                    size="small"
                    type="link"
                    danger
                    aria-label={t('security.maskItemRemoveLabel', { item: r.item ?? '' })}
                    onClick={() => setRows((rs) => rs.filter((x) => x.key !== r.key))}
                  >
                    {t('security.maskItemRemove')}
                  </Button>
                </Space>
              ),
          },
          {
            title: t('security.maskKind'),
            key: 'kind',
            width: 220,
            render: (_, r) => (
              <Form.Item
                style={{ margin: 0 }}
                validateStatus={fieldError(r) ? 'error' : undefined}
                help={fieldError(r)}
              >
                <Select<Kind>
                  aria-label={t('security.maskKindOf', { scope: r.level ? t(`security.level${r.level}` as MessageKey) : (r.item ?? '') })}
                  value={r.mask.kind}
                  style={{ width: 200 }}
                  options={kinds.map((k) => ({ value: k, label: t(`security.kind.${k}` as MessageKey) }))}
                  onChange={(kind) =>
                    change(r.key, (x) => ({ ...x, mask: kind === 'keep' ? { kind, first: x.mask.first || 1, last: x.mask.last || 1 } : { kind } }))
                  }
                />
              </Form.Item>
            ),
          },
          {
            title: t('security.maskKeep'),
            key: 'keep',
            width: 220,
            render: (_, r) =>
              r.mask.kind === 'keep' ? (
                <Space size={4}>
                  <InputNumber
                    aria-label={t('security.maskFirst')}
                    min={0}
                    max={20}
                    precision={0}
                    style={{ width: 72 }}
                    value={r.mask.first ?? 0}
                    onChange={(v) => change(r.key, (x) => ({ ...x, mask: { ...x.mask, first: Number(v ?? 0) } }))}
                  />
                  <InputNumber
                    aria-label={t('security.maskLast')}
                    min={0}
                    max={20}
                    precision={0}
                    style={{ width: 72 }}
                    value={r.mask.last ?? 0}
                    onChange={(v) => change(r.key, (x) => ({ ...x, mask: { ...x.mask, last: Number(v ?? 0) } }))}
                  />
                </Space>
              ) : (
                <Typography.Text type="secondary">—</Typography.Text>
              ),
          },
          {
            title: t('security.maskSample'),
            key: 'sample',
            width: 200,
            render: (_, r) => (
              <Input
                aria-label={t('security.maskSampleOf', { scope: r.level ? t(`security.level${r.level}` as MessageKey) : (r.item ?? '') })}
                value={r.sample}
                maxLength={200}
                onChange={(e) => change(r.key, (x) => ({ ...x, sample: e.target.value }))}
              />
            ),
          },
          {
            title: t('security.maskPreview'),
            key: 'preview',
            render: (_, r) => <span data-testid={`preview-${r.key}`}>{previewOf(rows.indexOf(r))}</span>,
          },
        ]}
      />
      <AddItem
        taken={rows.map((r) => r.item ?? '')}
        onAdd={(item) => setRows((rs) => [...rs, { key: `item:${item}`, item, mask: { kind: 'redact' }, sample: '张三丰' }])}
      />
    </Page>
  );
}

type Entry = paths['/api/v1/catalog/{id}']['get']['responses'][200]['content']['application/json'];

/**
 * AddItem adds the mask of one item of an entry ("entry id/item name"):
 * the secadmin finds the entry by name or resource code and picks one of
 * its items, each shown with its sensitivity; the server checks the item
 * again when the policy is saved.
 */
function AddItem({ taken, onAdd }: { taken: string[]; onAdd: (item: string) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ entry?: number; name?: string }>();
  const [found, setFound] = useState<{ value: number; label: string }[]>([]);
  const [searching, setSearching] = useState(false);
  const [entry, setEntry] = useState<Entry | undefined>();
  const seq = useRef(0);
  const search = async (q: string) => {
    const mine = ++seq.current;
    setSearching(true);
    try {
      const l = await call(api.GET('/api/v1/catalog', { params: { query: { q: q.trim() || undefined, limit: '20' } } }));
      if (mine === seq.current) {
        setFound((l.items ?? []).filter((e) => e != null).map((e) => ({ value: e.id ?? 0, label: `${e.name ?? ''} · ${e.resource_code ?? ''}` })));
      }
    } catch {
      if (mine === seq.current) setFound([]);
    } finally {
      if (mine === seq.current) setSearching(false);
    }
  };
  useEffect(() => {
    void search('');
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const pick = async (id: number | undefined) => {
    form.setFieldValue('name', undefined);
    setEntry(undefined);
    if (id) setEntry(await call(api.GET('/api/v1/catalog/{id}', { params: { path: { id: String(id) } } })).catch(() => undefined));
  };
  const add = (v: { entry?: number; name?: string }) => {
    const key = `${v.entry}/${(v.name ?? '').trim()}`;
    if (taken.includes(key)) {
      form.setFields([{ name: 'name', errors: [t('security.maskItemTaken')] }]);
      return;
    }
    onAdd(key);
    form.resetFields();
    setEntry(undefined);
  };
  return (
    <Card size="small" title={t('security.maskItemAdd')} style={{ marginTop: 16 }}>
      <Typography.Paragraph type="secondary">{t('security.maskItemHint')}</Typography.Paragraph>
      <Form form={form} layout="inline" onFinish={add}>
        <Form.Item name="entry" label={t('security.maskItemEntry')} rules={[{ required: true, message: t('form.required') }]}>
          <Select
            showSearch
            filterOption={false}
            onSearch={(q) => void search(q)}
            onChange={(id: number | undefined) => void pick(id)}
            options={found}
            loading={searching}
            allowClear
            placeholder={t('security.maskItemEntryPlaceholder')}
            style={{ width: 360 }}
          />
        </Form.Item>
        <Form.Item name="name" label={t('security.maskItemName')} rules={[{ required: true, message: t('form.required') }]}>
          <Select
            disabled={!entry}
            options={(entry?.items ?? []).map((i) => ({ value: i.name, label: t('security.maskItemOption', { name: i.name ?? '', level: i.sensitivity ?? 1 }) }))}
            style={{ width: 240 }}
          />
        </Form.Item>
        <Form.Item>
          <Button htmlType="submit">{t('security.maskItemAddButton')}</Button>
        </Form.Item>
      </Form>
    </Card>
  );
}
