// 我的账号 (OPN-2): 概况 (the account, whether its address is confirmed,
// a new link), API 密钥 (create: the key shown once; revoke), 消息 (what
// the platform told the account: suspensions, decisions).
import { useCallback, useEffect, useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { Alert, Badge, Button, Card, Descriptions, Form, Input, List, Modal, Popconfirm, Space, Table, Tabs, Tag, Typography } from 'antd';
import { call, type paths } from '../../../api/client';
import { publicApi } from '../../../api/publicClient';
import { LoadError } from '../../../components/LoadError';
import { LoadMore, Page } from '../../../components/Page';
import { usePaged } from '../../../components/usePaged';
import { formatDateTime } from '../../../format';
import { useI18n } from '../../../i18n';
import { ResendForm } from './ConfirmPage';
import { usePublicSession } from './publicSession';
import DownloadsList from '../DownloadsPage';

type Key = NonNullable<paths['/api/v1/public/keys']['get']['responses'][200]['content']['application/json']['items']>[number];
type Issued = paths['/api/v1/public/keys']['post']['responses'][201]['content']['application/json'];
type Message = NonNullable<paths['/api/v1/public/messages']['get']['responses'][200]['content']['application/json']['items']>[number];

function Profile() {
  const { t } = useI18n();
  const { state } = usePublicSession();
  if (state.status !== 'signed-in') return null;
  const a = state.account;
  return (
    <Card size="small">
      {!a.confirmed && <Alert type="warning" showIcon message={t('portal.mustConfirm')} description={<ResendForm />} style={{ marginBottom: 16 }} />}
      {a.state === 'suspended' && <Alert type="error" showIcon message={t('portal.suspended', { reason: a.state_reason ?? '' })} style={{ marginBottom: 16 }} />}
      <Descriptions column={1} size="small" bordered>
        <Descriptions.Item label={t('portal.kind')}>{a.kind === 'organization' ? t('portal.kindOrganization') : t('portal.kindPerson')}</Descriptions.Item>
        <Descriptions.Item label={t('portal.personName')}>{a.name}</Descriptions.Item>
        {a.kind === 'organization' && <Descriptions.Item label={t('portal.creditCode')}>{a.credit_code}</Descriptions.Item>}
        <Descriptions.Item label={t('portal.email')}>
          <Space>
            {a.email}
            {a.confirmed ? <Tag className="govdata-tag-ok">{t('portal.confirmedTag')}</Tag> : <Tag className="govdata-tag-warn">{t('portal.unconfirmedTag')}</Tag>}
          </Space>
        </Descriptions.Item>
        <Descriptions.Item label={t('portal.registeredAt')}>{formatDateTime(a.created_at)}</Descriptions.Item>
      </Descriptions>
    </Card>
  );
}

function Keys() {
  const { t } = useI18n();
  const { state } = usePublicSession();
  const [keys, setKeys] = useState<Key[]>([]);
  const [error, setError] = useState<Error | null>(null);
  const [loading, setLoading] = useState(true);
  const [creating, setCreating] = useState(false);
  const [busy, setBusy] = useState(false);
  const [issued, setIssued] = useState<Issued | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [form] = Form.useForm<{ name: string }>();
  const load = useCallback(async () => {
    setLoading(true);
    try {
      setKeys((await call(publicApi.GET('/api/v1/public/keys'))).items ?? []);
      setError(null);
    } catch (e) {
      setError(e as Error);
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  const confirmed = state.status === 'signed-in' && state.account.confirmed;

  async function create(v: { name: string }) {
    setBusy(true);
    setProblem(null);
    try {
      setIssued(await call(publicApi.POST('/api/v1/public/keys', { body: { name: v.name } })));
      setCreating(false);
      form.resetFields();
      void load();
    } catch (e) {
      setProblem((e as Error).message);
    } finally {
      setBusy(false);
    }
  }
  async function revoke(k: Key) {
    setProblem(null);
    try {
      await call(publicApi.DELETE('/api/v1/public/keys/{id}', { params: { path: { id: String(k.id) } } }));
      void load();
    } catch (e) {
      setProblem((e as Error).message);
    }
  }
  return (
    <Card
      size="small"
      title={t('portal.keys')}
      extra={
        <Button type="primary" disabled={!confirmed} onClick={() => setCreating(true)}>
          {t('portal.keyNew')}
        </Button>
      }
    >
      {!confirmed && <Alert type="info" showIcon message={t('portal.mustConfirm')} style={{ marginBottom: 12 }} />}
      {error && <LoadError error={error} onRetry={() => void load()} />}
      {problem && <Alert type="error" showIcon role="alert" message={problem} style={{ marginBottom: 12 }} />}
      {issued && (
        <Alert
          type="warning"
          showIcon
          closable
          onClose={() => setIssued(null)}
          style={{ marginBottom: 12 }}
          message={t('portal.keyShownOnce')}
          description={
            <Typography.Text className="govdata-mono" copyable={{ text: issued.key }} aria-label={t('portal.keySecret')}>
              {issued.key}
            </Typography.Text>
          }
        />
      )}
      <Table<Key>
        aria-label={t('portal.keys')}
        rowKey={(k) => String(k.id)}
        dataSource={keys}
        loading={loading}
        pagination={false}
        size="small"
        locale={{ emptyText: <Typography.Text type="secondary">{t('portal.keysEmpty')}</Typography.Text> }}
        columns={[
          { title: t('portal.keyName'), key: 'name', dataIndex: 'name' },
          { title: t('portal.keyPrefix'), key: 'prefix', render: (_, k) => <span className="govdata-mono">{k.prefix}…</span> },
          { title: t('portal.keyCreated'), key: 'created', render: (_, k) => formatDateTime(k.created_at) },
          { title: t('portal.keyUsed'), key: 'used', render: (_, k) => (k.last_used_at ? formatDateTime(k.last_used_at) : '—') },
          {
            title: t('admin.state'),
            key: 'state',
            render: (_, k) => (k.revoked_at ? <Tag>{t('portal.keyRevoked')}</Tag> : <Tag className="govdata-tag-ok">{t('portal.keyActive')}</Tag>),
          },
          {
            title: t('admin.actions'),
            key: 'actions',
            render: (_, k) =>
              k.revoked_at ? null : (
                <Popconfirm title={t('portal.keyRevokeConfirm', { name: k.name ?? '' })} okText={t('portal.keyRevoke')} cancelText={t('portal.cancel')} onConfirm={() => revoke(k)}>
                  <Button size="small" danger>
                    {t('portal.keyRevoke')}
                  </Button>
                </Popconfirm>
              ),
          },
        ]}
      />
      <Modal open={creating} title={t('portal.keyNew')} onCancel={() => setCreating(false)} okText={t('portal.keyCreate')} cancelText={t('portal.cancel')} confirmLoading={busy} onOk={() => form.submit()} destroyOnHidden>
        <Form form={form} layout="vertical" onFinish={(v) => void create(v)}>
          <Form.Item name="name" label={t('portal.keyName')} extra={t('portal.keyNameHelp')} rules={[{ required: true, message: t('form.required') }]}>
            <Input maxLength={100} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

function Messages() {
  const { t, lang } = useI18n();
  const [unread, setUnread] = useState(0);
  const msgs = usePaged<Message>(
    useCallback(async (cursor?: string) => {
      const l = await call(publicApi.GET('/api/v1/public/messages', { params: { query: { limit: '20', ...(cursor ? { cursor } : {}) } } }));
      setUnread(l.unread ?? 0);
      return l;
    }, []),
  );
  async function readAll() {
    await call(publicApi.POST('/api/v1/public/messages/read'));
    void msgs.load();
  }
  const text = (v?: { zh?: string; en?: string }) => (lang === 'en' ? v?.en : v?.zh) ?? '';
  return (
    <Card
      size="small"
      title={
        <Space>
          {t('portal.messages')}
          <Badge count={unread} aria-label={t('portal.unread', { n: unread })} />
        </Space>
      }
      extra={
        <Button size="small" disabled={unread === 0} onClick={() => void readAll()}>
          {t('portal.readAll')}
        </Button>
      }
    >
      {msgs.error && <LoadError error={msgs.error} onRetry={() => void msgs.load()} />}
      <List<Message>
        aria-label={t('portal.messages')}
        loading={msgs.loading}
        dataSource={msgs.items}
        locale={{ emptyText: t('portal.messagesEmpty') }}
        renderItem={(m) => (
          <List.Item>
            <List.Item.Meta
              title={
                <Space>
                  {!m.read_at && <Tag className="govdata-tag-warn">{t('portal.new')}</Tag>}
                  <span>{text(m.subject)}</span>
                </Space>
              }
              description={
                <>
                  <Typography.Paragraph style={{ marginBottom: 4 }}>{text(m.body)}</Typography.Paragraph>
                  <Typography.Text type="secondary">{formatDateTime(m.created_at)}</Typography.Text>
                </>
              }
            />
          </List.Item>
        )}
      />
      <LoadMore more={msgs.cursor} loading={msgs.loading} onMore={() => void msgs.load(msgs.cursor)} />
    </Card>
  );
}

const tabs = [
  { key: '/portal/account', label: 'portal.profile' },
  { key: '/portal/account/keys', label: 'portal.keys' },
  { key: '/portal/account/messages', label: 'portal.messages' },
  { key: '/portal/account/downloads', label: 'portal.account.downloads' },
] as const;

export default function AccountPage() {
  const { t } = useI18n();
  const { state, reload } = usePublicSession();
  const location = useLocation();
  const navigate = useNavigate();
  if (state.status === 'loading') return null;
  if (state.status === 'error') return <LoadError error={state.error} onRetry={() => void reload()} />;
  if (state.status === 'signed-out') return <Navigate to="/portal/signin" replace />;
  const active = tabs.find((x) => x.key === location.pathname)?.key ?? '/portal/account';
  return (
    <Page title={t('portal.account')}>
      <Tabs
        activeKey={active}
        onChange={(k) => navigate(k)}
        items={tabs.map((x) => ({
          key: x.key,
          label: t(x.label),
          children:
            x.key === '/portal/account' ? (
              <Profile />
            ) : x.key === '/portal/account/keys' ? (
              <Keys />
            ) : x.key === '/portal/account/downloads' ? (
              <DownloadsList />
            ) : (
              <Messages />
            ),
        }))}
      />
    </Page>
  );
}
