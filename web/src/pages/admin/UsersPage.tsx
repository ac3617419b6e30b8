// 用户: accounts for the sysadmin and the secadmin (user.read). Who may
// give which role is the server's rule of 三员分立 (role.go: RoleManager,
// RoleEffectOf): the sysadmin manages accounts and business roles, but a
// business role it gives waits for a secadmin's confirmation (pending);
// the secadmin manages secadmin and auditor accounts and confirms or
// rejects those pending roles. The page offers every role and shows the
// server's refusal with the rule explained; it never decides itself.
import { useCallback, useEffect, useState } from 'react';
import {
  Alert,
  Button,
  Checkbox,
  Descriptions,
  Drawer,
  Form,
  Input,
  Modal,
  Segmented,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { api, ApiError, call, type paths } from '../../api/client';
import { Page, LoadMore } from '../../components/Page';
import { LoadError } from '../../components/LoadError';
import { usePaged } from '../../components/usePaged';
import './admin.css';
import { useI18n, type MessageKey } from '../../i18n';
import { useSession } from '../../session';
import { formatDateTime } from '../../format';
import { applyFieldErrors } from '../../components/fieldErrors';

type User = NonNullable<NonNullable<paths['/api/v1/users']['get']['responses'][200]['content']['application/json']['items']>[number]>;
type Role = NonNullable<User['roles']>[number];
type Department = NonNullable<NonNullable<paths['/api/v1/departments']['get']['responses'][200]['content']['application/json']['items']>[number]>;
type Holding = NonNullable<paths['/api/v1/users/{id}/roles']['get']['responses'][200]['content']['application/json']>[number];

const adminRoles: Role[] = ['sysadmin', 'secadmin', 'auditor'];
const businessRoles: Role[] = ['officer', 'leader', 'reviewer', 'supervisor'];

function useDepartments() {
  const [depts, setDepts] = useState<Department[]>([]);
  useEffect(() => {
    let live = true;
    (async () => {
      const out: Department[] = [];
      let cursor: string | undefined;
      do {
        const page = await call(api.GET('/api/v1/departments', { params: { query: { limit: '500', ...(cursor ? { cursor } : {}) } } }));
        out.push(...((page.items ?? []).filter(Boolean) as Department[]));
        cursor = page.next_cursor || undefined;
      } while (cursor);
      if (live) setDepts(out);
    })().catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  return depts;
}

function isLocked(u: User): boolean {
  return !!u.locked_until && new Date(u.locked_until).getTime() > Date.now();
}

/** The explanation of 三员分立, shown with a refusal of roles. */
function SeparationNote() {
  const { t } = useI18n();
  return <Alert style={{ marginTop: 8 }} type="info" showIcon message={t('admin.sanyuanTitle')} description={t('admin.sanyuanExplain')} />;
}

/** A role refusal: a field message on roles, or a refusal of the roles' manager. */
function rolesRefused(e: unknown): boolean {
  return e instanceof ApiError && (!!e.fields.roles || e.code === 'forbidden');
}

function RoleTags({ u }: { u: User }) {
  const { t } = useI18n();
  return (
    <Space size={[4, 4]} wrap>
      {(u.roles ?? []).map((r) => (
        <Tag key={r} className={adminRoles.includes(r) ? 'govdata-tag-admin' : 'govdata-tag-info'}>
          {t(`role.${r}` as MessageKey)}
        </Tag>
      ))}
      {(u.pending_roles ?? []).map((p) => (
        <Tag key={`p-${p.role}`} className="govdata-tag-warn">
          {t('admin.pendingRole', { role: t(`role.${p.role}` as MessageKey) })}
        </Tag>
      ))}
      {(u.roles ?? []).length === 0 && (u.pending_roles ?? []).length === 0 && <Typography.Text type="secondary">{t('role.none')}</Typography.Text>}
    </Space>
  );
}

export default function UsersPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const depts = useDepartments();
  const deptName = (id?: number) => depts.find((d) => d.id === id)?.name ?? (id ? `#${id}` : '');
  const [filter, setFilter] = useState<'all' | 'pending'>('all');
  const [q, setQ] = useState('');
  const [text, setText] = useState('');
  const [open, setOpen] = useState<User | undefined>();
  const [creating, setCreating] = useState(false);
  const [issued, setIssued] = useState<{ user: User; password: string } | undefined>();
  const fetch = useCallback(
    (cursor?: string) =>
      call(
        api.GET('/api/v1/users', {
          params: { query: { limit: '50', ...(q ? { q } : {}), ...(filter === 'pending' ? { pending: 'true' } : {}), ...(cursor ? { cursor } : {}) } },
        }),
      ),
    [q, filter],
  );
  const list = usePaged<User>(fetch);
  const changed = (u: User) => {
    setOpen(u);
    void list.load();
  };

  return (
    <Page
      extra={
        can('user.write') && (
          <Button type="primary" onClick={() => setCreating(true)}>
            {t('admin.userNew')}
          </Button>
        )
      }
    >
      <Space wrap style={{ marginBottom: 12 }}>
        <Segmented
          aria-label={t('admin.userFilter')}
          value={filter}
          onChange={(v) => setFilter(v as 'all' | 'pending')}
          options={[
            { value: 'all', label: t('admin.usersAll') },
            { value: 'pending', label: t('admin.usersPending') },
          ]}
        />
        <Input.Search
          aria-label={t('admin.userSearch')}
          placeholder={t('admin.userSearch')}
          allowClear
          style={{ width: 260 }}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            if (!e.target.value) setQ('');
          }}
          onSearch={(v) => setQ(v.trim())}
        />
      </Space>
      {list.error && <LoadError error={list.error} onRetry={() => void list.load()} />}
      <Table<User>
        aria-label={t('page.users')}
        rowKey={(u) => String(u.id)}
        dataSource={list.items}
        loading={list.loading}
        pagination={false}
        size="middle"
        scroll={{ x: 980 }}
        locale={{
          emptyText: (
            <Typography.Text type="secondary">{filter === 'pending' ? t('admin.noPending') : q ? t('admin.noMatch') : t('admin.usersEmpty')}</Typography.Text>
          ),
        }}
        columns={[
          { title: t('admin.username'), key: 'username', width: 150, render: (_, u) => <span className="govdata-mono">{u.username}</span> },
          { title: t('admin.name'), key: 'name', width: 120, dataIndex: 'name' },
          { title: t('admin.department'), key: 'dept', render: (_, u) => deptName(u.department_id) },
          { title: t('admin.roles'), key: 'roles', render: (_, u) => <RoleTags u={u} /> },
          {
            title: t('admin.state'),
            key: 'state',
            width: 130,
            render: (_, u) => (
              <Space size={[4, 4]} wrap>
                {u.disabled ? <Tag>{t('admin.disabled')}</Tag> : <Tag className="govdata-tag-ok">{t('admin.active')}</Tag>}
                {isLocked(u) && <Tag className="govdata-tag-bad">{t('admin.locked')}</Tag>}
              </Space>
            ),
          },
          {
            title: t('admin.actions'),
            key: 'actions',
            width: 90,
            fixed: 'right',
            render: (_, u) => (
              <Button size="small" onClick={() => setOpen(u)} aria-label={t('admin.manageOf', { name: u.username ?? '' })}>
                {t('admin.manage')}
              </Button>
            ),
          },
        ]}
      />
      <LoadMore more={list.cursor} loading={list.loading} onMore={() => void list.load(list.cursor)} />
      {creating && (
        <CreateUser
          depts={depts}
          onClose={() => setCreating(false)}
          onCreated={(user, password) => {
            setCreating(false);
            setIssued({ user, password });
            void list.load();
          }}
        />
      )}
      {issued && <IssuedPassword user={issued.user} password={issued.password} onClose={() => setIssued(undefined)} />}
      {open && <UserDrawer user={open} deptName={deptName} depts={depts} onClose={() => setOpen(undefined)} onChanged={changed} />}
    </Page>
  );
}

