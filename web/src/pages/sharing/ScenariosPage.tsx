// 应用场景 (LS-19(三), SHR-2): "应用需求符合具体应用场景的，可以直接获得授权".
// The registered scenarios the user's department provides or uses (all of
// them for a reviewer), newest first; the provider's leader or the bureau's
// reviewer registers one — an entry, a consumer department, the items,
// methods, region scope and longest period it covers — and retires it with
// a reason. Under a profile without scenario_direct_grant the page says so
// and offers no registration (the server would refuse it).
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Alert, Button, Checkbox, Form, Input, InputNumber, Modal, Select, Space, Table, Tag, Typography, message } from 'antd';
import { api, call, ApiError } from '../../api/client';
import { applyFieldErrors } from '../../components/fieldErrors';
import { Page, LoadMore } from '../../components/Page';
import { LoadError } from '../../components/LoadError';
import { RegionScopeSelect } from '../../components/RegionTree';
import { usePaged } from '../../components/usePaged';
import { useI18n, type MessageKey } from '../../i18n';
import { useSession } from '../../session';
import { formatDateTime } from '../../format';
import { Code, fieldPath, useCatalogLabels, type Entry } from '../catalog/common';
import { atLeastOne, loadProfile, methods, pick, tagStyles, type Scenario } from './common';

const pageSize = 20;

type Department = { id?: number; name?: string };

// The departments' names, read once per page load (the consumer picker
// and the list's column).
let departments: Promise<Department[]> | undefined;
function loadDepartments(): Promise<Department[]> {
  departments ??= call(api.GET('/api/v1/departments', { params: { query: { limit: '500' } } })).then(
    (l) => (l.items ?? []).filter(Boolean) as Department[],
    (e: unknown) => {
      departments = undefined;
      throw e;
    },
  );
  return departments;
}

export default function ScenariosPage() {
  const { t, lang } = useI18n();
  const { can } = useSession();
  const [direct, setDirect] = useState<{ on: boolean; profile: string } | undefined>();
  const [depts, setDepts] = useState<Department[]>([]);
  const [registering, setRegistering] = useState(false);
  const [retiring, setRetiring] = useState<Scenario | undefined>();
  const [msg, holder] = message.useMessage();

  useEffect(() => {
    void loadProfile()
      .then((p) => setDirect({ on: !!p.scenario_direct_grant?.value, profile: pick(p.title, lang) || p.name || '' }))
      .catch(() => setDirect(undefined));
    void loadDepartments()
      .then(setDepts)
      .catch(() => setDepts([]));
  }, [lang]);

  const fetch = useCallback(
    (cursor?: string) => call(api.GET('/api/v1/scenarios', { params: { query: { limit: String(pageSize), ...(cursor ? { cursor } : {}) } } })),
    [],
  );
  const { items, cursor, loading, error, load } = usePaged<Scenario>(fetch);
  const deptName = (id: number | undefined) => depts.find((d) => d.id === id)?.name ?? (id ? `#${id}` : '');
  const mayRegister = can('scenario.register') && !!direct?.on;

  return (
    <Page
      extra={
        mayRegister && (
          <Button type="primary" onClick={() => setRegistering(true)}>
            {t('sharing.register')}
          </Button>
        )
      }
    >
      {holder}
      {direct && !direct.on && (
        <Alert style={{ marginBottom: 16 }} type="info" showIcon message={t('sharing.scenariosOff', { profile: direct.profile })} />
      )}
      {direct?.on && <Typography.Paragraph type="secondary">{t('sharing.scenariosIntro')}</Typography.Paragraph>}
      {error && (
        <div style={{ marginBottom: 16 }}>
          <LoadError error={error} onRetry={() => void load()} />
        </div>
      )}
      <Table<Scenario>
        aria-label={t('page.scenarios')}
        rowKey={(s) => String(s.id)}
        dataSource={items}
        loading={loading && items.length === 0}
        pagination={false}
        scroll={items.length ? { x: 1000 } : undefined}
        locale={{
          emptyText: (
            <Typography.Text type="secondary">
              {t(mayRegister ? 'sharing.scenariosEmptyRegister' : 'sharing.scenariosEmpty')}
            </Typography.Text>
          ),
        }}
        columns={[
          {
            title: t('sharing.scenarioName'),
            key: 'name',
            render: (_, s) => (
              <div className="govdata-entry-name">
                <span>{s.name}</span>
                <Code value={s.resource_code} />
                <Typography.Text type="secondary">{deptName(s.provider_department_id)}</Typography.Text>
              </div>
            ),
          },
          { title: t('sharing.consumer'), key: 'consumer', width: 150, render: (_, s) => deptName(s.consumer_department_id) },
          { title: t('sharing.items'), key: 'items', width: 130, render: (_, s) => (s.items ?? []).join('、') },
          {
            title: t('sharing.methods'),
            key: 'methods',
            width: 110,
            render: (_, s) => (s.methods ?? []).map((m) => t(`sharing.method.${m}` as MessageKey)).join('、'),
          },
          { title: t('sharing.maxDays'), key: 'days', width: 90, align: 'right', render: (_, s) => t('sharing.days', { n: s.max_days ?? 0 }) },
          {
            title: t('sharing.scenarioState'),
            key: 'state',
            width: 150,
            render: (_, s) => (
              <Space orientation="vertical" size={2}>
                {s.state === 'retired' ? <Tag>{t('sharing.scenario.retired')}</Tag> : <Tag style={tagStyles.success}>{t('sharing.scenario.active')}</Tag>}
                {s.retire_reason && <Typography.Text type="secondary">{s.retire_reason}</Typography.Text>}
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('sharing.registeredBy', { by: s.registered_by ?? '', at: formatDateTime(s.registered_at) })}
                </Typography.Text>
              </Space>
            ),
          },
          ...(can('scenario.register')
            ? [
                {
                  title: t('tasks.open'),
                  key: 'act',
                  width: 90,
                  render: (_: unknown, s: Scenario) =>
                    s.state === 'active' && (
                      <Button size="small" danger onClick={() => setRetiring(s)} aria-label={t('sharing.retireOf', { name: s.name ?? '' })}>
                        {t('sharing.retire')}
                      </Button>
                    ),
                },
              ]
            : []),
        ]}
      />
      <LoadMore more={cursor} loading={loading} onMore={() => void load(cursor)} />
      {registering && (
        <RegisterDialog
          depts={depts}
          onClose={() => setRegistering(false)}
          onDone={(s) => {
            setRegistering(false);
            void msg.success(t('sharing.registered.done', { name: s.name ?? '' }));
            void load();
          }}
        />
      )}
      <RetireDialog
        scenario={retiring}
        onClose={() => setRetiring(undefined)}
        onDone={(s) => {
          setRetiring(undefined);
          void msg.success(t('sharing.retired.done', { name: s.name ?? '' }));
          void load();
        }}
      />
    </Page>
  );
}

