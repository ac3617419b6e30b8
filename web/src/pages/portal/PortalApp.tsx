// The public area (/portal/*): its own session (a public account's, OPN-2),
// layout and routes, outside the staff shell and its session.
import { Route, Routes } from 'react-router';
import { RouteTitle } from '../../components/Page';
import { portalRoutes, type PortalRoute } from '../../portalRoutes';
import { PublicSessionProvider } from './account/publicSession';
import PortalLayout, { PortalNotFound, PortalPage } from './PortalLayout';

function Titled({ route }: { route: PortalRoute }) {
  const Page = route.page;
  return (
    <PortalPage title={route.title}>
      <RouteTitle.Provider value={route.title}>
        <Page />
      </RouteTitle.Provider>
    </PortalPage>
  );
}

export default function PortalApp() {
  return (
    <PublicSessionProvider>
      <PortalLayout>
        <Routes>
          {portalRoutes.map((r) =>
            r.path === '' ? (
              <Route key={r.path} index element={<Titled route={r} />} />
            ) : (
              <Route key={r.path} path={r.path} element={<Titled route={r} />} />
            ),
          )}
          <Route path="*" element={<PortalNotFound />} />
        </Routes>
      </PortalLayout>
    </PublicSessionProvider>
  );
}
