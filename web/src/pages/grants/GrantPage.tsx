// One grant (SHR-3): what it gives — the items of one entry, the rows of a
// region scope, for a purpose, by a method, for a period — its state and
// why, its calls by day (SHR-6), the monitoring's flags, the credentials
// that call with it, and the consumer's usage records (SHR-7, HLJ-28).
// The actions offered are those the server says the user may take on it
// (the grant's allowed): suspend, resume or revoke with a reason (the
// provider, the bureau, the secadmin), credentials (the consumer's
// officer), usage records (the consumer's officer or leader).
import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { Alert, Button, Descriptions, Space, Tag, message } from 'antd';
import { api, call } from '../../api/client';
import { Page, PageWaiting } from '../../components/Page';
import { useDepartments } from '../../components/useDepartments';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import { formatDateTime, formatNumber } from '../../format';
import { Code } from '../catalog/common';
import { GrantStateTag, ReasonDialog, useGrantLabels, type Grant } from './common';
import { GrantUsageChart } from './GrantUsageChart';
import { GrantFlags } from './GrantFlags';
import { GrantCredentials } from './GrantCredentials';
import { UsageRecords } from './UsageRecords';

type Change = 'suspend' | 'resume' | 'revoke';

/** useRegionNames names the regions of a scope (GET /api/v1/regions/{code}). */
function useRegionNames(codes: string[]): Map<string, string> {
  const [names, setNames] = useState<Map<string, string>>(new Map());
  const key = codes.join(',');
  useEffect(() => {
    let live = true;
    if (!key) return;
    void Promise.all(
      key.split(',').map((code) =>
        call(api.GET('/api/v1/regions/{code}', { params: { path: { code } } }))
          .then((r) => [code, r.name ?? ''] as const)
          .catch(() => [code, ''] as const),
      ),
    ).then((got) => live && setNames(new Map(got)));
    return () => {
      live = false;
    };
  }, [key]);
  return names;
}

