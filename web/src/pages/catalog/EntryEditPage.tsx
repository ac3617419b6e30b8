// The entry editor (CAT-1, CAT-2): every core field of the national guide's
// catalog, the share and open attributes with their conditions and basis,
// and the data items with their type, length, sensitivity, share type, key,
// region and quality rules. The server checks the entry: its field errors
// are shown at the field (items[2].name at that row's name). A published
// entry's edit is a change request: the published version stays visible
// until the bureau approves the new one (CAT-3).
import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import {
  Alert,
  AutoComplete,
  Button,
  Card,
  Checkbox,
  Form,
  Input,
  InputNumber,
  Radio,
  Select,
  Space,
  Table,
  Tooltip,
  Typography,
  message,
} from 'antd';
import { DeleteOutlined, PlusOutlined, SettingOutlined } from '@ant-design/icons';
import { api, call, ApiError } from '../../api/client';
import { Page } from '../../components/Page';
import { LoadError } from '../../components/LoadError';
import { useI18n } from '../../i18n';
import {
  categories,
  fieldPath,
  grades,
  itemTypes,
  openTypes,
  shareTypes,
  updateCycles,
  useCatalogLabels,
  valueFormats,
  type Entry,
  type EntryInput,
  type Item,
} from './common';
import './catalog.css';

// In the form a rule's enumeration is one line of values.
type FormItem = Omit<Item, 'rules'> & { rules?: Omit<NonNullable<Item['rules']>, 'enum'> & { enum?: string } };
type FormValues = Omit<EntryInput, 'items'> & { items: FormItem[] };

const formats = ['数据库', '电子表格', '电子文件', '接口', 'CSV', 'JSON', 'XLSX'];

function toForm(e: EntryInput): FormValues {
  return {
    ...e,
    items: (e.items ?? []).map((it) => ({ ...it, rules: it.rules ? { ...it.rules, enum: (it.rules.enum ?? []).join('；') } : undefined })),
  };
}

// Only what an officer writes goes back: the form also holds what the
// server said of the entry (id, status …), which a patch does not take.
const inputKeys = ['name', 'summary', 'classification', 'format', 'update_cycle', 'share_type', 'share_conditions', 'share_basis',
  'share_method', 'open_type', 'open_conditions', 'grade', 'source_system', 'related_codes', 'items'] as const;
const itemKeys = ['name', 'type', 'length', 'description', 'sensitivity', 'personal', 'share_type', 'key', 'region', 'open'] as const;

function pick<T extends object>(o: T, keys: readonly string[]): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([k]) => keys.includes(k))) as Partial<T>;
}

function fromForm(all: FormValues): EntryInput {
  const v = pick(all, inputKeys) as FormValues;
  const blank = (s?: string) => (s ?? '').trim();
  return {
    ...v,
    classification: { ...v.classification, subgroup: blank(v.classification?.subgroup) || undefined } as EntryInput['classification'],
    related_codes: (v.related_codes ?? []).map((c) => c.trim()).filter(Boolean),
    items: (v.items ?? []).map((it) => {
      const r = it.rules;
      const enumValues = (r?.enum ?? '')
        .split(/[;；,，\n]/)
        .map((x) => x.trim())
        .filter(Boolean);
      const rules =
        r && (r.required || r.pattern || r.format || enumValues.length || r.min != null || r.max != null)
          ? {
              required: r.required || undefined,
              pattern: r.pattern || undefined,
              format: r.format || undefined,
              enum: enumValues.length ? enumValues : undefined,
              min: r.min ?? undefined,
              max: r.max ?? undefined,
            }
          : undefined;
      return { ...pick(it, itemKeys), length: it.length ?? 0, rules } as Item;
    }),
  };
}

const newItem = (): FormItem => ({ name: '', type: 'C', length: 50, sensitivity: 1 });

