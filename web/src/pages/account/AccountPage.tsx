// 个人账号: every signed-in user's own account — who the platform knows it
// as (name, username, department, roles), the e-mail address notices are
// mailed to (CAL-3), its password (ORG-3: the policy is the server's, its
// message shown under the field) and the sessions it has open (ORG-4: end
// one left open elsewhere; ending is audited).
import { useCallback, useEffect, useState } from 'react';
import { Alert, App as AntApp, Button, Card, Descriptions, Form, Input, Modal, Space, Table, Tag, Typography } from 'antd';
import { api, call, ApiError, type paths } from '../../api/client';
import { Page } from '../../components/Page';
import { LoadError } from '../../components/LoadError';
import { formatDateTime } from '../../format';
import { useI18n, type MessageKey } from '../../i18n';
import { useSession } from '../../session';

type SessionList = paths['/api/v1/auth/sessions']['get']['responses'][200]['content']['application/json'];
type SessionInfo = NonNullable<SessionList['items']>[number];

export default function AccountPage() {
  const { t } = useI18n();
  const { me } = useSession();
  const user = me?.user;
  const roles = (user?.roles ?? []).map((r) => t(`role.${r}` as MessageKey)).join('、');
  return (
    <Page>
      <Card size="small" title={t('account.profile')} style={{ marginBottom: 16 }}>
        <Descriptions column={2} size="small" bordered styles={{ label: { width: 120 } }}>
          <Descriptions.Item label={t('account.name')}>{user?.name}</Descriptions.Item>
          <Descriptions.Item label={t('account.username')}>
            <span className="govdata-mono">{user?.username}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('account.department')}>{me?.department?.name ?? t('header.platform')}</Descriptions.Item>
          <Descriptions.Item label={t('account.roles')}>{roles || t('role.none')}</Descriptions.Item>
        </Descriptions>
      </Card>
      <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(420px, 1fr))', gap: 16, marginBottom: 16 }}>
        <EmailCard />
        <PasswordCard />
      </div>
      <SessionsCard />
    </Page>
  );
}

