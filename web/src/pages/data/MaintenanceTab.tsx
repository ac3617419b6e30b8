// 数据维护: the entry's maintenance requests (AGG-6; SX-31, SX-32) and a new
// one — changes or deletions of stored rows, each selecting one row by
// exact values (its key), with the reason; the profile's workflow runs it.
import { useCallback, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { Alert, Button, Card, Form, Input, Modal, Radio, Select, Space, Table, Tag, Typography, message } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { api, call, ApiError } from '../../api/client';
import { LoadError } from '../../components/LoadError';
import { usePaged } from '../../components/usePaged';
import { useI18n } from '../../i18n';
import { LoadMore } from '../../components/Page';
import { formatDateTime } from '../../format';
import { useDataLabels, type Dataset, type Maintenance, type RowChange } from './common';

const pageSize = 20;

export function MaintenanceStateTag({ state }: { state?: string }) {
  const l = useDataLabels();
  const cls = state === 'done' ? 'applied' : state === 'rejected' ? 'failed' : state === 'open' ? 'running' : '';
  return <Tag className={`govdata-batch govdata-batch-${cls}`}>{l.maintenanceState(state)}</Tag>;
}

/** changeText writes one change as a sentence: 修改 证件号=… 的行：人数 → 5. */
export function useChangeText() {
  const { t } = useI18n();
  const l = useDataLabels();
  return (c: RowChange) => {
    const where = Object.entries(c.where ?? {})
      .map(([k, v]) => `${k} = ${v}`)
      .join('，');
    const values = Object.entries(c.values ?? {})
      .map(([k, v]) => `${k} → ${v === '' ? t('data.cleared') : v}`)
      .join('，');
    return `${l.op(c.op)}：${where}${values ? `；${values}` : ''}`;
  };
}

export default function MaintenanceTab({ id, dataset, officer }: { id: string; dataset: Dataset; officer: boolean }) {
  const { t } = useI18n();
  const text = useChangeText();
  const [filing, setFiling] = useState(false);
  const [msg, holder] = message.useMessage();
  const fetch = useCallback(
    (after?: string) =>
      call(api.GET('/api/v1/catalog/{id}/maintenance', { params: { path: { id }, query: { limit: String(pageSize), ...(after ? { cursor: after } : {}) } } })),
    [id],
  );
  const { items, cursor, loading, error, load } = usePaged<Maintenance>(fetch);

  return (
    <div>
      {holder}
      <Typography.Paragraph>{t('data.maintenanceIntro')}</Typography.Paragraph>
      {officer && (
        <Button type="primary" icon={<PlusOutlined />} style={{ marginBottom: 12 }} onClick={() => setFiling(true)}>
          {t('data.fileMaintenance')}
        </Button>
      )}
      {error && (
        <div style={{ marginBottom: 16 }}>
          <LoadError error={error} onRetry={() => void load()} />
        </div>
      )}
      <Table<Maintenance>
        aria-label={t('data.tabMaintenance')}
        size="small"
        rowKey={(r) => String(r.id)}
        dataSource={items}
        loading={loading}
        pagination={false}
        scroll={{ x: 1000 }}
        locale={{ emptyText: <Typography.Text type="secondary">{t('data.noMaintenance')}</Typography.Text> }}
        columns={[
          {
            title: t('data.request'),
            key: 'id',
            width: 110,
            render: (_, r) => <Link to={`/data/maintenance/${r.id}`}>{t('data.requestN', { id: r.id ?? 0 })}</Link>,
          },
          { title: t('data.reason'), dataIndex: 'reason', ellipsis: true },
          {
            title: t('data.changes'),
            key: 'changes',
            ellipsis: true,
            render: (_, r) => (r.changes ?? []).map(text).join('；'),
          },
          { title: t('data.state'), key: 'state', width: 100, render: (_, r) => <MaintenanceStateTag state={r.state} /> },
          { title: t('data.createdBy'), dataIndex: 'created_by', width: 110 },
          {
            title: t('data.createdAt'),
            key: 'at',
            width: 150,
            render: (_, r) => <span className="govdata-mono">{formatDateTime(r.created_at)}</span>,
          },
        ]}
      />
      <LoadMore more={cursor} loading={loading} onMore={() => void load(cursor)} />
      <FileDialog
        open={filing}
        id={id}
        dataset={dataset}
        onClose={() => setFiling(false)}
        onDone={(m) => {
          setFiling(false);
          void msg.success(t('data.maintenanceFiled', { id: m.id ?? 0 }));
          void load();
        }}
      />
    </div>
  );
}

interface Pair {
  item?: string;
  value?: string;
}
interface ChangeValues {
  op: 'update' | 'delete';
  where: Pair[];
  values?: Pair[];
}
interface FormValues {
  reason: string;
  changes: ChangeValues[];
}

function FileDialog({
  open,
  id,
  dataset,
  onClose,
  onDone,
}: {
  open: boolean;
  id: string;
  dataset: Dataset;
  onClose: () => void;
  onDone: (m: Maintenance) => void;
}) {
  const { t } = useI18n();
  const l = useDataLabels();
  const [form] = Form.useForm<FormValues>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | undefined>();
  const columns = useMemo(() => (dataset.columns ?? []).filter((c) => !c.retired), [dataset.columns]);
  const keyItems = columns.filter((c) => c.key).map((c) => c.item ?? '');
  const options = columns.map((c) => ({ value: c.item ?? '', label: c.item ?? '' }));
  const blank = (): ChangeValues => ({
    op: 'update',
    where: (keyItems.length ? keyItems : [columns[0]?.item ?? '']).map((item) => ({ item, value: '' })),
    values: [{ item: undefined, value: '' }],
  });

  async function send() {
    let v: FormValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setFailure(undefined);
    const pairs = (p: Pair[] | undefined) => Object.fromEntries((p ?? []).filter((x) => x.item).map((x) => [x.item as string, x.value ?? '']));
    const body = {
      reason: v.reason.trim(),
      changes: v.changes.map((c) => ({ op: c.op, where: pairs(c.where), ...(c.op === 'update' ? { values: pairs(c.values) } : {}) })),
    };
    try {
      const m = await call(api.POST('/api/v1/catalog/{id}/maintenance', { params: { path: { id } }, body }));
      form.resetFields();
      onDone(m);
    } catch (e) {
      // The server names the change and item at fault; the reason has its own field.
      if (e instanceof ApiError && e.fields.reason) form.setFields([{ name: 'reason', errors: [e.fields.reason] }]);
      const fields = e instanceof ApiError ? Object.entries(e.fields).filter(([f]) => f !== 'reason') : [];
      setFailure(fields.length ? fields.map(([f, m]) => `${f}：${m}`).join('；') : (e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open={open}
      width={860}
      title={t('data.fileMaintenance')}
      onCancel={onClose}
      okText={t('data.submitMaintenance')}
      cancelText={t('catalog.cancel')}
      okButtonProps={{ loading: busy }}
      onOk={() => void send()}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('data.maintenanceHint')}</Typography.Paragraph>
      {failure && <Alert style={{ marginBottom: 12 }} type="error" showIcon message={failure} data-testid="maintenance-error" />}
      <Form form={form} layout="vertical" initialValues={{ reason: '', changes: [blank()] }}>
        <Form.Item name="reason" label={t('data.reason')} rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
          <Input.TextArea rows={2} />
        </Form.Item>
        <Form.List name="changes">
          {(changes, { add, remove }) => (
            <>
              {changes.map((c, ci) => (
                <Card
                  key={c.key}
                  size="small"
                  style={{ marginBottom: 12 }}
                  title={t('data.changeN', { n: ci + 1 })}
                  extra={
                    changes.length > 1 ? (
                      <Button type="text" size="small" icon={<MinusCircleOutlined />} onClick={() => remove(c.name)} aria-label={t('data.removeChange', { n: ci + 1 })} />
                    ) : undefined
                  }
                >
                  <Form.Item name={[c.name, 'op']} label={t('data.op')} style={{ marginBottom: 8 }}>
                    <Radio.Group
                      aria-label={t('data.opOf', { n: ci + 1 })}
                      options={[
                        { value: 'update', label: l.op('update') },
                        { value: 'delete', label: l.op('delete') },
                      ]}
                    />
                  </Form.Item>
                  <PairList name={[c.name, 'where']} n={ci + 1} what="where" options={options} />
                  <Form.Item noStyle shouldUpdate>
                    {() =>
                      form.getFieldValue(['changes', c.name, 'op']) === 'update' ? (
                        <PairList name={[c.name, 'values']} n={ci + 1} what="values" options={options} />
                      ) : null
                    }
                  </Form.Item>
                </Card>
              ))}
              <Button icon={<PlusOutlined />} onClick={() => add(blank())}>
                {t('data.addChange')}
              </Button>
            </>
          )}
        </Form.List>
      </Form>
    </Modal>
  );
}

/** PairList is a list of item = value pairs: a row's selection, or its new values. */
function PairList({ name, n, what, options }: { name: (string | number)[]; n: number; what: 'where' | 'values'; options: { value: string; label: string }[] }) {
  const { t } = useI18n();
  const label = what === 'where' ? t('data.whereLabel') : t('data.valuesLabel');
  return (
    <Form.List name={name}>
      {(pairs, { add, remove }) => (
        <fieldset style={{ border: 0, padding: 0, margin: '0 0 8px' }}>
          <legend style={{ fontSize: 14, marginBottom: 4 }}>{label}</legend>
          {pairs.map((p, pi) => (
            <Space key={p.key} align="start" style={{ display: 'flex' }}>
              <Form.Item name={[p.name, 'item']} style={{ marginBottom: 8 }} rules={[{ required: true, message: t('form.required') }]}>
                <Select
                  aria-label={t(what === 'where' ? 'data.whereItem' : 'data.valueItem', { n, m: pi + 1 })}
                  style={{ width: 180 }}
                  options={options}
                  placeholder={t('data.item')}
                />
              </Form.Item>
              <span style={{ lineHeight: '32px' }}>{what === 'where' ? '=' : '→'}</span>
              <Form.Item
                name={[p.name, 'value']}
                style={{ marginBottom: 8 }}
                rules={what === 'where' ? [{ required: true, message: t('form.required') }] : []}
              >
                <Input aria-label={t(what === 'where' ? 'data.whereValue' : 'data.newValue', { n, m: pi + 1 })} style={{ width: 260 }} />
              </Form.Item>
              {pairs.length > 1 && (
                <Button type="text" icon={<MinusCircleOutlined />} onClick={() => remove(p.name)} aria-label={t('data.removePair', { n, m: pi + 1 })} />
              )}
            </Space>
          ))}
          <Button size="small" type="dashed" icon={<PlusOutlined />} onClick={() => add({ item: undefined, value: '' })}>
            {what === 'where' ? t('data.addWhere') : t('data.addValue')}
          </Button>
        </fieldset>
      )}
    </Form.List>
  );
}
