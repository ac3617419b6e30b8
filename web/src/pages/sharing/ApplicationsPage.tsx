// 共享申请: the applications the user's department filed and those for its
// data (SHR-1, SHR-2), newest first, a page at a time; each with where it
// stands — the current step and its due date as the API counts it — or how
// it ended. Reviewers see every application of their bureau ("全部").
import { useCallback, useEffect, useState } from 'react';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router';
import { Alert, Button, Select, Space, Table, Tabs, Typography } from 'antd';
import { api, call } from '../../api/client';
import { Page, LoadMore } from '../../components/Page';
import { LoadError } from '../../components/LoadError';
import { usePaged } from '../../components/usePaged';
import { useI18n, type MessageKey } from '../../i18n';
import { useSession } from '../../session';
import { formatDateTime } from '../../format';
import { EntryName } from '../catalog/common';
import { applicationStates, findStep, loadProfile, pick, Standing, StateTag, type Application, type Workflow } from './common';

const pageSize = 20;
const sides = ['all', 'provider', 'applicant'] as const;
type Side = (typeof sides)[number];

export default function ApplicationsPage() {
  const { t, lang } = useI18n();
  const { can } = useSession();
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const navigate = useNavigate();
  const done = (location.state as { done?: string } | null)?.done;
  const side: Side = sides.find((s) => s === params.get('side')) ?? 'all';
  const state = applicationStates.find((s) => s === params.get('state')) ?? '';
  const [flows, setFlows] = useState<Workflow[]>([]);

  useEffect(() => {
    void loadProfile()
      .then((p) => setFlows(p.workflows ?? []))
      .catch(() => setFlows([]));
  }, []);

  const fetch = useCallback(
    (cursor?: string) =>
      call(
        api.GET('/api/v1/applications', {
          params: {
            query: {
              limit: String(pageSize),
              ...(side !== 'all' ? { side } : {}),
              ...(state ? { state } : {}),
              ...(cursor ? { cursor } : {}),
            },
          },
        }),
      ),
    [side, state],
  );
  const { items, cursor, loading, error, load } = usePaged<Application>(fetch);

  function set(key: string, value: string) {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  }

  const stepTitle = (a: Application) => {
    const flow = flows.find((f) => f.kind === (a.share_type === 'unconditional' ? 'share_unconditional' : 'share_conditional'));
    const s = findStep(flow, a.step);
    return pick(s?.title, lang) || a.step || '';
  };

  return (
    <Page
      extra={
        <Space wrap>
          {can('share.apply') && (
            <Button type="primary" onClick={() => navigate('/entries')}>
              {t('sharing.findToApply')}
            </Button>
          )}
          <Button onClick={() => void load()} loading={loading}>
            {t('action.refresh')}
          </Button>
        </Space>
      }
    >
      {done && <Alert style={{ marginBottom: 16 }} type="success" showIcon closable message={done} />}
      <Tabs
        activeKey={side}
        onChange={(k) => set('side', k === 'all' ? '' : k)}
        items={sides.map((s) => ({ key: s, label: t(`sharing.side.${s}` as MessageKey) }))}
      />
      {/* Beside the tabs, not in their bar: a tab list holds tabs only. */}
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          aria-label={t('sharing.stateFilter')}
          style={{ width: 160 }}
          value={state}
          onChange={(v) => set('state', v)}
          options={[
            { value: '', label: t('sharing.stateAll') },
            ...applicationStates.map((s) => ({ value: s, label: t(`sharing.state.${s}` as MessageKey) })),
          ]}
        />
      </Space>
      {error && (
        <div style={{ marginBottom: 16 }}>
          <LoadError error={error} onRetry={() => void load()} />
        </div>
      )}
      <Table<Application>
        aria-label={t('page.applications')}
        rowKey={(a) => String(a.id)}
        dataSource={items}
        loading={loading && items.length === 0}
        pagination={false}
        scroll={items.length ? { x: 1000 } : undefined}
        locale={{
          emptyText: (
            <Typography.Text type="secondary">
              {t(can('share.apply') ? 'sharing.emptyApply' : 'sharing.empty')}
            </Typography.Text>
          ),
        }}
        columns={[
          {
            title: t('sharing.number'),
            key: 'id',
            width: 80,
            align: 'right',
            render: (_, a) => <Link to={`/sharing/applications/${a.id}`}>#{a.id}</Link>,
          },
          {
            title: t('sharing.entry'),
            key: 'entry',
            render: (_, a) => <EntryName to={`/sharing/applications/${a.id}`} name={a.entry_name} code={a.resource_code} />,
          },
          { title: t('sharing.applicant'), key: 'applicant', width: 150, render: (_, a) => a.applicant_department_name },
          { title: t('sharing.provider'), key: 'provider', width: 150, render: (_, a) => a.provider_department_name },
          {
            title: t('sharing.where'),
            key: 'where',
            width: 250,
            render: (_, a) =>
              a.state === 'open' ? (
                <Space orientation="vertical" size={2}>
                  <span>{stepTitle(a)}</span>
                  <Standing app={a} />
                </Space>
              ) : (
                <StateTag state={a.state} />
              ),
          },
          {
            title: t('sharing.filedAt'),
            key: 'at',
            width: 150,
            render: (_, a) => <span className="govdata-mono">{formatDateTime(a.created_at)}</span>,
          },
        ]}
      />
      <LoadMore more={cursor} loading={loading} onMore={() => void load(cursor)} />
    </Page>
  );
}
