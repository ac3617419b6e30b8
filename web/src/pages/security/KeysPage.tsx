// 密钥状态 (SEC-2; HLJ-38, ZJ-27): the data key that seals sensitive items —
// its algorithm, every version with its creation date and which is
// current, and how far a rotation has gone: the stored sealed values still
// under older versions, counted by the server (GET /api/v1/keys). Key
// material is never shown; a rotation is made on the server
// (`govdata keys rotate`).
import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Descriptions, Progress, Table, Tag, Typography } from 'antd';
import { api, call, type paths } from '../../api/client';
import { Page, PageWaiting } from '../../components/Page';
import { formatDateTime, formatNumber } from '../../format';
import { useI18n } from '../../i18n';

type Status = paths['/api/v1/keys']['get']['responses'][200]['content']['application/json'];
type Version = NonNullable<Status['versions']>[number];

export default function KeysPage() {
  const { t } = useI18n();
  const [status, setStatus] = useState<Status | undefined>();
  const [error, setError] = useState<Error | null>(null);
  const [loading, setLoading] = useState(false);

  const load = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      setStatus(await call(api.GET('/api/v1/keys')));
    } catch (e) {
      setError(e as Error);
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  if (!status) return <PageWaiting error={error} onRetry={() => void load()} />;

  const sealed = status.sealed_values ?? 0;
  const pending = status.pending ?? 0;
  const done = sealed === 0 ? 100 : Math.floor(((sealed - pending) * 100) / sealed);
  return (
    <Page
      extra={
        <Button onClick={() => void load()} loading={loading}>
          {t('action.refresh')}
        </Button>
      }
    >
      {error && <Alert style={{ marginBottom: 16 }} type="error" showIcon message={error.message} />}
      {!status.configured ? (
        <Alert type="warning" showIcon message={t('security.keysNone')} description={t('security.keysNoneHint')} />
      ) : (
        <>
          {(status.unknown_version ?? 0) > 0 && (
            <Alert
              style={{ marginBottom: 16 }}
              type="error"
              showIcon
              message={t('security.keysUnknown', { n: formatNumber(status.unknown_version ?? 0) })}
            />
          )}
          <Descriptions bordered column={2} size="middle" style={{ marginBottom: 16 }} aria-label={t('security.keysSummary')}>
            <Descriptions.Item label={t('security.keysAlgorithm')}>
              <span className="govdata-mono">{status.algorithm}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('security.keysCurrent')}>
              <span className="govdata-mono">v{status.current}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('security.keysSealed')}>{formatNumber(sealed)}</Descriptions.Item>
            <Descriptions.Item label={t('security.keysPending')}>{formatNumber(pending)}</Descriptions.Item>
            <Descriptions.Item label={t('security.keysProgress')} span={2}>
              <div style={{ maxWidth: 480 }}>
                <Progress percent={done} status={pending > 0 ? 'active' : 'success'} aria-label={t('security.keysProgress')} />
                <Typography.Text type="secondary">
                  {pending > 0 ? t('security.keysRotating', { n: formatNumber(pending) }) : t('security.keysAllCurrent')}
                </Typography.Text>
              </div>
            </Descriptions.Item>
            <Descriptions.Item label={t('security.keysCountedAt')} span={2}>
              {formatDateTime(status.counted_at)}
            </Descriptions.Item>
          </Descriptions>
          <Table<Version>
            aria-label={t('security.keysVersions')}
            rowKey="version"
            dataSource={status.versions ?? []}
            pagination={false}
            columns={[
              { title: t('security.keysVersion'), key: 'v', width: 120, render: (_, v) => <span className="govdata-mono">v{v.version}</span> },
              { title: t('security.keysAlgorithm'), key: 'alg', width: 180, render: (_, v) => <span className="govdata-mono">{v.algorithm}</span> },
              { title: t('security.keysCreated'), key: 'created', width: 180, render: (_, v) => formatDateTime(v.created_at) },
              {
                title: t('security.keysState'),
                key: 'state',
                width: 140,
                render: (_, v) =>
                  v.current ? <Tag color="blue">{t('security.keysIsCurrent')}</Tag> : <Tag>{t('security.keysIsOld')}</Tag>,
              },
              {
                title: t('security.keysValues'),
                key: 'values',
                align: 'right',
                render: (_, v) => formatNumber(v.sealed_values ?? 0),
              },
            ]}
          />
          <Typography.Paragraph type="secondary" style={{ marginTop: 16 }}>
            {t('security.keysRotateHow')} <Typography.Text code copyable>govdata keys rotate</Typography.Text>
          </Typography.Paragraph>
        </>
      )}
    </Page>
  );
}
