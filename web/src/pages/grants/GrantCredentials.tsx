// The system credentials that call with a grant (SHR-3, ORG-5): the
// consumer's officer binds one of the department's credentials or issues
// a new one — its secret shown once, here, and never again — unbinds one,
// and copies a ready-to-run signed request for it (docs/api.md's curl +
// openssl script, which reads the secret from $SECRET: the page never
// keeps it).
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Alert, Button, Card, Form, Input, Modal, Radio, Select, Space, Table, Tag, Typography, message } from 'antd';
import { api, call, ApiError } from '../../api/client';
import { LoadError } from '../../components/LoadError';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import { formatDateTime } from '../../format';
import { SecretOnce, signedExample, type Credential, type Grant, type GrantCredential } from './common';

export function GrantCredentials({ grant }: { grant: Grant }) {
  const { t } = useI18n();
  const { can } = useSession();
  const id = String(grant.id ?? '');
  const [items, setItems] = useState<GrantCredential[] | undefined>();
  const [error, setError] = useState<Error | null>(null);
  const [binding, setBinding] = useState(false);
  const [unbinding, setUnbinding] = useState<GrantCredential | undefined>();
  const [issued, setIssued] = useState<{ appKey?: string; secret: string } | undefined>();
  const [exampleFor, setExampleFor] = useState<number | undefined>();
  const [msg, holder] = message.useMessage();
  const allowed = grant.allowed;

  const load = useCallback(async () => {
    setError(null);
    try {
      const l = await call(api.GET('/api/v1/grants/{id}/credentials', { params: { path: { id } } }));
      setItems((l.items ?? []).filter((x): x is GrantCredential => !!x));
    } catch (e) {
      setError(e as Error);
    }
  }, [id]);
  useEffect(() => {
    void load();
  }, [load]);

  const usable = useMemo(() => (items ?? []).filter((c) => !c.credential?.revoked_at), [items]);
  const shown = usable.find((c) => c.credential?.id === exampleFor) ?? usable[0];
  // The consumer's officer calls with these credentials: the example is
  // for it (the server lets it bind and unbind them).
  const showExample = !!allowed?.unbind_credential && !!shown;
  const script = shown ? signedExample({ appKey: shown.credential?.app_key ?? '', origin: window.location.origin, grant }) : '';

  return (
    <Card
      size="small"
      title={<Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>{t('grants.credentials')}</Typography.Title>}
      extra={
        allowed?.bind_credential && (
          <Button type="primary" onClick={() => setBinding(true)}>
            {t('grants.bind')}
          </Button>
        )
      }
      style={{ marginBottom: 16 }}
    >
      {holder}
      {issued && <SecretOnce appKey={issued.appKey} secret={issued.secret} onClose={() => setIssued(undefined)} />}
      {error && <LoadError error={error} onRetry={() => void load()} />}
      <Table<GrantCredential>
        size="small"
        aria-label={t('grants.credentials')}
        rowKey={(c) => String(c.credential?.id)}
        dataSource={items}
        loading={!items && !error}
        pagination={false}
        scroll={{ x: 820 }}
        locale={{
          emptyText: (
            <Typography.Text type="secondary">{allowed?.bind_credential ? t('grants.noCredentialsBind') : t('grants.noCredentials')}</Typography.Text>
          ),
        }}
        columns={[
          { title: t('credentials.name'), key: 'name', render: (_, c) => c.credential?.name },
          {
            title: t('credentials.appKey'),
            key: 'key',
            width: 220,
            render: (_, c) => (
              <Typography.Text className="govdata-mono" copyable={{ text: c.credential?.app_key ?? '' }}>
                {c.credential?.app_key}
              </Typography.Text>
            ),
          },
          {
            title: t('grants.boundAt'),
            key: 'bound',
            width: 200,
            render: (_, c) => (
              <span>
                <span className="govdata-mono">{formatDateTime(c.bound_at)}</span> {c.bound_by}
              </span>
            ),
          },
          {
            title: t('credentials.lastUsed'),
            key: 'used',
            width: 150,
            render: (_, c) =>
              c.credential?.revoked_at ? (
                <Tag className="govdata-tag govdata-tag-bad">{t('credentials.revoked')}</Tag>
              ) : c.credential?.last_used_at ? (
                <span className="govdata-mono">{formatDateTime(c.credential.last_used_at)}</span>
              ) : (
                <Typography.Text type="secondary">{t('credentials.neverUsed')}</Typography.Text>
              ),
          },
          ...(allowed?.unbind_credential
            ? [
                {
                  title: t('grants.actions'),
                  key: 'actions',
                  width: 110,
                  render: (_: unknown, c: GrantCredential) => (
                    <Button size="small" danger onClick={() => setUnbinding(c)}>
                      {t('grants.unbind')}
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
      {showExample && (
        <div style={{ marginTop: 16 }} data-testid="signed-example">
          <Space wrap style={{ marginBottom: 8 }}>
            <Typography.Text strong>{t('grants.example')}</Typography.Text>
            {usable.length > 1 && (
              <Select
                aria-label={t('grants.exampleFor')}
                size="small"
                style={{ width: 260 }}
                value={shown?.credential?.id}
                onChange={setExampleFor}
                options={usable.map((c) => ({ value: c.credential?.id, label: `${c.credential?.name}（${c.credential?.app_key}）` }))}
              />
            )}
            <Typography.Text copyable={{ text: script, tooltips: [t('grants.copyExample'), t('grants.copied')] }} aria-label={t('grants.copyExample')}>
              {t('grants.copyExample')}
            </Typography.Text>
          </Space>
          <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
            {t('grants.exampleHint', { key: shown?.credential?.app_key ?? '' })}
          </Typography.Paragraph>
          <pre className="govdata-script" tabIndex={0} aria-label={t('grants.example')}>
            {script}
          </pre>
        </div>
      )}
      <BindDialog
        open={binding}
        grant={grant}
        bound={new Set((items ?? []).map((c) => c.credential?.id ?? 0))}
        listOwn={can('credential.read')}
        onClose={() => setBinding(false)}
        onBound={(gc) => {
          setBinding(false);
          if (gc.secret) setIssued({ appKey: gc.credential?.app_key, secret: gc.secret });
          setExampleFor(gc.credential?.id);
          void msg.success(gc.secret ? t('grants.issued') : t('grants.bound'));
          void load();
        }}
      />
      <Modal
        open={!!unbinding}
        title={t('grants.unbindTitle')}
        onCancel={() => setUnbinding(undefined)}
        okText={t('grants.unbind')}
        cancelText={t('grants.cancel')}
        okButtonProps={{ danger: true }}
        onOk={async () => {
          try {
            await call(
              api.DELETE('/api/v1/grants/{id}/credentials/{credential_id}', {
                params: { path: { id, credential_id: String(unbinding?.credential?.id) } },
              }),
            );
            setUnbinding(undefined);
            void msg.success(t('grants.unbound'));
            void load();
          } catch (e) {
            void msg.error((e as Error).message);
          }
        }}
        destroyOnHidden
      >
        <Typography.Paragraph>
          {t('grants.unbindNote', { name: unbinding?.credential?.name ?? '', key: unbinding?.credential?.app_key ?? '' })}
        </Typography.Paragraph>
      </Modal>
    </Card>
  );
}

/** BindDialog binds an existing credential of the consumer or issues a new one. */
function BindDialog({
  open,
  grant,
  bound,
  listOwn,
  onClose,
  onBound,
}: {
  open: boolean;
  grant: Grant;
  bound: Set<number>;
  listOwn: boolean;
  onClose: () => void;
  onBound: (gc: GrantCredential) => void;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ how: 'new' | 'existing'; name?: string; credential_id?: number }>();
  const how = Form.useWatch('how', form) ?? 'new';
  const [own, setOwn] = useState<Credential[]>([]);
  const [busy, setBusy] = useState(false);
  const [refused, setRefused] = useState<string | undefined>();

  useEffect(() => {
    if (!open || !listOwn) return;
    void call(
      api.GET('/api/v1/credentials', { params: { query: { department_id: String(grant.consumer_department_id), limit: '200' } } }),
    )
      .then((l) => setOwn((l.items ?? []).filter((c): c is Credential => !!c && !c.revoked_at)))
      .catch(() => setOwn([]));
  }, [open, listOwn, grant.consumer_department_id]);
  const choices = own.filter((c) => !bound.has(c.id ?? 0));

  async function send() {
    setRefused(undefined);
    let v: { how: 'new' | 'existing'; name?: string; credential_id?: number };
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    try {
      const body = v.how === 'new' ? { name: (v.name ?? '').trim() } : { credential_id: v.credential_id };
      const gc = await call(api.POST('/api/v1/grants/{id}/credentials', { params: { path: { id: String(grant.id) } }, body }));
      form.resetFields();
      onBound(gc);
    } catch (e) {
      if (e instanceof ApiError && (e.fields.name || e.fields.credential_id)) {
        form.setFields([
          ...(e.fields.name ? [{ name: 'name' as const, errors: [e.fields.name] }] : []),
          ...(e.fields.credential_id ? [{ name: v.how === 'new' ? ('name' as const) : ('credential_id' as const), errors: [e.fields.credential_id] }] : []),
        ]);
      } else setRefused((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open={open}
      title={t('grants.bindTitle')}
      onCancel={onClose}
      okText={how === 'new' ? t('grants.issue') : t('grants.bind')}
      cancelText={t('grants.cancel')}
      okButtonProps={{ loading: busy }}
      onOk={() => void send()}
      destroyOnHidden
    >
      {refused && <Alert style={{ marginBottom: 12 }} type="error" showIcon message={refused} />}
      <Form form={form} layout="vertical" initialValues={{ how: 'new' }} onFinish={() => void send()}>
        <Form.Item name="how" label={t('grants.bindHow')}>
          <Radio.Group
            options={[
              { value: 'new', label: t('grants.bindNew') },
              { value: 'existing', label: t('grants.bindExisting'), disabled: choices.length === 0 },
            ]}
          />
        </Form.Item>
        {how === 'new' ? (
          <Form.Item
            name="name"
            label={t('grants.newName')}
            extra={t('grants.newNameHint')}
            rules={[{ required: true, whitespace: true, message: t('form.required') }]}
          >
            <Input maxLength={100} autoFocus />
          </Form.Item>
        ) : (
          <Form.Item name="credential_id" label={t('grants.existing')} rules={[{ required: true, message: t('form.required') }]}>
            <Select options={choices.map((c) => ({ value: c.id, label: `${c.name}（${c.app_key}）` }))} />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