export default function GrantPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const { me, can } = useSession();
  const l = useGrantLabels();
  const departments = useDepartments();
  const [grant, setGrant] = useState<Grant | undefined>();
  const [entryName, setEntryName] = useState('');
  const [error, setError] = useState<Error | null>(null);
  const [changing, setChanging] = useState<Change | undefined>();
  const [refreshKey, setRefreshKey] = useState(0);
  const [msg, holder] = message.useMessage();
  const regions = useRegionNames(grant?.region_scope ?? []);

  const load = useCallback(async () => {
    setError(null);
    try {
      const g = await call(api.GET('/api/v1/grants/{id}', { params: { path: { id } } }));
      setGrant(g);
      const e = await call(api.GET('/api/v1/catalog/{id}', { params: { path: { id: String(g.entry_id) } } })).catch(() => undefined);
      setEntryName(e?.name ?? '');
    } catch (e) {
      setError(e as Error);
    }
  }, [id]);
  useEffect(() => {
    void load();
  }, [load]);

  if (error || !grant) return <PageWaiting error={error} onRetry={() => void load()} />;

  const a = grant.allowed;
  const dept = (d: number | undefined) => (d ? departments.get(d) || `#${d}` : '—');
  const side =
    me?.department?.id && me.department.id === grant.consumer_department_id
      ? t('grants.youConsumer')
      : me?.department?.id && me.department.id === grant.provider_department_id
        ? t('grants.youProvider')
        : undefined;
  const changeText: Record<Change, { button: string; title: string; note: string; label: string; done: string }> = {
    suspend: {
      button: t('grants.suspend'),
      title: t('grants.suspendTitle'),
      note: t('grants.suspendNote'),
      label: t('grants.suspendReason'),
      done: t('grants.suspended'),
    },
    resume: { button: t('grants.resume'), title: t('grants.resumeTitle'), note: t('grants.resumeNote'), label: t('grants.resumeReason'), done: t('grants.resumed') },
    revoke: { button: t('grants.revoke'), title: t('grants.revokeTitle'), note: t('grants.revokeNote'), label: t('grants.revokeReason'), done: t('grants.revoked') },
  };
  const changes = (['suspend', 'resume', 'revoke'] as Change[]).filter((c) => a?.[c]);

  return (
    <Page
      title={t('grants.titleN', { id: grant.id ?? 0, name: entryName || grant.resource_code || '' })}
      extra={
        <Space>
          <Button
            onClick={() => {
              void load();
              setRefreshKey((k) => k + 1);
            }}
          >
            {t('action.refresh')}
          </Button>
          <Link to="/grants">{t('grants.backToList')}</Link>
        </Space>
      }
    >
      {holder}
      <Space wrap style={{ marginBottom: 16 }}>
        <GrantStateTag state={grant.state} />
        {side && <Tag className="govdata-tag govdata-tag-info">{side}</Tag>}
        {changes.map((c) => (
          <Button key={c} danger={c !== 'resume'} type={c === 'resume' ? 'primary' : 'default'} onClick={() => setChanging(c)}>
            {changeText[c].button}
          </Button>
        ))}
      </Space>
      {grant.state !== 'active' && (
        <Alert
          style={{ marginBottom: 16 }}
          type={grant.state === 'suspended' ? 'warning' : 'info'}
          showIcon
          message={t(`grants.stateNote.${grant.state ?? 'expired'}` as 'grants.stateNote.suspended')}
          description={grant.state_reason ? t('grants.stateReason', { reason: grant.state_reason }) : undefined}
        />
      )}
      <Descriptions
        bordered
        size="small"
        column={{ xs: 1, md: 2 }}
        styles={{ label: { width: 160 } }}
        style={{ marginBottom: 16 }}
        items={[
          {
            key: 'entry',
            label: t('grants.entry'),
            span: 2,
            children: (
              <Space wrap>
                <Link to={`/entries/${grant.entry_id}`}>{entryName || `#${grant.entry_id}`}</Link>
                <Code value={grant.resource_code} />
              </Space>
            ),
          },
          { key: 'consumer', label: t('grants.consumer'), children: dept(grant.consumer_department_id) },
          { key: 'provider', label: t('grants.provider'), children: dept(grant.provider_department_id) },
          {
            key: 'items',
            label: t('grants.items'),
            span: 2,
            children: (
              <Space wrap size={4}>
                {(grant.items ?? []).map((i) => (
                  <Tag className="govdata-tag" key={i}>
                    {i}
                    {(grant.unmasked_items ?? []).includes(i) ? `（${t('grants.unmasked')}）` : ''}
                  </Tag>
                ))}
              </Space>
            ),
          },
          {
            key: 'scope',
            label: t('grants.regionScope'),
            span: 2,
            children:
              (grant.region_scope ?? []).length === 0 ? (
                t('grants.allRegions')
              ) : (
                <Space wrap size={4}>
                  {(grant.region_scope ?? []).map((c) => (
                    <Tag className="govdata-tag" key={c}>
                      {regions.get(c) || ''} <span className="govdata-mono">{c}</span>
                    </Tag>
                  ))}
                </Space>
              ),
          },
          { key: 'purpose', label: t('grants.purpose'), span: 2, children: grant.purpose },
          { key: 'method', label: t('grants.methodLabel'), children: l.method(grant.method) },
          {
            key: 'export',
            label: t('grants.exportSensitive'),
            children: grant.export_sensitive ? t('grants.yes') : t('grants.no'),
          },
          {
            key: 'valid',
            label: t('grants.validity'),
            children: <span className="govdata-mono">{`${grant.valid_from} ~ ${grant.valid_until}`}</span>,
          },
          {
            key: 'app',
            label: t('grants.application'),
            children: can('share.read') ? (
              <Link to={`/sharing/applications/${grant.application_id}`}>{t('grants.applicationN', { id: grant.application_id ?? 0 })}</Link>
            ) : (
              t('grants.applicationN', { id: grant.application_id ?? 0 })
            ),
          },
          {
            key: 'usage',
            label: t('grants.usageTotal'),
            span: 2,
            children: (
              <Space wrap size={16} data-testid="usage-total">
                <span>{t('grants.callsN', { n: formatNumber(grant.usage?.calls ?? 0) })}</span>
                <span>{t('grants.rowsN', { n: formatNumber(grant.usage?.rows ?? 0) })}</span>
                <span>{t('grants.refusedN', { n: formatNumber(grant.usage?.refused ?? 0) })}</span>
                <span>
                  {grant.usage?.last_used_at
                    ? t('grants.lastUsedAt', { at: formatDateTime(grant.usage.last_used_at) })
                    : t('grants.neverUsed')}
                </span>
              </Space>
            ),
          },
        ]}
      />
      <GrantUsageChart grantID={id} reloadKey={refreshKey} />
      {/* 刷新 reads the flags again too: the component is made anew. */}
      <GrantFlags key={refreshKey} grant={grant} onResolved={() => void load()} />
      <GrantCredentials grant={grant} />
      {can('usage.read') && <UsageRecords grant={grant} />}
      <ReasonDialog
        open={!!changing}
        title={changing ? changeText[changing].title : ''}
        note={changing ? changeText[changing].note : undefined}
        label={changing ? changeText[changing].label : ''}
        okText={changing ? changeText[changing].button : ''}
        danger={changing !== 'resume'}
        onClose={() => setChanging(undefined)}
        onSend={async (reason) => {
          const c = changing as Change;
          const path = { params: { path: { id } }, body: { reason } };
          const g =
            c === 'suspend'
              ? await call(api.POST('/api/v1/grants/{id}/suspend', path))
              : c === 'resume'
                ? await call(api.POST('/api/v1/grants/{id}/resume', path))
                : await call(api.POST('/api/v1/grants/{id}/revoke', path));
          setGrant(g);
          setChanging(undefined);
          void msg.success(changeText[c].done);
        }}
      />
    </Page>
  );
}
