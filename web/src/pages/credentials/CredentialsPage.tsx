// 应用凭证: the system credentials of departments' business systems
// (ORG-5), which sign data-service calls. A department's officer issues,
// rotates (the old secret stops at once; the new one is shown once) and
// revokes its own; the secadmin sees every department's and revokes with a
// reason. What each may do is the server's permission (credential.manage,
// credential.revoke); the list is what the server lets the user read.
import { useCallback, useState } from 'react';
import { Alert, Button, Form, Input, Modal, Select, Space, Switch, Table, Tag, Typography, message } from 'antd';
import { Link } from 'react-router';
import { api, call } from '../../api/client';
import { applyFieldErrors } from '../../components/fieldErrors';
import { Page, LoadMore } from '../../components/Page';
import { LoadError } from '../../components/LoadError';
import { usePaged } from '../../components/usePaged';
import { useDepartments } from '../../components/useDepartments';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import { formatDateTime } from '../../format';
import { ReasonDialog, SecretOnce, type Credential } from '../grants/common';

const pageSize = 20;

export default function CredentialsPage() {
  const { t } = useI18n();
  const { me, can } = useSession();
  const departments = useDepartments();
  const manage = can('credential.manage');
  const revoke = can('credential.revoke');
  // An officer reads its department's only (the server narrows it); the
  // secadmin may choose a department.
  const [dept, setDept] = useState<number | undefined>();
  const [withRevoked, setWithRevoked] = useState(false);
  const [issuing, setIssuing] = useState(false);
  const [rotating, setRotating] = useState<Credential | undefined>();
  const [revoking, setRevoking] = useState<Credential | undefined>();
  const [issued, setIssued] = useState<{ appKey?: string; secret: string } | undefined>();
  const [busy, setBusy] = useState(false);
  const [msg, holder] = message.useMessage();

  const fetch = useCallback(
    (cursor?: string) =>
      call(
        api.GET('/api/v1/credentials', {
          params: {
            query: {
              limit: String(pageSize),
              ...(dept ? { department_id: String(dept) } : {}),
              ...(withRevoked ? { include_revoked: 'true' } : {}),
              ...(cursor ? { cursor } : {}),
            },
          },
        }),
      ),
    [dept, withRevoked],
  );
  const { items, cursor, loading, error, load } = usePaged<Credential>(fetch);
  const showDept = !manage; // the secadmin's list spans departments

  async function rotate() {
    if (!rotating) return;
    setBusy(true);
    try {
      const c = await call(api.POST('/api/v1/credentials/{id}/rotate', { params: { path: { id: String(rotating.id) } } }));
      setIssued({ appKey: c.app_key, secret: c.secret ?? '' });
      setRotating(undefined);
      void msg.success(t('credentials.rotated'));
      void load();
    } catch (e) {
      void msg.error((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Page
      extra={
        <Space>
          <Button onClick={() => void load()} loading={loading}>
            {t('action.refresh')}
          </Button>
          {manage && me?.department?.id && (
            <Button type="primary" onClick={() => setIssuing(true)}>
              {t('credentials.issue')}
            </Button>
          )}
        </Space>
      }
    >
      {holder}
      {issued && <SecretOnce appKey={issued.appKey} secret={issued.secret} onClose={() => setIssued(undefined)} />}
      <Typography.Paragraph type="secondary">{t('credentials.intro')}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 12 }}>
        {showDept && (
          <Select
            aria-label={t('credentials.department')}
            showSearch
            optionFilterProp="label"
            style={{ width: 260 }}
            value={dept ?? 0}
            onChange={(v) => setDept(v || undefined)}
            options={[{ value: 0, label: t('credentials.allDepartments') }, ...[...departments].map(([id, name]) => ({ value: id, label: name }))]}
          />
        )}
        <Space size={6}>
          <Switch id="with-revoked" checked={withRevoked} onChange={setWithRevoked} aria-label={t('credentials.withRevoked')} />
          <label htmlFor="with-revoked">{t('credentials.withRevoked')}</label>
        </Space>
      </Space>
      {error && (
        <div style={{ marginBottom: 16 }}>
          <LoadError error={error} onRetry={() => void load()} />
        </div>
      )}
      <Table<Credential>
        aria-label={t('page.credentials')}
        rowKey={(c) => String(c.id)}
        dataSource={items}
        loading={loading}
        pagination={false}
        scroll={{ x: 1040 }}
        locale={{
          emptyText: (
            <Space orientation="vertical" size={4}>
              <Typography.Text type="secondary">{manage ? t('credentials.emptyManage') : t('credentials.empty')}</Typography.Text>
              {manage && <Link to="/grants?side=consumer">{t('credentials.toGrants')}</Link>}
            </Space>
          ),
        }}
        columns={[
          { title: t('credentials.name'), dataIndex: 'name', key: 'name' },
          {
            title: t('credentials.appKey'),
            key: 'key',
            width: 210,
            render: (_, c) => (
              <Typography.Text className="govdata-mono" copyable={{ text: c.app_key ?? '' }}>
                {c.app_key}
              </Typography.Text>
            ),
          },
          ...(showDept
            ? [{ title: t('credentials.department'), key: 'dept', width: 150, render: (_: unknown, c: Credential) => departments.get(c.department_id ?? 0) || `#${c.department_id}` }]
            : []),
          {
            // Issued, and rotated when it was: one column keeps the list within 1366 px.
            title: t('credentials.createdAt'),
            key: 'created',
            width: 170,
            render: (_, c) => (
              <div>
                <span className="govdata-mono" style={{ whiteSpace: 'nowrap' }}>{formatDateTime(c.created_at)}</span>
                {c.rotated_at && (
                  <Typography.Text type="secondary" style={{ display: 'block', whiteSpace: 'nowrap' }}>
                    {t('credentials.rotatedOn', { at: formatDateTime(c.rotated_at) })}
                  </Typography.Text>
                )}
              </div>
            ),
          },
          {
            title: t('credentials.lastUsed'),
            key: 'used',
            width: 160,
            render: (_, c) =>
              c.last_used_at ? (
                <span className="govdata-mono" style={{ whiteSpace: 'nowrap' }}>{formatDateTime(c.last_used_at)}</span>
              ) : (
                <Typography.Text type="secondary">{t('credentials.neverUsed')}</Typography.Text>
              ),
          },
          {
            title: t('credentials.state'),
            key: 'state',
            width: 150,
            render: (_, c) =>
              c.revoked_at ? (
                <div>
                  <Tag className="govdata-tag govdata-tag-bad">{t('credentials.revoked')}</Tag>
                  <Typography.Text type="secondary" style={{ display: 'block' }}>
                    {formatDateTime(c.revoked_at)} {c.revoke_reason}
                  </Typography.Text>
                </div>
              ) : (
                <Tag className="govdata-tag govdata-tag-ok">{t('credentials.active')}</Tag>
              ),
          },
          ...(manage || revoke
            ? [
                {
                  title: t('credentials.actions'),
                  key: 'actions',
                  width: manage ? 180 : 110,
                  render: (_: unknown, c: Credential) =>
                    c.revoked_at ? (
                      '—'
                    ) : (
                      <Space size={4}>
                        {manage && (
                          <Button size="small" onClick={() => setRotating(c)} aria-label={t('credentials.rotateOf', { name: c.name ?? '' })}>
                            {t('credentials.rotate')}
                          </Button>
                        )}
                        {revoke && (
                          <Button size="small" danger onClick={() => setRevoking(c)} aria-label={t('credentials.revokeOf', { name: c.name ?? '' })}>
                            {t('credentials.revoke')}
                          </Button>
                        )}
                      </Space>
                    ),
                },
              ]
            : []),
        ]}
      />
      <LoadMore more={cursor} loading={loading} onMore={() => void load(cursor)} />
      <IssueDialog
        open={issuing}
        department={me?.department?.id ?? 0}
        onClose={() => setIssuing(false)}
        onIssued={(c) => {
          setIssuing(false);
          setIssued({ appKey: c.app_key, secret: c.secret ?? '' });
          void msg.success(t('credentials.issued'));
          void load();
        }}
      />
      <Modal
        open={!!rotating}
        title={t('credentials.rotateTitle')}
        onCancel={() => setRotating(undefined)}
        okText={t('credentials.rotate')}
        cancelText={t('grants.cancel')}
        okButtonProps={{ danger: true, loading: busy }}
        onOk={() => void rotate()}
        destroyOnHidden
      >
        <Typography.Paragraph>{t('credentials.rotateNote', { name: rotating?.name ?? '', key: rotating?.app_key ?? '' })}</Typography.Paragraph>
      </Modal>
      <ReasonDialog
        open={!!revoking}
        title={t('credentials.revokeTitle')}
        note={t('credentials.revokeNote', { name: revoking?.name ?? '', key: revoking?.app_key ?? '' })}
        label={t('credentials.revokeReason')}
        okText={t('credentials.revoke')}
        onClose={() => setRevoking(undefined)}
        onSend={async (reason) => {
          await call(api.POST('/api/v1/credentials/{id}/revoke', { params: { path: { id: String(revoking?.id) } }, body: { reason } }));
          setRevoking(undefined);
          void msg.success(t('credentials.revokedDone'));
          void load();
        }}
      />
    </Page>
  );
}

type Issued = { app_key?: string; secret?: string };

function IssueDialog({ open, department, onClose, onIssued }: { open: boolean; department: number; onClose: () => void; onIssued: (c: Issued) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ name: string }>();
  const [busy, setBusy] = useState(false);
  const [refused, setRefused] = useState<string | undefined>();
  async function send() {
    setRefused(undefined);
    let v: { name: string };
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    try {
      const c = await call(api.POST('/api/v1/credentials', { body: { name: v.name.trim(), department_id: department } }));
      form.resetFields();
      onIssued(c);
    } catch (e) {
      if (!applyFieldErrors(form, e, ['name'])) setRefused((e as Error).message);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal
      open={open}
      title={t('credentials.issueTitle')}
      onCancel={onClose}
      okText={t('credentials.issue')}
      cancelText={t('grants.cancel')}
      okButtonProps={{ loading: busy }}
      onOk={() => void send()}
      destroyOnHidden
    >
      {refused && <Alert style={{ marginBottom: 12 }} type="error" showIcon message={refused} />}
      <Form form={form} layout="vertical" onFinish={() => void send()}>
        <Form.Item name="name" label={t('credentials.name')} extra={t('grants.newNameHint')} rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
          <Input maxLength={100} autoFocus />
        </Form.Item>
      </Form>
    </Modal>
  );
}
