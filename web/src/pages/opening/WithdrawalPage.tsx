// One request to withdraw open data (OPN-3, HLJ-35): the entry, the
// reason, the chain with its due date; the bureau's reviewer approves,
// recording the filing with the provincial bureau, or refuses with a
// reason; the requesting officer may withdraw the request while pending.
import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Alert, Button, Descriptions, Space } from 'antd';
import { api, call } from '../../api/client';
import { Page, PageWaiting } from '../../components/Page';
import { useI18n } from '../../i18n';
import { formatDateTime } from '../../format';
import { Code } from '../catalog/common';
import { actionLabel, loadProfile, type Workflow } from '../sharing/common';
import { Chain } from './Chain';
import { DecideDialog } from './DecideDialog';
import { OpenStateTag, type OpenWithdrawal } from './common';

export default function WithdrawalPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const navigate = useNavigate();
  const [w, setW] = useState<OpenWithdrawal | undefined>();
  const [flow, setFlow] = useState<Workflow | undefined>();
  const [error, setError] = useState<Error | null>(null);
  const [deciding, setDeciding] = useState<string | undefined>();
  const load = useCallback(async () => {
    setError(null);
    try {
      const [x, p] = await Promise.all([call(api.GET('/api/v1/open-withdrawals/{id}', { params: { path: { id } } })), loadProfile()]);
      setW(x);
      setFlow(p.workflows?.find((f) => f.kind === 'open_withdrawal'));
    } catch (e) {
      setError(e as Error);
    }
  }, [id]);
  useEffect(() => {
    void load();
  }, [load]);
  if (error || !w) return <PageWaiting error={error} onRetry={() => void load()} />;
  const wf = w.workflow ?? undefined;
  const actions = w.actions ?? [];
  return (
    <Page
      title={t('opening.withdrawalTitle', { id: w.id ?? 0, name: w.entry_name ?? '' })}
      extra={<Button onClick={() => navigate('/opening/withdrawals')}>{t('sharing.backToList')}</Button>}
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <OpenStateTag state={w.state} />
        <Code value={w.resource_code} />
        <Link to={`/entries/${w.entry_id}`}>{t('sharing.openEntry')}</Link>
      </Space>
      {w.state === 'approved' && <Alert style={{ marginBottom: 16 }} type="success" showIcon message={t('opening.withdrawalApproved')} />}
      {actions.length > 0 && (
        <Alert
          style={{ marginBottom: 16 }}
          type="info"
          showIcon
          message={t('opening.withdrawalActions')}
          description={
            <Space wrap>
              {actions.map((a) => (
                <Button key={a} type={a === 'approve' ? 'primary' : 'default'} danger={a === 'reject' || a === 'withdraw'} onClick={() => setDeciding(a)}>
                  {a === 'withdraw' ? t('opening.cancelRequest') : actionLabel(a, t)}
                </Button>
              ))}
            </Space>
          }
        />
      )}
      <Chain flow={flow} wf={wf} filedAt={w.requested_at} standing={w} />
      <Descriptions
        bordered
        size="small"
        column={{ xs: 1, md: 2 }}
        styles={{ label: { width: 140 } }}
        style={{ marginBottom: 16 }}
        items={[
          { key: 'provider', label: t('sharing.provider'), children: w.provider_department_name },
          { key: 'by', label: t('sharing.filedBy'), children: `${w.requested_by} · ${formatDateTime(w.requested_at)}` },
          { key: 'reason', label: t('opening.withdrawReason'), span: 2, children: w.reason },
          ...(w.provincial_filing ? [{ key: 'filing', label: t('opening.filing'), span: 2, children: w.provincial_filing }] : []),
        ]}
      />
      <DecideDialog
        action={deciding}
        filing
        onClose={() => setDeciding(undefined)}
        send={(d) => call(api.POST('/api/v1/open-withdrawals/{id}/decision', { params: { path: { id } }, body: { ...d, step_seq: wf?.step_seq ?? 0 } as never }))}
        onDone={(x) => {
          setDeciding(undefined);
          setW(x);
        }}
      />
    </Page>
  );
}
