// 授权: the grants the user sees, newest first (SHR-3) — those the
// department holds (side=consumer), those on its data (side=provider), or
// all it may see (the bureau's reviewer, the secadmin and the auditor see
// every one; the server decides). Each row names the entry, both
// departments, the method, the period, the state and the calls so far.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Button, Segmented, Space, Table, Tag, Typography } from 'antd';
import { api, call } from '../../api/client';
import { Page, LoadMore } from '../../components/Page';
import { LoadError } from '../../components/LoadError';
import { usePaged } from '../../components/usePaged';
import { useDepartments } from '../../components/useDepartments';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import { formatDateTime, formatNumber } from '../../format';
import { EntryName } from '../catalog/common';
import { GrantStateTag, useGrantLabels, type Grant } from './common';

const pageSize = 20;
type Side = '' | 'consumer' | 'provider';

/** useEntryNames reads the names of the entries a list names, each once. */
export function useEntryNames(ids: number[]): Map<number, string> {
  const [names, setNames] = useState<Map<number, string>>(new Map());
  const asked = useRef(new Set<number>());
  const key = [...new Set(ids)].sort((a, b) => a - b).join(',');
  useEffect(() => {
    const missing = key ? key.split(',').map(Number).filter((id) => id > 0 && !asked.current.has(id)) : [];
    if (missing.length === 0) return;
    missing.forEach((id) => asked.current.add(id));
    void Promise.all(
      missing.map((id) =>
        call(api.GET('/api/v1/catalog/{id}', { params: { path: { id: String(id) } } }))
          .then((e) => [id, e.name ?? ''] as const)
          .catch(() => [id, ''] as const),
      ),
    ).then((got) => setNames((prev) => new Map([...prev, ...got])));
  }, [key]);
  return names;
}

export default function GrantsPage() {
  const { t } = useI18n();
  const { me } = useSession();
  const l = useGrantLabels();
  const departments = useDepartments();
  const [params, setParams] = useSearchParams();
  // A department's people choose a side; without a department there is none.
  const hasDept = !!me?.department?.id;
  const side = (hasDept ? params.get('side') ?? '' : '') as Side;
  const entryID = params.get('entry_id') ?? '';

  const fetch = useCallback(
    (cursor?: string) =>
      call(
        api.GET('/api/v1/grants', {
          params: {
            query: {
              limit: String(pageSize),
              ...(side ? { side } : {}),
              ...(entryID ? { entry_id: entryID } : {}),
              ...(cursor ? { cursor } : {}),
            },
          },
        }),
      ),
    [side, entryID],
  );
  const { items, cursor, loading, error, load } = usePaged<Grant>(fetch);
  const entryNames = useEntryNames(useMemo(() => [...items.map((g) => g.entry_id ?? 0), ...(entryID ? [Number(entryID)] : [])], [items, entryID]));
  const dept = (id: number | undefined) => (id ? departments.get(id) || `#${id}` : '—');
  const set = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next, { replace: true });
  };

  return (
    <Page
      extra={
        <Button onClick={() => void load()} loading={loading}>
          {t('action.refresh')}
        </Button>
      }
    >
      <Space wrap style={{ marginBottom: 12 }}>
        {hasDept && (
          <Segmented<Side>
            aria-label={t('grants.side')}
            value={side}
            onChange={(v) => set('side', v)}
            options={[
              { value: '', label: t('grants.sideAll') },
              { value: 'consumer', label: t('grants.sideConsumer') },
              { value: 'provider', label: t('grants.sideProvider') },
            ]}
          />
        )}
        {entryID && (
          <Tag className="govdata-tag" closable closeIcon={<span aria-label={t('grants.clearEntry')}>×</span>} onClose={() => set('entry_id', '')}>
            {t('grants.ofEntry', { name: entryNames.get(Number(entryID)) || `#${entryID}` })}
          </Tag>
        )}
      </Space>
      {error && (
        <div style={{ marginBottom: 16 }}>
          <LoadError error={error} onRetry={() => void load()} />
        </div>
      )}
      <Table<Grant>
        aria-label={t('page.grants')}
        rowKey={(g) => String(g.id)}
        dataSource={items}
        loading={loading}
        pagination={false}
        scroll={{ x: 1200 }}
        locale={{
          emptyText: (
            <Space orientation="vertical" size={4}>
              <Typography.Text type="secondary">
                {side === 'provider' ? t('grants.emptyProvider') : side === 'consumer' ? t('grants.emptyConsumer') : t('grants.empty')}
              </Typography.Text>
              {side !== 'provider' && <Link to="/entries">{t('grants.emptyHint')}</Link>}
            </Space>
          ),
        }}
        columns={[
          {
            title: t('grants.grant'),
            key: 'id',
            width: 100,
            render: (_, g) => <Link style={{ whiteSpace: 'nowrap' }} to={`/grants/${g.id}`}>{t('grants.grantN', { id: g.id ?? 0 })}</Link>,
          },
          {
            title: t('grants.entry'),
            key: 'entry',
            render: (_, g) => <EntryName to={`/grants/${g.id}`} name={entryNames.get(g.entry_id ?? 0) || `#${g.entry_id}`} code={g.resource_code} />,
          },
          { title: t('grants.consumer'), key: 'consumer', width: 170, render: (_, g) => dept(g.consumer_department_id) },
          { title: t('grants.provider'), key: 'provider', width: 170, render: (_, g) => dept(g.provider_department_id) },
          { title: t('grants.methodLabel'), key: 'method', width: 110, render: (_, g) => l.method(g.method) },
          {
            title: t('grants.validUntil'),
            key: 'until',
            width: 120,
            render: (_, g) => <span className="govdata-mono" style={{ whiteSpace: 'nowrap' }}>{g.valid_until}</span>,
          },
          { title: t('grants.stateLabel'), key: 'state', width: 90, render: (_, g) => <GrantStateTag state={g.state} /> },
          {
            title: t('grants.calls'),
            key: 'calls',
            width: 110,
            align: 'right',
            render: (_, g) => <span className="govdata-num">{formatNumber(g.usage?.calls ?? 0)}</span>,
          },
          {
            title: t('grants.lastUsed'),
            key: 'last',
            width: 150,
            render: (_, g) =>
              g.usage?.last_used_at ? <span className="govdata-mono">{formatDateTime(g.usage.last_used_at)}</span> : <Typography.Text type="secondary">{t('grants.neverUsed')}</Typography.Text>,
          },
        ]}
      />
      <LoadMore more={cursor} loading={loading} onMore={() => void load(cursor)} />
    </Page>
  );
}
