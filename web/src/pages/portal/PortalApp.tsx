// The public area (/portal/*): its own session (a public account's, OPN-2)
// and routes, outside the staff shell and its session.
import { Suspense, useEffect } from 'react';
import { Route, Routes } from 'react-router';
import { Result, Spin } from 'antd';
import { useI18n } from '../../i18n';
import { RouteTitle } from '../../components/Page';
import { portalRoutes, type PortalRoute } from '../../portalRoutes';
import { PublicSessionProvider } from './account/publicSession';
import AccountLayout from './account/AccountLayout';

function Titled({ route }: { route: PortalRoute }) {
  const { t } = useI18n();
  useEffect(() => {
    document.title = `${t(route.title)} - ${t('portal.name')}`;
  }, [route.title, t]);
  const Page = route.page;
  return (
    <RouteTitle.Provider value={route.title}>
      <Suspense fallback={<Spin style={{ display: 'block', margin: '48px auto' }} />}>
        <Page />
      </Suspense>
    </RouteTitle.Provider>
  );
}

function NotFound() {
  const { t } = useI18n();
  return <Result status="404" title={t('error.notFoundTitle')} subTitle={t('error.notFoundPage')} />;
}

export default function PortalApp() {
  return (
    <PublicSessionProvider>
      <AccountLayout>
        <Routes>
          {portalRoutes.map((r) => (
            <Route key={r.path} path={r.path} element={<Titled route={r} />} />
          ))}
          <Route path="*" element={<NotFound />} />
        </Routes>
      </AccountLayout>
    </PublicSessionProvider>
  );
}
