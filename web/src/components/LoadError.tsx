// A request that failed: the server's message in the user's language (or
// "cannot reach the server"), and a retry; never a blank page.
import { Alert, Button } from 'antd';
import { ApiError } from '../api/client';
import { useI18n } from '../i18n';

export function LoadError({ error, onRetry }: { error: Error; onRetry?: () => void }) {
  const { t } = useI18n();
  const requestId = error instanceof ApiError && error.requestId ? error.requestId : '';
  return (
    <Alert
      type="error"
      showIcon
      message={error.message}
      description={requestId ? t('error.requestId', { id: requestId }) : undefined}
      action={
        onRetry ? (
          <Button size="small" onClick={onRetry}>
            {t('action.retry')}
          </Button>
        ) : undefined
      }
    />
  );
}
