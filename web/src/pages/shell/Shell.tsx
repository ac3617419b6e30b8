// The console's frame: a left menu built from the routes the user's
// permissions open (routes.tsx, GET /api/v1/me), and a header with the
// user's department and region, the notification inbox, the language and
// sign-out.
import { useMemo, useState } from 'react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { App as AntApp, Avatar, Badge, Button, Dropdown, Layout, Menu, Space, Tooltip, Typography } from 'antd';
import type { MenuProps } from 'antd';
import { BellOutlined, IdcardOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { api, call } from '../../api/client';
import { useI18n, type MessageKey } from '../../i18n';
import { useSession } from '../../session';
import { menuGroups, menuRoutes, routes, PlatformIcon } from '../../routes';
import { LanguageSwitch } from '../signin/SignInPage';
import { InboxProvider, useInbox } from './inbox';

function NotificationBell() {
  const { t } = useI18n();
  const { unread, more } = useInbox();
  const label = unread > 0 ? t('header.unread', { n: more ? `${unread}+` : unread }) : t('header.noUnread');
  return (
    <Tooltip title={label}>
      <Link to="/notifications" aria-label={label} style={{ display: 'inline-flex', lineHeight: 1 }}>
        <Badge count={unread} overflowCount={99} size="small">
          <BellOutlined style={{ fontSize: 18, color: '#374151' }} />
        </Badge>
      </Link>
    </Tooltip>
  );
}

function UserMenu() {
  const { t } = useI18n();
  const { me, signedOut } = useSession();
  const { message } = AntApp.useApp();
  const [busy, setBusy] = useState(false);
  const user = me?.user;
  const roles = (user?.roles ?? []).map((r) => t(`role.${r}` as MessageKey)).join('、');
  const signOut = async () => {
    if (busy) return;
    setBusy(true);
    try {
      await call(api.POST('/api/v1/auth/logout'));
    } catch (e) {
      // The session may be gone already; the user is signed out here either way.
      if (!(e instanceof Error) || e.name !== 'ApiError') message.warning((e as Error).message);
    } finally {
      setBusy(false);
      // To the plain sign-in page: leaving is not an expiry to come back from.
      signedOut('signed-out');
    }
  };
  const items: MenuProps['items'] = [
    { key: 'who', disabled: true, label: <span>{roles || t('role.none')}</span> },
    { type: 'divider' },
    { key: 'account', icon: <IdcardOutlined />, label: <Link to="/account">{t('page.account')}</Link> },
    { key: 'signout', icon: <LogoutOutlined />, label: t('action.signOut'), onClick: () => void signOut() },
  ];
  return (
    <Dropdown menu={{ items }} trigger={['click']} placement="bottomRight">
      <Button
        type="text"
        loading={busy}
        aria-label={`${user?.name || user?.username || ''} · ${t('header.account')}`}
        style={{ paddingInline: 8 }}
      >
        <Space size={8}>
          <Avatar size="small" icon={<UserOutlined />} style={{ backgroundColor: '#1d4ed8' }} />
          <span style={{ maxWidth: 160, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
            {user?.name || user?.username}
          </span>
        </Space>
      </Button>
    </Dropdown>
  );
}

function Where() {
  const { t } = useI18n();
  const { me } = useSession();
  const dept = me?.department?.name;
  const region = me?.region?.name;
  const text = dept ? (region ? `${dept} · ${region}` : dept) : t('header.platform');
  return (
    <Typography.Text
      type="secondary"
      ellipsis={{ tooltip: text }}
      style={{ maxWidth: 420 }}
      data-testid="where"
    >
      {text}
    </Typography.Text>
  );
}

export default function Shell() {
  const { t } = useI18n();
  const { can } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const [collapsed, setCollapsed] = useState(false);

  // The menu: each group with the pages of it the user may open.
  const items = useMemo<MenuProps['items']>(() => {
    const out: NonNullable<MenuProps['items']> = [];
    for (const g of menuGroups) {
      const pages = menuRoutes(g.key, can);
      if (pages.length === 0) continue;
      out.push({
        key: `group:${g.key}`,
        icon: g.icon,
        label: t(g.title),
        children: pages.map((r) => ({ key: `/${r.path}`, label: <Link to={`/${r.path}`}>{t(r.title)}</Link> })),
      });
    }
    return out;
  }, [can, t]);

  // The menu item of the page shown: the longest route path that prefixes it.
  const selected = useMemo(() => {
    const here = location.pathname;
    let best = '';
    for (const r of routes) {
      if (!r.menu) continue;
      const p = `/${r.path}`;
      if ((here === p || here.startsWith(p + '/')) && p.length > best.length) best = p;
    }
    return best;
  }, [location.pathname]);
  const openGroups = useMemo(
    () => menuGroups.filter((g) => routes.some((r) => r.menu === g.key && `/${r.path}` === selected)).map((g) => `group:${g.key}`),
    [selected],
  );
  const [open, setOpen] = useState<string[]>(openGroups.length ? openGroups : ['group:workbench']);

  return (
    <InboxProvider>
      <Layout style={{ minHeight: '100vh' }}>
        <Layout.Sider collapsible collapsed={collapsed} onCollapse={setCollapsed} width={216} breakpoint="lg">
          <div
            className="govdata-sider-title"
            role="button"
            tabIndex={0}
            onClick={() => navigate('/')}
            onKeyDown={(e) => e.key === 'Enter' && navigate('/')}
          >
            <PlatformIcon aria-hidden="true" style={{ fontSize: 20 }} />
            {!collapsed && <span>{t('app.shortName')}</span>}
          </div>
          <nav aria-label={t('menu.label')}>
            <Menu
              theme="dark"
              mode="inline"
              items={items}
              selectedKeys={selected ? [selected] : []}
              openKeys={collapsed ? undefined : open}
              onOpenChange={(keys) => setOpen(keys as string[])}
            />
          </nav>
        </Layout.Sider>
        <Layout>
          <header className="govdata-header">
            <Where />
            <div className="govdata-header-right">
              <LanguageSwitch />
              <NotificationBell />
              <UserMenu />
            </div>
          </header>
          <Layout.Content className="govdata-content">
            <main>
              <Outlet />
            </main>
          </Layout.Content>
        </Layout>
      </Layout>
    </InboxProvider>
  );
}