export default function EntryEditPage() {
  const { id } = useParams();
  const creating = !id;
  const { t } = useI18n();
  const l = useCatalogLabels();
  const navigate = useNavigate();
  const [form] = Form.useForm<FormValues>();
  const [entry, setEntry] = useState<Entry | undefined>();
  const [loadError, setLoadError] = useState<Error | null>(null);
  const [saving, setSaving] = useState<'draft' | 'submit' | undefined>();
  const [failure, setFailure] = useState<{ message: string; unplaced: string[] } | undefined>();
  const [expanded, setExpanded] = useState<number[]>([]);
  const [msg, holder] = message.useMessage();

  const load = async () => {
    if (!id) return;
    setLoadError(null);
    try {
      const e = await call(api.GET('/api/v1/catalog/{id}', { params: { path: { id } } }));
      setEntry(e);
      form.setFieldsValue(toForm(e));
    } catch (e) {
      setLoadError(e as Error);
    }
  };
  useEffect(() => {
    void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id]);

  const shareType = Form.useWatch('share_type', form);
  const openType = Form.useWatch('open_type', form);
  const change = entry && entry.status === 'published';

  async function save(submit: boolean) {
    setFailure(undefined);
    setSaving(submit ? 'submit' : 'draft');
    // Earlier errors go: the server answers for the whole entry.
    form.setFields(
      form
        .getFieldsError()
        .filter((f) => f.errors.length)
        .map((f) => ({ name: f.name as never, errors: [] })),
    );
    const body = fromForm(form.getFieldsValue(true) as FormValues);
    try {
      const saved = id
        ? await call(api.PATCH('/api/v1/catalog/{id}', { params: { path: { id } }, body }))
        : await call(api.POST('/api/v1/catalog', { body }));
      if (submit) {
        await call(api.POST('/api/v1/catalog/{id}/submit', { params: { path: { id: String(saved.id) } } }));
        void msg.success(t('catalog.submitted'));
      } else {
        void msg.success(t('catalog.saved'));
      }
      navigate(`/entries/${saved.id}`);
    } catch (e) {
      if (e instanceof ApiError && Object.keys(e.fields).length) {
        const placed: { name: (string | number)[]; errors: string[] }[] = [];
        const unplaced: string[] = [];
        const rows = new Set<number>();
        for (const [field, text] of Object.entries(e.fields)) {
          const path = fieldPath(field);
          if (path[0] === 'related_codes') path.splice(1);
          if (path[0] === 'items' && typeof path[1] === 'number' && path[2] === 'rules') rows.add(path[1]);
          const known = path.length > 0 && (path[0] !== 'items' || path.length > 2 || path.length === 1);
          if (known) placed.push({ name: path, errors: [text] });
          else unplaced.push(`${field}: ${text}`);
        }
        if (rows.size) setExpanded((x) => [...new Set([...x, ...rows])]);
        // Rows expanded now mount their rule fields before the errors land.
        setTimeout(() => form.setFields(placed as never), 0);
        setFailure({ message: e.message, unplaced });
      } else {
        setFailure({ message: (e as Error).message, unplaced: [] });
      }
    } finally {
      setSaving(undefined);
    }
  }

  if (loadError) {
    return (
      <Page title={t('catalog.edit')}>
        <LoadError error={loadError} onRetry={() => void load()} />
      </Page>
    );
  }

  const title = creating ? t('catalog.new') : change ? t('catalog.changeTitle', { name: entry?.name ?? '' }) : t('catalog.editTitle', { name: entry?.name ?? '' });
  const half = { style: { flex: '1 1 320px', minWidth: 260 } };

  return (
    <Page title={title}>
      {holder}
      {change && <Alert style={{ marginBottom: 16 }} type="info" showIcon message={t('catalog.changeNote')} />}
      {entry?.status === 'returned' && <Alert style={{ marginBottom: 16 }} type="warning" showIcon message={t('catalog.returnedNote')} />}
      <Form<FormValues>
        form={form}
        className="govdata-filters"
        layout="vertical"
        initialValues={{
          share_type: 'unconditional',
          open_type: 'not_open',
          grade: 'general',
          update_cycle: 'monthly',
          classification: { category: '3' },
          items: [newItem()],
        }}
        onFinish={() => void save(false)}
        scrollToFirstError
      >
        <Card title={t('catalog.basics')} size="small" style={{ marginBottom: 16 }}>
          <Form.Item name="name" label={t('catalog.name')} required>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="summary" label={t('catalog.summary')} required>
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
          <Space wrap align="start" size={16}>
            <Form.Item name={['classification', 'category']} label={t('catalog.category')} required style={{ width: 200 }}>
              <Select options={categories.map((c) => ({ value: c, label: `${c} ${l.category(c)}` }))} />
            </Form.Item>
            <Form.Item name={['classification', 'subcategory']} label={t('catalog.subcategory')} required extra={t('catalog.digits2')} style={{ width: 120 }}>
              <Input className="govdata-mono" maxLength={2} />
            </Form.Item>
            <Form.Item name={['classification', 'group']} label={t('catalog.group')} required extra={t('catalog.digits3')} style={{ width: 120 }}>
              <Input className="govdata-mono" maxLength={3} />
            </Form.Item>
            <Form.Item name={['classification', 'subgroup']} label={t('catalog.subgroup')} extra={t('catalog.optional')} style={{ width: 120 }}>
              <Input className="govdata-mono" maxLength={6} />
            </Form.Item>
          </Space>
          <Space wrap align="start" size={16} style={{ width: '100%' }}>
            <Form.Item name="format" label={t('catalog.format')} required style={{ width: 200 }}>
              <AutoComplete options={formats.map((f) => ({ value: f }))} />
            </Form.Item>
            <Form.Item name="update_cycle" label={t('catalog.updateCycle')} required style={{ width: 160 }}>
              <Select options={updateCycles.map((c) => ({ value: c, label: l.cycle(c) }))} />
            </Form.Item>
            <Form.Item name="grade" label={t('catalog.grade')} required style={{ width: 160 }}>
              <Select options={grades.map((g) => ({ value: g, label: l.grade(g) }))} />
            </Form.Item>
            <Form.Item name="source_system" label={t('catalog.sourceSystem')} style={{ width: 260 }}>
              <Input maxLength={2000} />
            </Form.Item>
          </Space>
          <Form.Item name="related_codes" label={t('catalog.relatedCodes')} extra={t('catalog.relatedHint')}>
            <Select mode="tags" tokenSeparators={[',', '，', ' ']} open={false} className="govdata-mono" />
          </Form.Item>
        </Card>

        <Card title={t('catalog.sharing')} size="small" style={{ marginBottom: 16 }}>
          <Form.Item name="share_type" label={t('catalog.shareType')} required>
            <Radio.Group options={shareTypes.map((s) => ({ value: s, label: l.share(s) }))} />
          </Form.Item>
          <div style={{ display: 'flex', flexWrap: 'wrap', gap: 16 }}>
            {shareType === 'conditional' && (
              <Form.Item name="share_conditions" label={t('catalog.shareConditions')} required {...half}>
                <Input.TextArea rows={2} />
              </Form.Item>
            )}
            {shareType === 'not_shared' && (
              <Form.Item name="share_basis" label={t('catalog.shareBasis')} required extra={t('catalog.shareBasisHint')} {...half}>
                <Input.TextArea rows={2} />
              </Form.Item>
            )}
            <Form.Item name="share_method" label={t('catalog.shareMethod')} {...half}>
              <Input />
            </Form.Item>
          </div>
          <Form.Item name="open_type" label={t('catalog.openType')} required>
            <Radio.Group options={openTypes.map((s) => ({ value: s, label: l.open(s) }))} />
          </Form.Item>
          {(openType === 'conditional' || openType === 'not_open') && (
            // HLJ-33: data not opened states why (不予开放理由), in the same field.
            <Form.Item
              name="open_conditions"
              label={openType === 'not_open' ? t('catalog.notOpenReason') : t('catalog.openConditions')}
              required
            >
              <Input.TextArea rows={2} />
            </Form.Item>
          )}
          {openType !== 'not_open' && <Typography.Text type="secondary">{t('catalog.itemOpenHint')}</Typography.Text>}
        </Card>

        <Card title={t('catalog.items')} size="small" style={{ marginBottom: 16 }}>
          <Form.List name="items">
            {(fields, ops, { errors }) => (
              <>
                <Table
                  size="small"
                  pagination={false}
                  dataSource={fields}
                  rowKey={(f) => f.key}
                  scroll={{ x: 1240 }}
                  expandable={{
                    showExpandColumn: false,
                    expandedRowKeys: fields.filter((f) => expanded.includes(f.name)).map((f) => f.key),
                    expandedRowRender: (f) => <RulesRow index={f.name} />,
                  }}
                  columns={[
                    { title: '#', key: 'n', width: 44, render: (_, f) => f.name + 1 },
                    {
                      title: t('catalog.itemName'),
                      key: 'name',
                      width: 170,
                      render: (_, f) => (
                        <Form.Item name={[f.name, 'name']} style={{ margin: 0 }}>
                          <Input aria-label={t('catalog.itemNameOf', { n: f.name + 1 })} maxLength={100} />
                        </Form.Item>
                      ),
                    },
                    {
                      title: t('catalog.itemType'),
                      key: 'type',
                      width: 130,
                      render: (_, f) => (
                        <Form.Item name={[f.name, 'type']} style={{ margin: 0 }}>
                          <Select
                            aria-label={t('catalog.itemTypeOf', { n: f.name + 1 })}
                            options={itemTypes.map((x) => ({ value: x, label: `${x} ${l.itemType(x)}` }))}
                            popupMatchSelectWidth={false}
                          />
                        </Form.Item>
                      ),
                    },
                    {
                      title: t('catalog.itemLength'),
                      key: 'length',
                      width: 90,
                      render: (_, f) => (
                        <Form.Item name={[f.name, 'length']} style={{ margin: 0 }}>
                          <InputNumber aria-label={t('catalog.itemLengthOf', { n: f.name + 1 })} min={0} style={{ width: '100%' }} />
                        </Form.Item>
                      ),
                    },
                    {
                      title: t('catalog.sensitivity'),
                      key: 'sensitivity',
                      width: 90,
                      render: (_, f) => (
                        <Form.Item name={[f.name, 'sensitivity']} style={{ margin: 0 }}>
                          <Select
                            aria-label={t('catalog.sensitivityOf', { n: f.name + 1 })}
                            options={[1, 2, 3, 4].map((n) => ({ value: n, label: t('catalog.level', { n }) }))}
                          />
                        </Form.Item>
                      ),
                    },
                    {
                      title: t('catalog.itemShare'),
                      key: 'share',
                      width: 150,
                      render: (_, f) => (
                        <Form.Item name={[f.name, 'share_type']} style={{ margin: 0 }}>
                          <Select
                            aria-label={t('catalog.itemShareOf', { n: f.name + 1 })}
                            allowClear
                            placeholder={t('catalog.asEntry')}
                            options={shareTypes.map((s) => ({ value: s, label: l.share(s) }))}
                            popupMatchSelectWidth={false}
                          />
                        </Form.Item>
                      ),
                    },
                    {
                      // ZJ-21: how the item is opened when its entry is.
                      title: t('catalog.itemOpen'),
                      key: 'open',
                      width: 130,
                      render: (_, f) => (
                        <Form.Item name={[f.name, 'open']} style={{ margin: 0 }}>
                          <Select
                            aria-label={t('catalog.itemOpenOf', { n: f.name + 1 })}
                            allowClear
                            placeholder={t('catalog.itemOpen.asStored')}
                            options={(['deidentified', 'excluded'] as const).map((o) => ({ value: o, label: t(`catalog.itemOpen.${o}`) }))}
                            popupMatchSelectWidth={false}
                          />
                        </Form.Item>
                      ),
                    },
                    ...(['key', 'region', 'personal'] as const).map((flag) => ({
                      title: t(`catalog.flag.${flag}`),
                      key: flag,
                      width: 84,
                      align: 'center' as const,
                      render: (_: unknown, f: { name: number }) => (
                        <Form.Item name={[f.name, flag]} valuePropName="checked" style={{ margin: 0 }}>
                          <Checkbox aria-label={t(`catalog.flagOf.${flag}`, { n: f.name + 1 })} />
                        </Form.Item>
                      ),
                    })),
                    {
                      title: t('catalog.itemDescription'),
                      key: 'description',
                      width: 200,
                      render: (_, f) => (
                        <Form.Item name={[f.name, 'description']} style={{ margin: 0 }}>
                          <Input aria-label={t('catalog.itemDescriptionOf', { n: f.name + 1 })} maxLength={1000} />
                        </Form.Item>
                      ),
                    },
                    {
                      title: t('catalog.itemActions'),
                      key: 'ops',
                      width: 96,
                      fixed: 'right',
                      render: (_, f) => (
                        <Space size={0}>
                          <Tooltip title={t('catalog.rules')}>
                            <Button
                              type="text"
                              icon={<SettingOutlined />}
                              aria-label={t('catalog.rulesOf', { n: f.name + 1 })}
                              aria-expanded={expanded.includes(f.name)}
                              onClick={() =>
                                setExpanded((x) => (x.includes(f.name) ? x.filter((i) => i !== f.name) : [...x, f.name]))
                              }
                            />
                          </Tooltip>
                          <Tooltip title={t('catalog.removeItem')}>
                            <Button
                              type="text"
                              danger
                              icon={<DeleteOutlined />}
                              aria-label={t('catalog.removeItemOf', { n: f.name + 1 })}
                              disabled={fields.length === 1}
                              onClick={() => {
                                ops.remove(f.name);
                                setExpanded([]);
                              }}
                            />
                          </Tooltip>
                        </Space>
                      ),
                    },
                  ]}
                />
                <Form.ErrorList errors={errors} />
                <Button style={{ marginTop: 12 }} icon={<PlusOutlined />} onClick={() => ops.add(newItem())}>
                  {t('catalog.addItem')}
                </Button>
              </>
            )}
          </Form.List>
        </Card>

        {failure && (
          <Alert
            style={{ marginBottom: 16 }}
            type="error"
            showIcon
            message={failure.message}
            description={failure.unplaced.length ? failure.unplaced.map((u) => <div key={u}>{u}</div>) : undefined}
          />
        )}
        <Space>
          <Button htmlType="submit" loading={saving === 'draft'} disabled={!!saving}>
            {change ? t('catalog.saveChange') : t('catalog.saveDraft')}
          </Button>
          <Button type="primary" loading={saving === 'submit'} disabled={!!saving} onClick={() => void save(true)}>
            {t('catalog.saveSubmit')}
          </Button>
          <Button disabled={!!saving} onClick={() => navigate(id ? `/entries/${id}` : '/entries')}>
            {t('catalog.cancel')}
          </Button>
        </Space>
      </Form>
    </Page>
  );
}

