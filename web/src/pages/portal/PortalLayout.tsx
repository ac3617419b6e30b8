// The public portal's frame (OPN-1): a header with the portal's name, its
// sections, the language and the visitor's account (or 登录 / 注册), the
// page, and a footer with the publisher, the terms, the API and the staff
// console's sign-in. No staff session is needed or asked for here.
import { createContext, Suspense, useContext, useEffect, useState, type ReactNode } from 'react';
import { Link, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { Button, Dropdown, Result, Spin, Typography } from 'antd';
import { DownOutlined, UserOutlined } from '@ant-design/icons';
import { useI18n, type MessageKey } from '../../i18n';
import { LanguageSwitch } from '../signin/SignInPage';
import { usePublicSession } from './account/publicSession';
import './portal.css';

const sections: { to: string; label: MessageKey; end?: boolean }[] = [
  { to: '/portal', label: 'portal.nav.home', end: true },
  { to: '/portal/catalog', label: 'portal.nav.catalog' },
  { to: '/portal/notices', label: 'portal.nav.notices' },
  { to: '/portal/terms', label: 'portal.nav.terms' },
];

function AccountArea() {
  const { t } = useI18n();
  const { state, signOut } = usePublicSession();
  const navigate = useNavigate();
  if (state.status === 'loading') return <span className="portal-account-slot" />;
  if (state.status !== 'signed-in') {
    return (
      <span className="portal-account-slot">
        <Link to="/portal/signin" className="portal-header-link">
          {t('portal.nav.signIn')}
        </Link>
        <Link to="/portal/register" className="portal-register">
          {t('portal.nav.register')}
        </Link>
      </span>
    );
  }
  const name = state.account.name || state.account.email || t('portal.account.mine');
  const items: { key: string; to: string; label: MessageKey }[] = [
    { key: 'account', to: '/portal/account', label: 'portal.account.overview' },
    { key: 'keys', to: '/portal/account/keys', label: 'portal.account.keys' },
    { key: 'applications', to: '/portal/account/applications', label: 'portal.account.applications' },
    { key: 'downloads', to: '/portal/account/downloads', label: 'portal.account.downloads' },
    { key: 'messages', to: '/portal/account/messages', label: 'portal.account.messages' },
  ];
  return (
    <span className="portal-account-slot">
      <Dropdown
        menu={{
          items: [
            ...items.map((i) => ({ key: i.key, label: <Link to={i.to}>{t(i.label)}</Link> })),
            { type: 'divider' as const },
            { key: 'signout', label: t('action.signOut'), onClick: () => void signOut().then(() => navigate('/portal')) },
          ],
        }}
        trigger={['click']}
      >
        <Button type="text" icon={<UserOutlined />} className="portal-account-button">
          {name} <DownOutlined />
        </Button>
      </Dropdown>
    </span>
  );
}

export function PortalNotFound() {
  const { t } = useI18n();
  const navigate = useNavigate();
  useEffect(() => {
    document.title = `${t('error.notFoundTitle')} - ${t('portal.name')}`;
  }, [t]);
  return (
    <Result
      status="404"
      title={t('error.notFoundTitle')}
      subTitle={t('portal.notFound')}
      extra={
        <Button type="primary" onClick={() => navigate('/portal/catalog')}>
          {t('portal.nav.catalog')}
        </Button>
      }
    />
  );
}

const OwnTitle = createContext<((title: string | null) => void) | null>(null);

/** usePortalTitle gives the page a title of its own (a dataset's name)
 * in place of its route's; null goes back to the route's. Outside a
 * PortalPage it sets the document's title itself. */
export function usePortalTitle(title: string | null | undefined) {
  const set = useContext(OwnTitle);
  const { t } = useI18n();
  useEffect(() => {
    if (!set) {
      if (title) document.title = `${title} - ${t('portal.name')}`;
      return;
    }
    set(title || null);
    return () => set(null);
  }, [title, set, t]);
}

/** PortalPage sets the document's title and shows a lazy page. */
export function PortalPage({ title, children }: { title: MessageKey; children: ReactNode }) {
  const { t } = useI18n();
  const [own, setOwn] = useState<string | null>(null);
  useEffect(() => {
    document.title = `${own ?? t(title)} - ${t('portal.name')}`;
  }, [title, own, t]);
  return (
    <OwnTitle.Provider value={setOwn}>
      <Suspense fallback={<Spin className="portal-spin" />}>{children}</Suspense>
    </OwnTitle.Provider>
  );
}

/** PortalLayout frames the portal's pages: its routes' (an <Outlet />), or
 * children when a router of its own renders it. */
export default function PortalLayout({ children }: { children?: ReactNode }) {
  const { t } = useI18n();
  const location = useLocation();
  // A new page starts at its top, as a link to another site's page would.
  useEffect(() => {
    window.scrollTo(0, 0);
  }, [location.pathname]);

  return (
    <>
      <div className="portal">
        <a href="#portal-main" className="portal-skip">
          {t('portal.skip')}
        </a>
        <header className="portal-header">
          <div className="portal-wrap portal-header-row">
            <Link to="/portal" className="portal-brand">
              <span className="govdata-brand-mark" aria-hidden="true">
                数
              </span>
              <span className="portal-brand-name">{t('portal.name')}</span>
            </Link>
            <nav aria-label={t('portal.nav.label')} className="portal-nav">
              {sections.map((s) => (
                <NavLink key={s.to} to={s.to} end={s.end} className={({ isActive }) => (isActive ? 'portal-nav-link active' : 'portal-nav-link')}>
                  {t(s.label)}
                </NavLink>
              ))}
            </nav>
            <div className="portal-header-tools">
              <LanguageSwitch />
              <AccountArea />
            </div>
          </div>
        </header>
        <main id="portal-main" className="portal-main" tabIndex={-1}>
          <Suspense fallback={<Spin className="portal-spin" />}>
            {children ?? <Outlet />}
          </Suspense>
        </main>
        <footer className="portal-footer">
          <div className="portal-wrap portal-footer-row">
            <div>
              <Typography.Text strong className="portal-footer-title">
                {t('portal.name')}
              </Typography.Text>
              <div>{t('portal.footer.publisher')}</div>
              <div className="portal-footer-note">{t('portal.footer.note')}</div>
            </div>
            <nav aria-label={t('portal.footer.label')} className="portal-footer-links">
              <Link to="/portal/terms">{t('portal.nav.terms')}</Link>
              <Link to="/portal/notices">{t('portal.nav.notices')}</Link>
              <a href="/api/v1/openapi.json">{t('portal.footer.api')}</a>
              <a href="/catalog.ttl">{t('portal.footer.dcat')}</a>
              <a href="/signin">{t('portal.footer.staff')}</a>
            </nav>
          </div>
        </footer>
      </div>
    </>
  );
}
