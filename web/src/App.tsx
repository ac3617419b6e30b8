import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { App as AntApp, Button, ConfigProvider, Result, Spin } from 'antd';
import { LoadingOutlined } from '@ant-design/icons';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { setApiLanguage, setUnauthorizedHandler } from './api/client';
import { I18nProvider, initialLang, useI18n, type Lang } from './i18n';
import { SessionProvider, useSession } from './session';
import { ErrorBoundary } from './components/ErrorBoundary';
import { LoadError } from './components/LoadError';
import { RouteTitle } from './components/Page';
import { keepFocusInDialogs } from './components/dialogFocus';
import { homePath, routes, type ConsoleRoute } from './routes';
import SignInPage from './pages/signin/SignInPage';

// Ant Design writes its styles into <style> elements at run time; the
// server's Content-Security-Policy admits them by this page's nonce
// (http/console.go), which the page carries in its csp-nonce meta.
// The shell (layout, menu, header) is loaded after sign-in: the sign-in
// page's first load carries none of it.
const Shell = lazy(() => import('./pages/shell/Shell'));
// The public portal (/portal/*, OPN-1, OPN-2): its own session, outside the
// staff shell and the staff session, so that it never asks for a staff sign-in.
const PortalApp = lazy(() => import('./pages/portal/PortalApp'));

const nonce = document.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]')?.nonce || undefined;

function applyLang(lang: Lang) {
  setApiLanguage(lang);
  dayjs.locale(lang === 'zh' ? 'zh-cn' : 'en');
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
}
applyLang(initialLang());
keepFocusInDialogs();

function Themed({ children }: { children: ReactNode }) {
  const { lang, t } = useI18n();
  return (
    <ConfigProvider
      locale={lang === 'zh' ? zhCN : enUS}
      csp={{ nonce }}
      // "登录", not "登 录": the spaced two-character button is a print
      // habit that screen readers and search read as two words.
      // A button's spinner, named in the user's language while its request
      // runs. Ant Design's own spinner, after a quick request, can stay
      // behind invisible (its fold-away transition never ends), and the
      // button's name then reads "loading 登录" for good.
      button={{ autoInsertSpace: false, loadingIcon: <LoadingOutlined aria-label={t('state.loading')} /> }}
      theme={{
        token: {
          colorPrimary: '#1d4ed8',
          colorLink: '#1d4ed8',
          // Hovered and pressed, the blue stays dark enough for white text
          // on it and for blue text on white (4.5:1): #2563eb gives 5.2:1,
          // #1e40af 8.7:1, where the derived lighter hover falls short.
          colorPrimaryHover: '#2563eb',
          colorPrimaryActive: '#1e40af',
          colorLinkHover: '#2563eb',
          colorLinkActive: '#1e40af',
          // Information (a "new" tag, an info alert) in the primary blue:
          // Ant Design's #1677ff on its own tint reaches 3.9:1 only.
          colorInfo: '#1d4ed8',
          borderRadius: 6,
          // Secondary text dark enough for WCAG AA contrast (4.5:1) on the
          // light backgrounds it is drawn on.
          colorTextSecondary: 'rgba(0, 0, 0, 0.65)',
          colorTextDescription: 'rgba(0, 0, 0, 0.65)',
          // A select's placeholder often says what an empty choice means
          // ("不限地区（全部数据行）", a filter's name): it must be read.
          // Ant Design's 0.25 reaches 1.9:1; 0.62 gives 5.9:1 on white and
          // stays lighter than a value.
          colorTextPlaceholder: 'rgba(0, 0, 0, 0.62)',
          // Danger buttons, error text and badges dark enough for WCAG AA:
          // Ant Design's #ff4d4f reaches 3.2:1 on white, and white on it
          // as little. #b91c1c gives 6.5:1, its hover #c62828 5.6:1, its
          // pressed state #991b1b 8.3:1, in text and as a fill alike.
          colorError: '#b91c1c',
          colorErrorHover: '#c62828',
          colorErrorActive: '#991b1b',
          colorErrorText: '#b91c1c',
          colorErrorTextHover: '#c62828',
          colorErrorTextActive: '#991b1b',
          colorErrorBorderHover: '#c62828',
          fontFamily:
            "-apple-system, BlinkMacSystemFont, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
        },
      }}
    >
      <AntApp>{children}</AntApp>
    </ConfigProvider>
  );
}

