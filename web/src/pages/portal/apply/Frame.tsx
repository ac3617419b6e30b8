// A plain frame for the portal's pages until the portal's own layout
// (PortalLayout) mounts them: the platform's name, the heading, the page.
import { Suspense, useEffect } from 'react';
import { Link, Outlet } from 'react-router';
import { Layout, Spin, Typography } from 'antd';
import { useI18n } from '../../../i18n';

export default function Frame() {
  const { t } = useI18n();
  useEffect(() => {
    document.title = t('app.name');
  }, [t]);
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header style={{ background: '#fff', borderBottom: '1px solid #e5e7eb' }}>
        <Link to="/portal/account/applications">
          <Typography.Text strong>{t('app.name')}</Typography.Text>
        </Link>
      </Layout.Header>
      <Layout.Content style={{ padding: 24, maxWidth: 1100, margin: '0 auto', width: '100%' }}>
        <main>
          <Suspense fallback={<Spin />}>
            <Outlet />
          </Suspense>
        </main>
      </Layout.Content>
    </Layout>
  );
}
