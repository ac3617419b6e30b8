// 开放授权: the open grants on the department's data and the bureau's
// region's (OPN-2): who holds which items of which entry, for which period,
// and its state. HLJ-43: the provider or the bureau suspends a grant whose
// holder misuses the data (access stops at once, the holder is told) and
// resumes it once put right, each with a reason.
import { useCallback, useState } from 'react';
import { useSearchParams } from 'react-router';
import { Alert, Button, Form, Input, Modal, Select, Space, Table, Typography } from 'antd';
import { api, call, ApiError } from '../../api/client';
import { Page, LoadMore } from '../../components/Page';
import { LoadError } from '../../components/LoadError';
import { usePaged } from '../../components/usePaged';
import { useI18n, type MessageKey } from '../../i18n';
import { EntryName } from '../catalog/common';
import { grantStates, OpenStateTag, type OpenGrant } from './common';

const pageSize = 20;

export default function OpenGrantsPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const state = grantStates.find((s) => s === params.get('state')) ?? '';
  const [changing, setChanging] = useState<{ grant: OpenGrant; to: 'suspend' | 'resume' } | undefined>();
  const fetch = useCallback(
    (cursor?: string) =>
      call(api.GET('/api/v1/open-grants', { params: { query: { limit: String(pageSize), ...(state ? { state } : {}), ...(cursor ? { cursor } : {}) } } })),
    [state],
  );
  const { items, cursor, loading, error, load } = usePaged<OpenGrant>(fetch);

  return (
    <Page
      extra={
        <Button onClick={() => void load()} loading={loading}>
          {t('action.refresh')}
        </Button>
      }
    >
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          aria-label={t('sharing.stateFilter')}
          style={{ width: 160 }}
          value={state}
          onChange={(v) => setParams(v ? { state: v } : {}, { replace: true })}
          options={[{ value: '', label: t('sharing.stateAll') }, ...grantStates.map((s) => ({ value: s, label: t(`opening.grantState.${s}` as MessageKey) }))]}
        />
      </Space>
      {error && (
        <div style={{ marginBottom: 16 }}>
          <LoadError error={error} onRetry={() => void load()} />
        </div>
      )}
      <Table<OpenGrant>
        aria-label={t('page.openGrants')}
        rowKey={(g) => String(g.id)}
        dataSource={items}
        loading={loading && items.length === 0}
        pagination={false}
        scroll={items.length ? { x: 1000 } : undefined}
        locale={{ emptyText: <Typography.Text type="secondary">{t('opening.noGrants')}</Typography.Text> }}
        columns={[
          { title: t('sharing.number'), key: 'id', width: 70, align: 'right', render: (_, g) => `#${g.id}` },
          {
            title: t('sharing.entry'),
            key: 'entry',
            render: (_, g) => <EntryName to={`/opening/applications/${g.application_id}`} name={g.entry_name} code={g.resource_code} />,
          },
          { title: t('opening.holder'), key: 'holder', width: 150, render: (_, g) => g.account_name },
          { title: t('sharing.items'), key: 'items', width: 160, render: (_, g) => (g.items ?? []).join('、') },
          { title: t('opening.period'), key: 'period', width: 200, render: (_, g) => <span className="govdata-mono">{`${g.valid_from} ~ ${g.valid_until}`}</span> },
          {
            title: t('opening.grantStateCol'),
            key: 'state',
            width: 180,
            render: (_, g) => (
              <Space orientation="vertical" size={2}>
                <OpenStateTag kind="grant" state={g.state} />
                {g.state_reason && <Typography.Text type="secondary">{g.state_reason}</Typography.Text>}
              </Space>
            ),
          },
          {
            title: t('opening.actions'),
            key: 'act',
            width: 110,
            render: (_, g) => (
              <Space>
                {g.allowed?.includes('suspend') && (
                  <Button size="small" danger onClick={() => setChanging({ grant: g, to: 'suspend' })}>
                    {t('opening.suspend')}
                  </Button>
                )}
                {g.allowed?.includes('resume') && (
                  <Button size="small" onClick={() => setChanging({ grant: g, to: 'resume' })}>
                    {t('opening.resume')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      <LoadMore more={cursor} loading={loading} onMore={() => void load(cursor)} />
      <ChangeDialog
        change={changing}
        onClose={() => setChanging(undefined)}
        onDone={() => {
          setChanging(undefined);
          void load();
        }}
      />
    </Page>
  );
}

function ChangeDialog({ change, onClose, onDone }: { change?: { grant: OpenGrant; to: 'suspend' | 'resume' }; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ reason: string }>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | undefined>();
  const label = change ? t(change.to === 'suspend' ? 'opening.suspend' : 'opening.resume') : '';
  async function submit() {
    if (!change) return;
    let v: { reason: string };
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setFailure(undefined);
    try {
      const path = { id: String(change.grant.id) };
      const body = { reason: v.reason.trim() };
      if (change.to === 'suspend') await call(api.POST('/api/v1/open-grants/{id}/suspend', { params: { path }, body }));
      else await call(api.POST('/api/v1/open-grants/{id}/resume', { params: { path }, body }));
      form.resetFields();
      onDone();
    } catch (e) {
      if (e instanceof ApiError && e.fields.reason) form.setFields([{ name: 'reason', errors: [e.fields.reason] }]);
      else setFailure((e as Error).message);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal
      open={!!change}
      title={change ? t('opening.changeTitle', { action: label, name: change.grant.entry_name ?? '', holder: change.grant.account_name ?? '' }) : ''}
      onCancel={onClose}
      okText={label}
      cancelText={t('catalog.cancel')}
      okButtonProps={{ loading: busy, danger: change?.to === 'suspend' }}
      onOk={() => void submit()}
      destroyOnHidden
    >
      {failure && <Alert style={{ marginBottom: 12 }} type="error" showIcon message={failure} />}
      <Form form={form} layout="vertical">
        <Form.Item
          name="reason"
          label={t('sharing.reason')}
          extra={t(change?.to === 'suspend' ? 'opening.suspendNote' : 'opening.resumeNote')}
          rules={[{ required: true, whitespace: true, message: t('form.required') }]}
        >
          <Input.TextArea rows={3} autoFocus maxLength={2000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