export function FullPageSpin() {
  const { t } = useI18n();
  return (
    <div className="govdata-center">
      <Spin size="large" tip={t('state.loading')}>
        <div style={{ width: 120, height: 80 }} />
      </Spin>
    </div>
  );
}

/** Any call that finds the session gone ends it here; RequireSession then
 * sends the user to sign in, and back. */
function SessionWatch() {
  const { signedOut } = useSession();
  useEffect(() => {
    setUnauthorizedHandler(() => signedOut('expired'));
  }, [signedOut]);
  return null;
}

/** The shell's pages need a session with a usable password. */
function RequireSession({ children }: { children: ReactNode }) {
  const { state, reload } = useSession();
  const location = useLocation();
  const { t } = useI18n();
  if (state.status === 'loading') return <FullPageSpin />;
  if (state.status === 'error') {
    return (
      <div className="govdata-center">
        <Result
          status="warning"
          title={t('error.start')}
          extra={<LoadError error={state.error} onRetry={() => void reload()} />}
        />
      </div>
    );
  }
  if (state.status === 'signed-out' && state.reason === 'signed-out') return <Navigate to="/signin" replace />;
  if (state.status === 'signed-out' || state.me.password_change_required) {
    const here = location.pathname + location.search;
    const q = new URLSearchParams();
    if (here !== '/') q.set('next', here);
    if (state.status === 'signed-out' && state.reason === 'expired') q.set('reason', 'expired');
    const query = q.toString();
    return <Navigate to={query ? `/signin?${query}` : '/signin'} replace />;
  }
  return <>{children}</>;
}

/** A page the user may not open says so, without asking the server. */
function Guard({ route }: { route: ConsoleRoute }) {
  const { can } = useSession();
  const { t } = useI18n();
  useEffect(() => {
    document.title = `${t(route.title)} - ${t('app.name')}`;
  }, [route.title, t]);
  if (!can(route.perm)) {
    return <Result status="403" title={t('error.forbiddenTitle')} subTitle={t('error.forbiddenPage')} />;
  }
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
  const navigate = useNavigate();
  return (
    <Result
      status="404"
      title={t('error.notFoundTitle')}
      subTitle={t('error.notFoundPage')}
      extra={
        <Button type="primary" onClick={() => navigate(homePath)}>
          {t('action.home')}
        </Button>
      }
    />
  );
}

function RoutedErrorBoundary({ children }: { children: ReactNode }) {
  const location = useLocation();
  return <ErrorBoundary resetKey={location.pathname}>{children}</ErrorBoundary>;
}

/** The staff console: its session (GET /api/v1/me) and shell. */
function StaffApp() {
  return (
    <SessionProvider>
      <SessionWatch />
      <Routes>
        <Route path="/signin" element={<SignInPage />} />
        <Route
          path="/"
          element={
            <RequireSession>
              <Suspense fallback={<FullPageSpin />}>
                <Shell />
              </Suspense>
            </RequireSession>
          }
        >
          <Route index element={<Navigate to={homePath} replace />} />
          {routes.map((r) => (
            <Route key={r.path} path={r.path} element={<Guard route={r} />} />
          ))}
          <Route path="*" element={<NotFound />} />
        </Route>
      </Routes>
    </SessionProvider>
  );
}

export default function App() {
  return (
    <I18nProvider onChange={applyLang}>
      <Themed>
        <ErrorBoundary>
          <BrowserRouter>
            <RoutedErrorBoundary>
              <Routes>
                <Route
                  path="/portal/*"
                  element={
                    <Suspense fallback={<FullPageSpin />}>
                      <PortalApp />
                    </Suspense>
                  }
                />
                <Route path="*" element={<StaffApp />} />
              </Routes>
            </RoutedErrorBoundary>
          </BrowserRouter>
        </ErrorBoundary>
      </Themed>
    </I18nProvider>
  );
}
