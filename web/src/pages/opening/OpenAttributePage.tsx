// One approval of an open attribute (ZJ-20): the proposed attribute beside
// the one in force, the chain (the source, the 办公室, the 数字中心's
// leader) with its due date, and the step's decision — approve or sign,
// or refuse with a reason the provider is told.
import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Alert, Button, Descriptions, Space } from 'antd';
import { api, call } from '../../api/client';
import { Page, PageWaiting } from '../../components/Page';
import { useI18n } from '../../i18n';
import { Code } from '../catalog/common';
import { actionLabel, loadProfile, type Workflow } from '../sharing/common';
import { Chain } from './Chain';
import { DecideDialog } from './DecideDialog';
import { AttributeText, OpenAttributeStateTag, type OpenAttributeApproval } from './openAttribute';

export default function OpenAttributePage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const navigate = useNavigate();
  const [o, setO] = useState<OpenAttributeApproval | undefined>();
  const [flow, setFlow] = useState<Workflow | undefined>();
  const [error, setError] = useState<Error | null>(null);
  const [deciding, setDeciding] = useState<string | undefined>();
  const load = useCallback(async () => {
    setError(null);
    try {
      const [x, p] = await Promise.all([call(api.GET('/api/v1/open-attributes/{id}', { params: { path: { id } } })), loadProfile()]);
      setO(x);
      setFlow(p.workflows?.find((f) => f.kind === 'open_attribute'));
    } catch (e) {
      setError(e as Error);
    }
  }, [id]);
  useEffect(() => {
    void load();
  }, [load]);
  if (error || !o) return <PageWaiting error={error} onRetry={() => void load()} />;
  const wf = o.workflow ?? undefined;
  const actions = o.actions ?? [];
  return (
    <Page
      title={t('openAttr.title', { id: o.id ?? 0, name: o.entry_name ?? '' })}
      extra={<Button onClick={() => navigate('/opening/attributes')}>{t('sharing.backToList')}</Button>}
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <OpenAttributeStateTag state={o.state} />
        <Code value={o.resource_code} />
        <Link to={`/entries/${o.entry_id}`}>{t('sharing.openEntry')}</Link>
      </Space>
      {o.state === 'approved' && <Alert style={{ marginBottom: 16 }} type="success" showIcon message={t('openAttr.approved')} />}
      {o.state === 'rejected' && <Alert style={{ marginBottom: 16 }} type="warning" showIcon message={t('openAttr.rejected')} />}
      {actions.length > 0 && (
        <Alert
          style={{ marginBottom: 16 }}
          type="info"
          showIcon
          message={t('openAttr.actions')}
          description={
            <Space wrap>
              {actions.map((a) => (
                <Button key={a} type={a === 'approve' || a === 'sign' ? 'primary' : 'default'} danger={a === 'reject'} onClick={() => setDeciding(a)}>
                  {actionLabel(a, t)}
                </Button>
              ))}
            </Space>
          }
        />
      )}
      <Descriptions
        bordered
        size="small"
        column={{ xs: 1, md: 2 }}
        styles={{ label: { width: 160 } }}
        style={{ marginBottom: 16 }}
        items={[
          { key: 'proposed', label: t('openAttr.proposed'), children: <AttributeText attr={o.proposed} version={o.version} full /> },
          { key: 'effective', label: t('openAttr.effective'), children: <AttributeText attr={o.effective} version={o.effective_version} full /> },
          { key: 'provider', label: t('sharing.provider'), span: 2, children: o.provider_department_name },
        ]}
      />
      <Chain flow={flow} wf={wf} filedAt={o.created_at} standing={o} />
      <DecideDialog
        action={deciding}
        onClose={() => setDeciding(undefined)}
        send={(d) => call(api.POST('/api/v1/open-attributes/{id}/decision', { params: { path: { id } }, body: { ...d, step_seq: wf?.step_seq ?? 0 } as never }))}
        onDone={(x) => {
          setDeciding(undefined);
          setO(x);
        }}
      />
    </Page>
  );
}