interface RegisterValues {
  catalog_id?: number;
  consumer_department_id?: number;
  name: string;
  items: string[];
  purpose: string;
  legal_basis: string;
  methods: string[];
  region_scope?: string[];
  max_days?: number;
}

/** RegisterDialog registers a scenario; the server checks it against the entry and says what is wrong, field by field. */
function RegisterDialog({ depts, onClose, onDone }: { depts: Department[]; onClose: () => void; onDone: (s: Scenario) => void }) {
  const { t } = useI18n();
  const l = useCatalogLabels();
  const [form] = Form.useForm<RegisterValues>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | undefined>();
  const [q, setQ] = useState('');
  const [entries, setEntries] = useState<{ id?: number; name?: string; resource_code?: string }[]>([]);
  const [entry, setEntry] = useState<Entry | undefined>();
  const entryId = Form.useWatch('catalog_id', form);

  // Published entries by name, code or item (the catalog's search, CAT-5).
  useEffect(() => {
    let live = true;
    void call(api.GET('/api/v1/catalog', { params: { query: { status: 'published', limit: '20', ...(q ? { q } : {}) } } }))
      .then((l) => live && setEntries((l.items ?? []).filter(Boolean) as typeof entries))
      .catch(() => live && setEntries([]));
    return () => {
      live = false;
    };
  }, [q]);

  useEffect(() => {
    if (!entryId) {
      setEntry(undefined);
      return;
    }
    let live = true;
    void call(api.GET('/api/v1/catalog/{id}', { params: { path: { id: String(entryId) } } }))
      .then((e) => live && setEntry(e))
      .catch(() => live && setEntry(undefined));
    form.setFieldValue('items', []);
    return () => {
      live = false;
    };
  }, [entryId, form]);

  // The items a scenario may cover: those the entry shares (SHR-2); the
  // server checks again.
  const shared = useMemo(
    () => (entry?.share_type === 'not_shared' ? [] : (entry?.items ?? []).filter((it) => it.share_type !== 'not_shared')),
    [entry],
  );

  async function send() {
    let v: RegisterValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setFailure(undefined);
    try {
      const s = await call(
        api.POST('/api/v1/scenarios', {
          body: {
            catalog_id: v.catalog_id,
            consumer_department_id: v.consumer_department_id,
            name: v.name.trim(),
            items: v.items,
            purpose: v.purpose.trim(),
            legal_basis: v.legal_basis.trim(),
            methods: v.methods,
            region_scope: v.region_scope ?? [],
            max_days: v.max_days,
          } as never,
        }),
      );
      onDone(s);
    } catch (e) {
      if (e instanceof ApiError && Object.keys(e.fields).length > 0) {
        form.setFields(
          Object.entries(e.fields).map(([f, m]) => {
            const path = fieldPath(f);
            return { name: (typeof path[1] === 'number' ? [path[0]] : path) as never, errors: [m] };
          }),
        );
      }
      setFailure((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open
      width={720}
      title={t('sharing.registerTitle')}
      onCancel={onClose}
      okText={t('sharing.register')}
      cancelText={t('catalog.cancel')}
      okButtonProps={{ loading: busy }}
      onOk={() => void send()}
      destroyOnHidden
    >
      {failure && <Alert style={{ marginBottom: 12 }} type="error" showIcon message={failure} />}
      <Form<RegisterValues> form={form} layout="vertical" initialValues={{ items: [], methods: ['api'], region_scope: [], max_days: 365 }}>
        <Form.Item name="catalog_id" label={t('sharing.entry')} rules={[{ required: true, message: t('form.required') }]}>
          <Select
            showSearch={{ filterOption: false, onSearch: setQ }}
            placeholder={t('sharing.entrySearch')}
            options={entries.map((e) => ({ value: e.id, label: `${e.name ?? ''} ${e.resource_code ?? ''}` }))}
          />
        </Form.Item>
        <Form.Item name="consumer_department_id" label={t('sharing.consumer')} rules={[{ required: true, message: t('form.required') }]}>
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('sharing.consumerPick')}
            options={depts.filter((d) => d.id !== entry?.department_id).map((d) => ({ value: d.id, label: d.name ?? '' }))}
          />
        </Form.Item>
        <Form.Item name="name" label={t('sharing.scenarioName')} rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item
          name="items"
          label={t('sharing.scenarioItems')}
          extra={entry ? undefined : t('sharing.pickEntryFirst')}
          rules={[atLeastOne(t('sharing.itemsRequired'))]}
        >
          <Checkbox.Group role="group" aria-label={t('sharing.scenarioItems')}>
            <Space wrap>
              {shared.map((it) => (
                <Checkbox key={it.name} value={it.name}>
                  {it.name}
                  <Typography.Text type="secondary" style={{ marginLeft: 4 }}>
                    （{t('catalog.level', { n: it.sensitivity ?? 1 })}{it.share_type ? ` · ${l.share(it.share_type)}` : ''}）
                  </Typography.Text>
                </Checkbox>
              ))}
            </Space>
          </Checkbox.Group>
        </Form.Item>
        <Form.Item name="purpose" label={t('sharing.purpose')} rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
        <Form.Item name="legal_basis" label={t('sharing.legalBasis')} rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
        <Form.Item name="methods" label={t('sharing.methods')} rules={[atLeastOne(t('form.required'))]}>
          <Checkbox.Group role="group" aria-label={t('sharing.methods')} options={methods.map((m) => ({ value: m, label: t(`sharing.method.${m}` as MessageKey) }))} />
        </Form.Item>
        <Form.Item name="region_scope" label={t('sharing.regionScope')} extra={t('sharing.scenarioScopeHint')}>
          <RegionScopeSelect />
        </Form.Item>
        <Form.Item name="max_days" label={t('sharing.maxDays')} extra={t('sharing.maxDaysHint')} rules={[{ required: true, message: t('form.required') }]}>
          <InputNumber min={1} max={1830} style={{ width: 160 }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** RetireDialog retires a scenario with its reason: it grants no more; grants made stay. */
function RetireDialog({ scenario, onClose, onDone }: { scenario: Scenario | undefined; onClose: () => void; onDone: (s: Scenario) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ reason: string }>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | undefined>();
  async function send() {
    if (!scenario) return;
    let reason: string;
    try {
      ({ reason } = await form.validateFields());
    } catch {
      return;
    }
    setBusy(true);
    setFailure(undefined);
    try {
      const s = await call(
        api.POST('/api/v1/scenarios/{id}/retire', { params: { path: { id: String(scenario.id) } }, body: { reason: reason.trim() } }),
      );
      form.resetFields();
      onDone(s);
    } catch (e) {
      if (!applyFieldErrors(form, e, ['reason'])) setFailure((e as Error).message);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal
      open={!!scenario}
      title={t('sharing.retireTitle', { name: scenario?.name ?? '' })}
      onCancel={onClose}
      okText={t('sharing.retireConfirm')}
      cancelText={t('catalog.cancel')}
      okButtonProps={{ loading: busy, danger: true }}
      onOk={() => void send()}
      destroyOnHidden
    >
      <Typography.Paragraph>{t('sharing.retireNote')}</Typography.Paragraph>
      {failure && <Alert style={{ marginBottom: 12 }} type="error" showIcon message={failure} />}
      <Form form={form} layout="vertical">
        <Form.Item name="reason" label={t('sharing.retireReason')} rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
          <Input.TextArea rows={3} autoFocus maxLength={2000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
