// A minimal public layout for the account pages until the portal's own
// (PortalLayout) lands: the portal's name, the language, sign-in or the
// account, and the page. Swapping it is one import in PortalApp.tsx.
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { Button, Layout, Space, Typography } from 'antd';
import { useI18n } from '../../../i18n';
import { LanguageSwitch } from '../../signin/SignInPage';
import { usePublicSession } from './publicSession';

export default function AccountLayout({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const { state, signOut } = usePublicSession();
  return (
    <Layout style={{ minHeight: '100vh', background: '#f5f7fa' }}>
      <Layout.Header style={{ background: '#fff', borderBottom: '1px solid #e5e7eb', display: 'flex', alignItems: 'center', gap: 16, paddingInline: 24 }}>
        <Link to="/portal" style={{ color: 'inherit' }}>
          <Typography.Text strong style={{ fontSize: 16 }}>
            {t('portal.name')}
          </Typography.Text>
        </Link>
        <span style={{ flex: 1 }} />
        <Space>
          <LanguageSwitch />
          {state.status === 'signed-in' ? (
            <>
              <Link to="/portal/account">{state.account.name}</Link>
              <Button size="small" onClick={() => void signOut()}>
                {t('action.signOut')}
              </Button>
            </>
          ) : (
            <>
              <Link to="/portal/signin">{t('portal.signIn')}</Link>
              <Link to="/portal/register">{t('portal.register')}</Link>
            </>
          )}
        </Space>
      </Layout.Header>
      <Layout.Content style={{ padding: 24, maxWidth: 1100, width: '100%', margin: '0 auto' }}>
        <main>{children}</main>
      </Layout.Content>
    </Layout>
  );
}
