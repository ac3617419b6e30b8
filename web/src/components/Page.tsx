// A page's frame in the shell: its heading (the route's title from
// routes.tsx unless given) over its content.
import { createContext, useContext, type ReactNode } from 'react';
import { Button, Typography } from 'antd';
import { useI18n, type MessageKey } from '../i18n';
import { LoadError } from './LoadError';

/** The title of the route being shown, set by the shell's guard. */
export const RouteTitle = createContext<MessageKey>('app.name');

export function Page({ title, extra, children }: { title?: string; extra?: ReactNode; children: ReactNode }) {
  const { t } = useI18n();
  const routeTitle = useContext(RouteTitle);
  return (
    <section className="govdata-page" aria-labelledby="govdata-page-title">
      <div style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between', gap: 16, marginBottom: 16 }}>
        <Typography.Title level={1} id="govdata-page-title" style={{ fontSize: 20, margin: 0 }}>
          {title ?? t(routeTitle)}
        </Typography.Title>
        {extra}
      </div>
      {children}
    </section>
  );
}

/** PageWaiting is a page whose object has not come: why not and a retry, or that it is on its way. */
export function PageWaiting({ error, onRetry }: { error: Error | null | undefined; onRetry: () => void }) {
  const { t } = useI18n();
  return (
    <Page>
      {error ? <LoadError error={error} onRetry={onRetry} /> : <Typography.Text type="secondary">{t('state.loading')}</Typography.Text>}
    </Page>
  );
}

/** LoadMore appends the next page of a list while there is one. */
export function LoadMore({ more, loading, onMore }: { more: unknown; loading: boolean; onMore: () => void }) {
  const { t } = useI18n();
  if (!more) return null;
  return (
    <div style={{ textAlign: 'center', marginTop: 16 }}>
      <Button onClick={onMore} loading={loading}>
        {t('action.more')}
      </Button>
    </div>
  );
}
