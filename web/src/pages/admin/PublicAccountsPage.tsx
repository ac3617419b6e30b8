// 社会用户 (OPN-2, HLJ-43): the portal's accounts, found by e-mail or
// name; the sysadmin confirms an address by hand when mail cannot reach
// it; the bureau's reviewer (or the secadmin) suspends an account for
// misuse and resumes it, each with a reason the user is told.
import { useCallback, useState } from 'react';
import { Alert, Button, Card, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { api, call, type paths } from '../../api/client';
import { LoadError } from '../../components/LoadError';
import { LoadMore, Page } from '../../components/Page';
import { usePaged } from '../../components/usePaged';
import { formatDateTime } from '../../format';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import './admin.css';

type Account = NonNullable<paths['/api/v1/public-accounts']['get']['responses'][200]['content']['application/json']['items']>[number];
type StateFilter = 'all' | 'active' | 'suspended';

export default function PublicAccountsPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const [q, setQ] = useState('');
  const [state, setState] = useState<StateFilter>('all');
  const [problem, setProblem] = useState<string | null>(null);
  const [acting, setActing] = useState<{ account: Account; resume: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ reason: string }>();
  const list = usePaged<Account>(
    useCallback(
      (cursor?: string) =>
        call(
          api.GET('/api/v1/public-accounts', {
            params: { query: { limit: '50', ...(q ? { q } : {}), ...(state !== 'all' ? { state } : {}), ...(cursor ? { cursor } : {}) } },
          }),
        ),
      [q, state],
    ),
  );

  async function confirm(a: Account) {
    setProblem(null);
    try {
      await call(api.POST('/api/v1/public-accounts/{id}/confirm', { params: { path: { id: String(a.id) } } }));
      void list.load();
    } catch (e) {
      setProblem((e as Error).message);
    }
  }
  async function decide(v: { reason: string }) {
    if (!acting) return;
    setBusy(true);
    setProblem(null);
    try {
      const path = acting.resume ? '/api/v1/public-accounts/{id}/resume' : '/api/v1/public-accounts/{id}/suspend';
      await call(api.POST(path, { params: { path: { id: String(acting.account.id) } }, body: { reason: v.reason } }));
      setActing(null);
      form.resetFields();
      void list.load();
    } catch (e) {
      setProblem((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Page>
      <Card
        size="small"
        extra={
          <Space>
            <Input.Search aria-label={t('publicAccounts.search')} placeholder={t('publicAccounts.search')} allowClear onSearch={(v) => setQ(v.trim())} style={{ width: 260 }} />
            <Select<StateFilter>
              aria-label={t('admin.state')}
              value={state}
              onChange={setState}
              style={{ width: 130 }}
              options={[
                { value: 'all', label: t('publicAccounts.all') },
                { value: 'active', label: t('publicAccounts.active') },
                { value: 'suspended', label: t('publicAccounts.suspended') },
              ]}
            />
          </Space>
        }
      >
        {list.error && <LoadError error={list.error} onRetry={() => void list.load()} />}
        {problem && !acting && <Alert type="error" showIcon role="alert" message={problem} style={{ marginBottom: 8 }} />}
        <Table<Account>
          aria-label={t('page.publicAccounts')}
          rowKey={(a) => String(a.id)}
          dataSource={list.items}
          loading={list.loading}
          pagination={false}
          size="small"
          scroll={{ x: 1240 }}
          locale={{ emptyText: <Typography.Text type="secondary">{t('publicAccounts.empty')}</Typography.Text> }}
          columns={[
            { title: t('publicAccounts.email'), key: 'email', width: 240, render: (_, a) => <span className="govdata-mono">{a.email}</span> },
            { title: t('publicAccounts.name'), key: 'name', width: 220, dataIndex: 'name' },
            { title: t('publicAccounts.kind'), key: 'kind', width: 130, render: (_, a) => (a.kind === 'organization' ? t('portal.kindOrganization') : t('portal.kindPerson')) },
            {
              title: t('publicAccounts.confirmed'),
              key: 'confirmed',
              width: 170,
              render: (_, a) =>
                a.confirmed ? (
                  <Space direction="vertical" size={0}>
                    <Tag className="govdata-tag-ok">{t('portal.confirmedTag')}</Tag>
                    {a.confirmed_by && <Typography.Text type="secondary">{t('publicAccounts.confirmedBy', { by: a.confirmed_by })}</Typography.Text>}
                  </Space>
                ) : (
                  <Tag className="govdata-tag-warn">{t('portal.unconfirmedTag')}</Tag>
                ),
            },
            {
              title: t('admin.state'),
              key: 'state',
              width: 160,
              render: (_, a) =>
                a.state === 'suspended' ? (
                  <Space direction="vertical" size={0}>
                    <Tag className="govdata-tag-bad">{t('publicAccounts.suspended')}</Tag>
                    <Typography.Text type="secondary">{a.state_reason}</Typography.Text>
                  </Space>
                ) : (
                  <Tag className="govdata-tag-ok">{t('publicAccounts.active')}</Tag>
                ),
            },
            { title: t('publicAccounts.createdAt'), key: 'created', width: 140, render: (_, a) => formatDateTime(a.created_at) },
            {
              title: t('admin.actions'),
              key: 'actions',
              width: 200,
              render: (_, a) => (
                <Space>
                  {!a.confirmed && can('public.confirm') && (
                    <Popconfirm title={t('publicAccounts.confirmAsk', { email: a.email ?? '' })} okText={t('publicAccounts.confirm')} cancelText={t('portal.cancel')} onConfirm={() => confirm(a)}>
                      <Button size="small">{t('publicAccounts.confirm')}</Button>
                    </Popconfirm>
                  )}
                  {can('public.manage') &&
                    (a.state === 'suspended' ? (
                      <Button size="small" onClick={() => setActing({ account: a, resume: true })}>
                        {t('publicAccounts.resume')}
                      </Button>
                    ) : (
                      <Button size="small" danger onClick={() => setActing({ account: a, resume: false })}>
                        {t('publicAccounts.suspend')}
                      </Button>
                    ))}
                </Space>
              ),
            },
          ]}
        />
        <LoadMore more={list.cursor} loading={list.loading} onMore={() => void list.load(list.cursor)} />
      </Card>
      <Modal
        open={!!acting}
        title={acting ? t(acting.resume ? 'publicAccounts.resumeTitle' : 'publicAccounts.suspendTitle', { name: acting.account.name ?? '' }) : ''}
        okText={acting?.resume ? t('publicAccounts.resume') : t('publicAccounts.suspend')}
        okButtonProps={{ danger: !acting?.resume }}
        cancelText={t('portal.cancel')}
        confirmLoading={busy}
        onCancel={() => {
          setActing(null);
          setProblem(null);
        }}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        {problem && <Alert type="error" showIcon role="alert" message={problem} style={{ marginBottom: 8 }} />}
        <Form form={form} layout="vertical" onFinish={(v) => void decide(v)}>
          <Form.Item name="reason" label={t('publicAccounts.reason')} extra={t('publicAccounts.reasonHelp')} rules={[{ required: true, message: t('form.required') }]}>
            <Input.TextArea rows={3} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </Page>
  );
}
