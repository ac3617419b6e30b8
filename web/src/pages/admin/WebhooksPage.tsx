// 消息推送: the webhooks that receive notifications as signed POSTs, and
// the delivery log of every notice mailed or posted, newest first; a
// delivery that failed after its last attempt can be sent again.
import { useCallback, useState } from 'react';
import { Alert, Button, Card, Form, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { api, call, type paths } from '../../api/client';
import { Page, LoadMore } from '../../components/Page';
import { LoadError } from '../../components/LoadError';
import { usePaged } from '../../components/usePaged';
import './admin.css';
import { useI18n, type MessageKey } from '../../i18n';
import { formatDateTime } from '../../format';
import { applyFieldErrors } from '../../components/fieldErrors';

type Webhook = NonNullable<NonNullable<paths['/api/v1/webhooks']['get']['responses'][200]['content']['application/json']['items']>[number]>;
type Issued = paths['/api/v1/webhooks']['post']['responses'][201]['content']['application/json'];
type Delivery = NonNullable<NonNullable<paths['/api/v1/deliveries']['get']['responses'][200]['content']['application/json']['items']>[number]>;
type State = 'pending' | 'sent' | 'failed';

const stateClass: Record<string, string> = { pending: 'govdata-tag-warn', sent: 'govdata-tag-ok', failed: 'govdata-tag-bad' };

export default function WebhooksPage() {
  const { t } = useI18n();
  const [creating, setCreating] = useState(false);
  const [issued, setIssued] = useState<Issued | undefined>();
  const [toggleError, setToggleError] = useState<Error | null>(null);
  const hooks = usePaged<Webhook>(useCallback((cursor?: string) => call(api.GET('/api/v1/webhooks', { params: { query: { limit: '50', ...(cursor ? { cursor } : {}) } } })), []));
  const [state, setState] = useState<State | undefined>();
  const deliveries = usePaged<Delivery>(
    useCallback(
      (cursor?: string) =>
        call(api.GET('/api/v1/deliveries', { params: { query: { limit: '20', ...(state ? { state } : {}), ...(cursor ? { cursor } : {}) } } })),
      [state],
    ),
  );
  const [retrying, setRetrying] = useState<number | undefined>();
  const [retryError, setRetryError] = useState<Error | null>(null);

  async function toggle(w: Webhook) {
    setToggleError(null);
    try {
      await call(api.PATCH('/api/v1/webhooks/{id}', { params: { path: { id: String(w.id) } }, body: { active: !w.active } }));
      void hooks.load();
    } catch (e) {
      setToggleError(e as Error);
    }
  }
  async function retry(d: Delivery) {
    setRetrying(d.id);
    setRetryError(null);
    try {
      await call(api.POST('/api/v1/deliveries/{id}/retry', { params: { path: { id: String(d.id) } } }));
      void deliveries.load();
    } catch (e) {
      setRetryError(e as Error);
    } finally {
      setRetrying(undefined);
    }
  }

  return (
    <Page
      extra={
        <Button type="primary" onClick={() => setCreating(true)}>
          {t('admin.hookNew')}
        </Button>
      }
    >
      <Card title={t('admin.hooksTitle')} size="small">
        {hooks.error && <LoadError error={hooks.error} onRetry={() => void hooks.load()} />}
        {toggleError && <Alert type="error" showIcon message={toggleError.message} style={{ marginBottom: 8 }} />}
        <Table<Webhook>
          aria-label={t('admin.hooksTitle')}
          rowKey={(w) => String(w.id)}
          dataSource={hooks.items}
          loading={hooks.loading}
          pagination={false}
          size="small"
          locale={{ emptyText: <Typography.Text type="secondary">{t('admin.hooksEmpty')}</Typography.Text> }}
          columns={[
            { title: t('admin.hookName'), key: 'name', dataIndex: 'name', width: 180 },
            { title: t('admin.hookURL'), key: 'url', render: (_, w) => <Typography.Text className="govdata-mono" copyable>{w.url}</Typography.Text> },
            {
              title: t('admin.hookKinds'),
              key: 'kinds',
              width: 200,
              render: (_, w) => ((w.kinds ?? []).length ? (w.kinds ?? []).map((k) => <Tag key={k}>{k}</Tag>) : t('admin.hookAllKinds')),
            },
            {
              title: t('admin.state'),
              key: 'active',
              width: 90,
              render: (_, w) => (w.active ? <Tag className="govdata-tag-ok">{t('admin.hookActive')}</Tag> : <Tag>{t('admin.hookStopped')}</Tag>),
            },
            {
              title: t('admin.actions'),
              key: 'actions',
              width: 110,
              render: (_, w) => (
                <Button size="small" onClick={() => void toggle(w)}>
                  {w.active ? t('admin.hookStop') : t('admin.hookStart')}
                </Button>
              ),
            },
          ]}
        />
        <LoadMore more={hooks.cursor} loading={hooks.loading} onMore={() => void hooks.load(hooks.cursor)} />
      </Card>

      <Card
        title={t('admin.deliveriesTitle')}
        size="small"
        style={{ marginTop: 16 }}
        extra={
          <Space>
            <Select<State | 'all'>
              aria-label={t('admin.deliveryState')}
              style={{ width: 140 }}
              value={state ?? 'all'}
              onChange={(v) => setState(v === 'all' ? undefined : v)}
              options={[
                { value: 'all', label: t('admin.deliveryAll') },
                ...(['pending', 'sent', 'failed'] as State[]).map((s) => ({ value: s, label: t(`admin.delivery.${s}` as MessageKey) })),
              ]}
            />
            <Button onClick={() => void deliveries.load()} loading={deliveries.loading}>
              {t('action.refresh')}
            </Button>
          </Space>
        }
      >
        {deliveries.error && <LoadError error={deliveries.error} onRetry={() => void deliveries.load()} />}
        {retryError && <Alert type="error" showIcon message={retryError.message} style={{ marginBottom: 8 }} role="alert" />}
        <Table<Delivery>
          aria-label={t('admin.deliveriesTitle')}
          rowKey={(d) => String(d.id)}
          dataSource={deliveries.items}
          loading={deliveries.loading}
          pagination={false}
          size="small"
          scroll={{ x: 900 }}
          locale={{ emptyText: <Typography.Text type="secondary">{t('admin.deliveriesEmpty')}</Typography.Text> }}
          columns={[
            { title: t('admin.deliveryAt'), key: 'at', width: 140, render: (_, d) => formatDateTime(d.created_at) },
            { title: t('admin.deliveryChannel'), key: 'channel', width: 90, render: (_, d) => t(`admin.channel.${d.channel ?? 'webhook'}` as MessageKey) },
            { title: t('admin.deliveryTarget'), key: 'target', render: (_, d) => <span className="govdata-mono">{d.target}</span> },
            {
              title: t('admin.state'),
              key: 'state',
              width: 90,
              render: (_, d) => <Tag className={stateClass[d.state ?? ''] ?? ''}>{t(`admin.delivery.${d.state ?? 'pending'}` as MessageKey)}</Tag>,
            },
            { title: t('admin.deliveryAttempts'), key: 'attempts', width: 80, align: 'right', render: (_, d) => d.attempts },
            { title: t('admin.deliveryError'), key: 'error', render: (_, d) => <Typography.Text type="secondary">{d.last_error}</Typography.Text> },
            {
              title: t('admin.actions'),
              key: 'actions',
              width: 100,
              render: (_, d) =>
                d.state === 'failed' && (
                  <Button size="small" loading={retrying === d.id} onClick={() => void retry(d)}>
                    {t('admin.retry')}
                  </Button>
                ),
            },
          ]}
        />
        <LoadMore more={deliveries.cursor} loading={deliveries.loading} onMore={() => void deliveries.load(deliveries.cursor)} />
      </Card>

      {creating && (
        <CreateWebhook
          onClose={() => setCreating(false)}
          onCreated={(w) => {
            setCreating(false);
            setIssued(w);
            void hooks.load();
          }}
        />
      )}
      {issued && (
        <Modal
          open
          title={t('admin.hookIssued', { name: issued.name ?? '' })}
          onCancel={() => setIssued(undefined)}
          footer={
            <Button type="primary" onClick={() => setIssued(undefined)}>
              {t('admin.issuedDone')}
            </Button>
          }
        >
          <Typography.Paragraph>{t('admin.hookIssuedIntro')}</Typography.Paragraph>
          <Typography.Paragraph>
            {t('admin.hookAppKey')}{' '}
            <Typography.Text className="govdata-mono" copyable>
              {issued.app_key}
            </Typography.Text>
          </Typography.Paragraph>
          <Typography.Paragraph>
            {t('admin.hookSecret')}{' '}
            <Typography.Text className="govdata-mono" copyable data-testid="hook-secret">
              {issued.secret}
            </Typography.Text>
          </Typography.Paragraph>
          <Alert type="warning" showIcon message={t('admin.issuedOnce')} />
        </Modal>
      )}
    </Page>
  );
}

function CreateWebhook({ onClose, onCreated }: { onClose: () => void; onCreated: (w: Issued) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  async function save(v: { name: string; url: string; kinds?: string[] }) {
    setSaving(true);
    setError(null);
    try {
      onCreated(await call(api.POST('/api/v1/webhooks', { body: { name: v.name.trim(), url: v.url.trim(), kinds: v.kinds ?? [] } })));
    } catch (e) {
      if (!applyFieldErrors(form, e, ['name', 'url', 'kinds'])) setError(e as Error);
    } finally {
      setSaving(false);
    }
  }
  return (
    <Modal
      open
      title={t('admin.hookNew')}
      onCancel={onClose}
      okText={t('admin.hookCreateButton')}
      cancelText={t('admin.cancel')}
      confirmLoading={saving}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" onFinish={(v) => void save(v)}>
        <Form.Item name="name" label={t('admin.hookName')} rules={[{ required: true, message: t('admin.required') }]}>
          <Input />
        </Form.Item>
        <Form.Item name="url" label={t('admin.hookURL')} rules={[{ required: true, message: t('admin.required') }]} extra={t('admin.hookURLHint')}>
          <Input className="govdata-mono" placeholder="https://oa.example.gov.cn/govdata" />
        </Form.Item>
        <Form.Item name="kinds" label={t('admin.hookKinds')} extra={t('admin.hookKindsHint')}>
          <Select mode="tags" tokenSeparators={[',', ' ']} />
        </Form.Item>
      </Form>
      {error && <Alert type="error" showIcon message={error.message} />}
    </Modal>
  );
}
