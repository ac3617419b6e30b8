// The openflow portal pages are a signed-in public account's (OPN-2):
// anyone else is asked to sign in or register first.
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { Alert, Space, Spin } from 'antd';
import { useI18n } from '../../../i18n';
import { usePublicSession } from '../account/publicSession';

// Each page sits in the portal's column, as its other pages do.
export function RequireAccount({ children }: { children: ReactNode }) {
  return <div className="portal-wrap portal-page">{<Gate>{children}</Gate>}</div>;
}

function Gate({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const { state } = usePublicSession();
  if (state.status === 'loading') return <Spin />;
  if (state.status === 'signed-in') return <>{children}</>;
  return (
    <Alert
      type="info"
      showIcon
      message={t('openApply.signInFirst')}
      description={
        <Space>
          <Link to="/portal/signin">{t('portal.signIn')}</Link>
          <Link to="/portal/register">{t('portal.register')}</Link>
        </Space>
      }
    />
  );
}