/** RulesRow edits one item's quality rules (AGG-2 enforces them on each row). */
function RulesRow({ index }: { index: number }) {
  const { t } = useI18n();
  const l = useCatalogLabels();
  const n = index + 1;
  return (
    <Space wrap align="start" size={16} style={{ padding: '4px 0 0 44px' }} aria-label={t('catalog.rulesOf', { n })} role="group">
      <Form.Item name={[index, 'rules', 'required']} valuePropName="checked" label={t('catalog.ruleRequired')}>
        <Checkbox aria-label={t('catalog.ruleRequiredOf', { n })} />
      </Form.Item>
      <Form.Item name={[index, 'rules', 'format']} label={t('catalog.ruleFormat')} style={{ width: 180 }}>
        <Select
          aria-label={t('catalog.ruleFormatOf', { n })}
          allowClear
          options={valueFormats.map((f) => ({ value: f, label: l.format(f) }))}
        />
      </Form.Item>
      <Form.Item name={[index, 'rules', 'pattern']} label={t('catalog.rulePattern')} style={{ width: 220 }}>
        <Input aria-label={t('catalog.rulePatternOf', { n })} className="govdata-mono" />
      </Form.Item>
      <Form.Item name={[index, 'rules', 'enum']} label={t('catalog.ruleEnum')} extra={t('catalog.ruleEnumHint')} style={{ width: 220 }}>
        <Input aria-label={t('catalog.ruleEnumOf', { n })} />
      </Form.Item>
      <Form.Item name={[index, 'rules', 'min']} label={t('catalog.ruleMin')} style={{ width: 110 }}>
        <InputNumber aria-label={t('catalog.ruleMinOf', { n })} style={{ width: '100%' }} />
      </Form.Item>
      <Form.Item name={[index, 'rules', 'max']} label={t('catalog.ruleMax')} style={{ width: 110 }}>
        <InputNumber aria-label={t('catalog.ruleMaxOf', { n })} style={{ width: '100%' }} />
      </Form.Item>
    </Space>
  );
}