function EmailCard() {
  const { t } = useI18n();
  const { me, reload } = useSession();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<{ email: string }>();
  const [busy, setBusy] = useState(false);
  const save = async ({ email }: { email: string }) => {
    setBusy(true);
    try {
      await call(api.PATCH('/api/v1/auth/me', { body: { email: (email ?? '').trim() } }));
      await reload();
      message.success(t('account.emailSaved'));
    } catch (e) {
      const text = e instanceof ApiError ? e.fields.email || e.message : (e as Error).message;
      form.setFields([{ name: 'email', errors: [text] }]);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card size="small" title={t('account.email')}>
      <Typography.Paragraph type="secondary">{t('account.emailHint')}</Typography.Paragraph>
      <Form form={form} layout="vertical" initialValues={{ email: me?.user?.email ?? '' }} onFinish={(v) => void save(v)}>
        <Form.Item name="email" label={t('account.emailLabel')}>
          <Input type="email" autoComplete="email" maxLength={254} />
        </Form.Item>
        <Button htmlType="submit" loading={busy}>
          {t('account.emailSave')}
        </Button>
      </Form>
    </Card>
  );
}

interface PasswordForm {
  old_password: string;
  new_password: string;
  confirm: string;
}

function PasswordCard() {
  const { t } = useI18n();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<PasswordForm>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const change = async (v: PasswordForm) => {
    setBusy(true);
    setError('');
    try {
      await call(api.POST('/api/v1/auth/password', { body: { old_password: v.old_password, new_password: v.new_password } }));
      form.resetFields();
      message.success(t('account.passwordChanged'));
      // The server ended the user's other sessions.
      window.dispatchEvent(new Event('govdata:sessions'));
    } catch (e) {
      if (e instanceof ApiError && Object.keys(e.fields).length) {
        form.setFields(
          Object.entries(e.fields)
            .filter(([f]) => f === 'old_password' || f === 'new_password')
            .map(([name, text]) => ({ name: name as keyof PasswordForm, errors: [text] })),
        );
      } else {
        setError((e as Error).message);
      }
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card size="small" title={t('account.password')}>
      <Typography.Paragraph type="secondary">{t('account.passwordHint')}</Typography.Paragraph>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Form<PasswordForm> form={form} layout="vertical" onFinish={(v) => void change(v)}>
        <Form.Item name="old_password" label={t('account.oldPassword')} rules={[{ required: true, message: t('form.required') }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item name="new_password" label={t('account.newPassword')} rules={[{ required: true, message: t('form.required') }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="confirm"
          label={t('account.confirmPassword')}
          dependencies={['new_password']}
          rules={[
            { required: true, message: t('form.required') },
            ({ getFieldValue }) => ({
              validator: (_, v) =>
                !v || v === getFieldValue('new_password') ? Promise.resolve() : Promise.reject(new Error(t('account.passwordMismatch'))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy}>
          {t('account.passwordChange')}
        </Button>
      </Form>
    </Card>
  );
}

function SessionsCard() {
  const { t } = useI18n();
  const { message } = AntApp.useApp();
  const [items, setItems] = useState<SessionInfo[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Error | null>(null);
  const [ending, setEnding] = useState<SessionInfo | undefined>();
  const [busy, setBusy] = useState(false);
  const [endError, setEndError] = useState('');

  const load = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      const l = await call(api.GET('/api/v1/auth/sessions'));
      setItems((l.items ?? []).filter((x): x is SessionInfo => !!x));
    } catch (e) {
      setError(e as Error);
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => {
    void load();
    const again = () => void load();
    window.addEventListener('govdata:sessions', again);
    return () => window.removeEventListener('govdata:sessions', again);
  }, [load]);

  const end = async () => {
    if (!ending) return;
    setBusy(true);
    setEndError('');
    try {
      await call(api.DELETE('/api/v1/auth/sessions/{id}', { params: { path: { id: String(ending.id) } } }));
      setEnding(undefined);
      message.success(t('account.sessionEnded'));
      void load();
    } catch (e) {
      setEndError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card
      size="small"
      title={t('account.sessions')}
      extra={
        <Button size="small" onClick={() => void load()} loading={loading}>
          {t('action.refresh')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{t('account.sessionsHint')}</Typography.Paragraph>
      {error && (
        <div style={{ marginBottom: 12 }}>
          <LoadError error={error} onRetry={() => void load()} />
        </div>
      )}
      <Table<SessionInfo>
        aria-label={t('account.sessions')}
        rowKey="id"
        dataSource={items}
        loading={loading}
        pagination={false}
        size="small"
        columns={[
          { title: t('account.sessionCreated'), key: 'created', render: (_, s) => formatDateTime(s.created_at) },
          { title: t('account.sessionExpires'), key: 'expires', render: (_, s) => formatDateTime(s.expires_at) },
          {
            title: t('account.sessionAddr'),
            key: 'addr',
            render: (_, s) => <span className="govdata-mono">{s.client_addr || '—'}</span>,
          },
          {
            title: t('account.sessionState'),
            key: 'state',
            render: (_, s) => (s.current ? <Tag color="blue">{t('account.sessionCurrent')}</Tag> : null),
          },
          {
            title: t('account.sessionActions'),
            key: 'actions',
            width: 140,
            render: (_, s) =>
              s.current ? (
                <Typography.Text type="secondary">{t('account.sessionThis')}</Typography.Text>
              ) : (
                <Button
                  size="small"
                  danger
                  onClick={() => {
                    setEndError('');
                    setEnding(s);
                  }}
                  aria-label={t('account.sessionEndLabel', { at: formatDateTime(s.created_at), addr: s.client_addr || '—' })}
                >
                  {t('account.sessionEnd')}
                </Button>
              ),
          },
        ]}
      />
      <Modal
        open={!!ending}
        title={t('account.sessionEndTitle')}
        onCancel={() => setEnding(undefined)}
        okText={t('account.sessionEndConfirm')}
        cancelText={t('account.cancel')}
        okButtonProps={{ danger: true, loading: busy }}
        onOk={() => void end()}
        destroyOnHidden
      >
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Typography.Paragraph style={{ margin: 0 }}>
            {ending && t('account.sessionEndNote', { at: formatDateTime(ending.created_at), addr: ending.client_addr || '—' })}
          </Typography.Paragraph>
          {endError && <Alert type="error" showIcon message={endError} />}
        </Space>
      </Modal>
    </Card>
  );
}
