// A page a later screen will build: a to-do's or a bookmark's link to it
// still lands somewhere, and leads back to the to-dos. The menu does not
// show it (routes.tsx, menuRoutes).
import { Button, Result } from 'antd';
import { useNavigate } from 'react-router';
import { Page } from '../../components/Page';
import { useI18n } from '../../i18n';
import { homePath } from '../../routes';

export default function PlaceholderPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  return (
    <Page>
      <Result
        status="info"
        title={t('placeholder.title')}
        subTitle={t('placeholder.body')}
        extra={
          <Button type="primary" onClick={() => navigate(homePath)}>
            {t('action.home')}
          </Button>
        }
      />
    </Page>
  );
}