/** IssuedPassword shows a password once: it is not kept anywhere to show again. */
function IssuedPassword({ user, password, onClose }: { user: User; password: string; onClose: () => void }) {
  const { t } = useI18n();
  const pending = (user.pending_roles ?? []).length > 0;
  return (
    <Modal
      open
      title={t('admin.issuedTitle', { name: user.username ?? '' })}
      onCancel={onClose}
      footer={
        <Button type="primary" onClick={onClose}>
          {t('admin.issuedDone')}
        </Button>
      }
    >
      <Typography.Paragraph>{t('admin.issuedIntro')}</Typography.Paragraph>
      <Typography.Paragraph>
        <Typography.Text className="govdata-mono" copyable={{ text: password }} data-testid="issued-password" style={{ fontSize: 18 }}>
          {password}
        </Typography.Text>
      </Typography.Paragraph>
      <Alert type="warning" showIcon message={t('admin.issuedOnce')} />
      {pending && <Alert style={{ marginTop: 8 }} type="info" showIcon message={t('admin.pendingNote')} />}
    </Modal>
  );
}

function RolesField({ name = 'roles' }: { name?: string }) {
  const { t } = useI18n();
  return (
    <Form.Item name={name} label={t('admin.roles')} extra={t('admin.rolesHint')}>
      <Checkbox.Group style={{ display: 'grid', gridTemplateColumns: 'repeat(2, minmax(0, 1fr))', rowGap: 4 }}>
        {[...adminRoles, ...businessRoles].map((r) => (
          <Checkbox key={r} value={r}>
            {t(`role.${r}` as MessageKey)}
          </Checkbox>
        ))}
      </Checkbox.Group>
    </Form.Item>
  );
}

