// A page of the menu that a later screen will build (issue 14): it exists so
// that the menu, the tasks' links and bookmarks already lead somewhere.
import { Result } from 'antd';
import { Page } from '../../components/Page';
import { useI18n } from '../../i18n';

export default function PlaceholderPage() {
  const { t } = useI18n();
  return (
    <Page>
      <Result status="info" title={t('placeholder.title')} subTitle={t('placeholder.body')} />
    </Page>
  );
}
