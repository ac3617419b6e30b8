// 导出追溯 (SEC-5): a file of shared data found where it should not be
// carries the trace mark of the export that made it (X-Govdata-Trace, in
// the file); pasting the mark here tells for whom it was made — the grant,
// the system credential, the consumer department, the items and rows.
// Each lookup is an audited read (GET /api/v1/export-traces/{trace}).
import { useState } from 'react';
import { Alert, Descriptions, Input, Space, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { api, call, type paths } from '../../api/client';
import { Page } from '../../components/Page';
import { formatDateTime, formatNumber } from '../../format';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import { Code } from '../catalog/common';

type Trace = paths['/api/v1/export-traces/{trace}']['get']['responses'][200]['content']['application/json'];

interface Found {
  trace: Trace;
  department?: string;
  credential?: string;
  entry?: { name?: string; code?: string };
}

export default function TracesPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const [text, setText] = useState('');
  const [found, setFound] = useState<Found | undefined>();
  const [error, setError] = useState<Error | null>(null);
  const [loading, setLoading] = useState(false);

  const look = async (mark: string) => {
    const trace = mark.trim();
    if (!trace) return;
    setLoading(true);
    setError(null);
    setFound(undefined);
    try {
      const tr = await call(api.GET('/api/v1/export-traces/{trace}', { params: { path: { trace } } }));
      // The names beside the IDs, where the user may read them; an ID
      // alone where not (the auditor reads no credentials).
      const [dept, cred, entry] = await Promise.all([
        call(api.GET('/api/v1/departments/{id}', { params: { path: { id: String(tr.consumer_department_id) } } })).catch(() => undefined),
        can('credential.read')
          ? call(api.GET('/api/v1/credentials/{id}', { params: { path: { id: String(tr.credential_id) } } })).catch(() => undefined)
          : Promise.resolve(undefined),
        call(api.GET('/api/v1/catalog/{id}', { params: { path: { id: String(tr.entry_id) } } })).catch(() => undefined),
      ]);
      setFound({
        trace: tr,
        department: dept?.name,
        credential: cred?.name,
        entry: entry ? { name: entry.name, code: entry.resource_code } : undefined,
      });
    } catch (e) {
      setError(e as Error);
    } finally {
      setLoading(false);
    }
  };

  const tr = found?.trace;
  return (
    <Page>
      <Typography.Paragraph type="secondary">{t('security.traceIntro')}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 16 }}>
        <Input.Search
          aria-label={t('security.traceMark')}
          placeholder={t('security.traceHint')}
          className="govdata-mono"
          style={{ width: 420 }}
          value={text}
          allowClear
          onChange={(e) => setText(e.target.value)}
          onSearch={(v) => void look(v)}
          enterButton={t('security.traceLookup')}
          loading={loading}
        />
      </Space>
      {error && <Alert style={{ marginBottom: 16 }} type="error" showIcon message={error.message} />}
      {tr && (
        <Descriptions bordered column={1} size="middle" styles={{ label: { width: 180 } }} aria-label={t('security.traceResult')}>
          <Descriptions.Item label={t('security.traceMark')}>
            <Code value={tr.trace} />
          </Descriptions.Item>
          <Descriptions.Item label={t('security.traceAt')}>{formatDateTime(tr.at)}</Descriptions.Item>
          <Descriptions.Item label={t('security.traceDepartment')}>
            {found?.department ?? `#${tr.consumer_department_id}`}
          </Descriptions.Item>
          <Descriptions.Item label={t('security.traceGrant')}>
            {can('grant.read') ? (
              <Link to={`/grants/${tr.grant_id}`}>{t('security.traceGrantNo', { id: tr.grant_id ?? 0 })}</Link>
            ) : (
              t('security.traceGrantNo', { id: tr.grant_id ?? 0 })
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t('security.traceCredential')}>
            {found?.credential ? `${found.credential} (#${tr.credential_id})` : `#${tr.credential_id}`}
          </Descriptions.Item>
          <Descriptions.Item label={t('security.traceEntry')}>
            {found?.entry ? (
              <Space size={8} wrap>
                <Link to={`/entries/${tr.entry_id}`}>{found.entry.name}</Link>
                <Code value={found.entry.code} />
              </Space>
            ) : (
              `#${tr.entry_id}`
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t('security.traceItems')}>
            <Space size={[4, 4]} wrap>
              {(tr.items ?? []).map((i) => (
                <Tag key={i}>{i}</Tag>
              ))}
            </Space>
          </Descriptions.Item>
          <Descriptions.Item label={t('security.traceRows')}>{formatNumber(tr.rows ?? 0)}</Descriptions.Item>
          <Descriptions.Item label={t('security.traceFormat')}>
            <span className="govdata-mono">{tr.format}</span>
          </Descriptions.Item>
        </Descriptions>
      )}
    </Page>
  );
}