// Form.Item gives its child id, value and onChange: passed on to the Select.
function DeptSelect({ depts, ...field }: { depts: Department[]; id?: string; value?: number; onChange?: (v: number | undefined) => void }) {
  return (
    <Select<number | undefined>
      {...field}
      allowClear
      showSearch
      optionFilterProp="label"
      options={depts.map((d) => ({ value: d.id, label: d.name }))}
    />
  );
}

function CreateUser({ depts, onClose, onCreated }: { depts: Department[]; onClose: () => void; onCreated: (u: User, password: string) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [refused, setRefused] = useState(false);
  async function save(v: { username: string; name: string; department_id?: number; email?: string; roles?: Role[] }) {
    setSaving(true);
    setError(null);
    setRefused(false);
    try {
      // No password: the server issues one and answers it this once.
      const u = await call(
        api.POST('/api/v1/users', {
          body: { username: v.username.trim(), name: v.name.trim(), department_id: v.department_id, email: v.email?.trim() || undefined, roles: v.roles ?? [] },
        }),
      );
      onCreated(u, u.issued_password ?? '');
    } catch (e) {
      setRefused(rolesRefused(e));
      if (!applyFieldErrors(form, e, ['username', 'name', 'department_id', 'email', 'roles'])) setError(e as Error);
    } finally {
      setSaving(false);
    }
  }
  return (
    <Modal
      open
      title={t('admin.userNew')}
      onCancel={onClose}
      okText={t('admin.userCreateButton')}
      cancelText={t('admin.cancel')}
      confirmLoading={saving}
      onOk={() => form.submit()}
      destroyOnHidden
      width={560}
    >
      <Form form={form} layout="vertical" onFinish={(v) => void save(v)}>
        <Form.Item name="username" label={t('admin.username')} rules={[{ required: true, message: t('admin.required') }]}>
          <Input className="govdata-mono" autoComplete="off" />
        </Form.Item>
        <Form.Item name="name" label={t('admin.name')} rules={[{ required: true, message: t('admin.required') }]}>
          <Input />
        </Form.Item>
        <Form.Item name="department_id" label={t('admin.department')}>
          <DeptSelect depts={depts} />
        </Form.Item>
        <Form.Item name="email" label={t('admin.email')}>
          <Input type="email" />
        </Form.Item>
        <RolesField />
        <Typography.Paragraph type="secondary">{t('admin.passwordIssuedHint')}</Typography.Paragraph>
      </Form>
      {error && <Alert type="error" showIcon message={error.message} />}
      {refused && <SeparationNote />}
    </Modal>
  );
}

function UserDrawer({
  user,
  deptName,
  depts,
  onClose,
  onChanged,
}: {
  user: User;
  deptName: (id?: number) => string;
  depts: Department[];
  onClose: () => void;
  onChanged: (u: User) => void;
}) {
  const { t } = useI18n();
  const { can, me } = useSession();
  const [form] = Form.useForm();
  const [busy, setBusy] = useState('');
  const [error, setError] = useState<Error | null>(null);
  const [refused, setRefused] = useState(false);
  const [issued, setIssued] = useState<string | undefined>();
  const [confirm, setConfirm] = useState<'disable' | 'reset' | 'reject' | undefined>();
  const [history, setHistory] = useState<Holding[] | undefined>();
  const [historyError, setHistoryError] = useState<Error | null>(null);
  const id = String(user.id);
  const self = me?.user?.id === user.id;

  useEffect(() => {
    form.setFieldsValue({ roles: user.roles ?? [], department_id: user.department_id || undefined });
  }, [form, user]);
  const loadHistory = useCallback(async () => {
    if (!can('user.role_history')) return;
    setHistoryError(null);
    try {
      setHistory(await call(api.GET('/api/v1/users/{id}/roles', { params: { path: { id } } })));
    } catch (e) {
      setHistoryError(e as Error);
    }
  }, [can, id]);
  useEffect(() => {
    void loadHistory();
  }, [loadHistory, user]);

  async function act(what: string, f: () => Promise<User>) {
    setBusy(what);
    setError(null);
    setRefused(false);
    try {
      const u = await f();
      setConfirm(undefined);
      onChanged(u);
    } catch (e) {
      setConfirm(undefined);
      setRefused(what === 'roles' && rolesRefused(e));
      if (!(what === 'roles' && applyFieldErrors(form, e, ['roles', 'department_id']))) setError(e as Error);
    } finally {
      setBusy('');
    }
  }
  const patch = (what: string, body: paths['/api/v1/users/{id}']['patch']['requestBody']['content']['application/json']) =>
    act(what, () => call(api.PATCH('/api/v1/users/{id}', { params: { path: { id } }, body })));
  const pending = (user.pending_roles ?? []).map((p) => p.role).filter((r): r is Role => !!r);

  return (
    <Drawer open title={t('admin.userTitle', { name: user.username ?? '' })} width={600} onClose={onClose} destroyOnHidden>
      <Descriptions size="small" column={1} bordered>
        <Descriptions.Item label={t('admin.username')}>
          <span className="govdata-mono">{user.username}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('admin.name')}>{user.name}</Descriptions.Item>
        <Descriptions.Item label={t('admin.department')}>{deptName(user.department_id) || t('admin.noDepartment')}</Descriptions.Item>
        <Descriptions.Item label={t('admin.state')}>
          <Space wrap>
            {user.disabled ? <Tag>{t('admin.disabled')}</Tag> : <Tag className="govdata-tag-ok">{t('admin.active')}</Tag>}
            {isLocked(user) && <Tag className="govdata-tag-bad">{t('admin.lockedUntil', { at: formatDateTime(user.locked_until) })}</Tag>}
            {user.must_change_password && <Tag className="govdata-tag-warn">{t('admin.mustChange')}</Tag>}
          </Space>
        </Descriptions.Item>
        <Descriptions.Item label={t('admin.roles')}>
          <RoleTags u={user} />
        </Descriptions.Item>
      </Descriptions>

      {error && <Alert style={{ marginTop: 12 }} type="error" showIcon message={error.message} role="alert" />}

      {pending.length > 0 && (
        <section style={{ marginTop: 16 }} aria-label={t('admin.pendingTitle')}>
          <Typography.Title level={2} style={{ fontSize: 16 }}>
            {t('admin.pendingTitle')}
          </Typography.Title>
          {(user.pending_roles ?? []).map((p) => (
            <Typography.Paragraph key={p.role} style={{ marginBottom: 4 }}>
              {t('admin.pendingLine', {
                role: t(`role.${p.role}` as MessageKey),
                by: p.requested_by ?? '',
                at: formatDateTime(p.requested_at),
                dept: deptName(p.department_id),
              })}
            </Typography.Paragraph>
          ))}
          {can('user.role_confirm') ? (
            <Space>
              <Button
                type="primary"
                loading={busy === 'confirm'}
                onClick={() =>
                  void act('confirm', () =>
                    call(api.POST('/api/v1/users/{id}/roles/confirm', { params: { path: { id } }, body: { roles: pending, department_id: user.department_id } })),
                  )
                }
              >
                {t('admin.confirmRoles')}
              </Button>
              <Button danger onClick={() => setConfirm('reject')}>
                {t('admin.rejectRoles')}
              </Button>
            </Space>
          ) : (
            <Typography.Text type="secondary">{t('admin.pendingWait')}</Typography.Text>
          )}
        </section>
      )}

      {can('user.write') && (
        <section style={{ marginTop: 16 }}>
          <Typography.Title level={2} style={{ fontSize: 16 }}>
            {t('admin.rolesTitle')}
          </Typography.Title>
          <Form form={form} layout="vertical" onFinish={(v: { roles?: Role[]; department_id?: number }) => void patch('roles', { roles: v.roles ?? [], department_id: v.department_id ?? 0 })}>
            <Form.Item name="department_id" label={t('admin.department')}>
              <DeptSelect depts={depts} />
            </Form.Item>
            <RolesField />
            <Button htmlType="submit" type="primary" loading={busy === 'roles'} disabled={self}>
              {t('admin.saveRoles')}
            </Button>
          </Form>
          {refused && <SeparationNote />}
        </section>
      )}

      <section style={{ marginTop: 16 }}>
        <Typography.Title level={2} style={{ fontSize: 16 }}>
          {t('admin.accountTitle')}
        </Typography.Title>
        <Space wrap>
          {can('user.write') && (
            <Button onClick={() => setConfirm('reset')} loading={busy === 'reset'}>
              {t('admin.resetPassword')}
            </Button>
          )}
          {can('user.write') &&
            (user.disabled ? (
              <Button loading={busy === 'enable'} onClick={() => void patch('enable', { disabled: false })}>
                {t('admin.enable')}
              </Button>
            ) : (
              <Button danger disabled={self} onClick={() => setConfirm('disable')}>
                {t('admin.disable')}
              </Button>
            ))}
          {can('user.unlock') && isLocked(user) && (
            <Button loading={busy === 'unlock'} onClick={() => void act('unlock', () => call(api.POST('/api/v1/users/{id}/unlock', { params: { path: { id } } })))}>
              {t('admin.unlock')}
            </Button>
          )}
        </Space>
      </section>

      {can('user.role_history') && (
        <section style={{ marginTop: 16 }}>
          <Typography.Title level={2} style={{ fontSize: 16 }}>
            {t('admin.historyTitle')}
          </Typography.Title>
          {historyError && <LoadError error={historyError} onRetry={() => void loadHistory()} />}
          <Table<Holding>
            aria-label={t('admin.historyTitle')}
            size="small"
            pagination={false}
            rowKey={(h) => `${h.role}-${h.granted_at}`}
            dataSource={history ?? []}
            loading={!history && !historyError}
            locale={{ emptyText: <Typography.Text type="secondary">{t('admin.historyEmpty')}</Typography.Text> }}
            columns={[
              { title: t('admin.role'), key: 'role', render: (_, h) => t(`role.${h.role}` as MessageKey) },
              { title: t('admin.granted'), key: 'granted', render: (_, h) => `${formatDateTime(h.granted_at)} ${h.granted_by ?? ''}` },
              { title: t('admin.revoked'), key: 'revoked', render: (_, h) => (h.revoked_at ? `${formatDateTime(h.revoked_at)} ${h.revoked_by ?? ''}` : t('admin.holding')) },
            ]}
          />
        </section>
      )}

      <Modal
        open={confirm === 'disable'}
        title={t('admin.disableTitle', { name: user.username ?? '' })}
        okText={t('admin.disable')}
        okButtonProps={{ danger: true, loading: busy === 'disable' }}
        cancelText={t('admin.cancel')}
        onCancel={() => setConfirm(undefined)}
        onOk={() => void patch('disable', { disabled: true })}
      >
        {t('admin.disableText')}
      </Modal>
      <Modal
        open={confirm === 'reset'}
        title={t('admin.resetTitle', { name: user.username ?? '' })}
        okText={t('admin.resetPassword')}
        okButtonProps={{ loading: busy === 'reset' }}
        cancelText={t('admin.cancel')}
        onCancel={() => setConfirm(undefined)}
        onOk={() => {
          void act('reset', async () => {
            const u = await call(api.PATCH('/api/v1/users/{id}', { params: { path: { id } }, body: { issue_password: true } }));
            setIssued(u.issued_password ?? '');
            // Shown once: the account kept on the page holds no copy.
            u.issued_password = undefined;
            return u;
          });
        }}
      >
        {t('admin.resetText')}
      </Modal>
      <Modal
        open={confirm === 'reject'}
        title={t('admin.rejectTitle')}
        okText={t('admin.rejectRoles')}
        okButtonProps={{ danger: true, loading: busy === 'reject' }}
        cancelText={t('admin.cancel')}
        onCancel={() => setConfirm(undefined)}
        onOk={() =>
          void act('reject', () =>
            call(api.POST('/api/v1/users/{id}/roles/reject', { params: { path: { id } }, body: { roles: pending, department_id: user.department_id } })),
          )
        }
      >
        {t('admin.rejectText')}
      </Modal>
      {issued && <IssuedPassword user={user} password={issued} onClose={() => setIssued(undefined)} />}
    </Drawer>
  );
}
