// The monitoring's flags on a grant (SHR-6): idle — HLJ-27 has the
// consumer rectify by a date (use it or explain) or the grant is
// suspended — and unusual volume, which the provider, the bureau or the
// secadmin reviews. Each open flag is closed with a reason by whoever the
// server lets (the grant's allowed).
import { useCallback, useState } from 'react';
import { Button, Card, Table, Tag, Typography, message } from 'antd';
import { api, call } from '../../api/client';
import { LoadMore } from '../../components/Page';
import { LoadError } from '../../components/LoadError';
import { usePaged } from '../../components/usePaged';
import { useI18n } from '../../i18n';
import { formatDateTime } from '../../format';
import { pick } from '../data/common';
import { ReasonDialog, useGrantLabels, type Grant, type GrantFlag } from './common';

export function GrantFlags({ grant, onResolved }: { grant: Grant; onResolved: () => void }) {
  const { t, lang } = useI18n();
  const l = useGrantLabels();
  const [resolving, setResolving] = useState<GrantFlag | undefined>();
  const [msg, holder] = message.useMessage();
  const id = String(grant.id ?? '');
  const fetch = useCallback(
    (cursor?: string) => call(api.GET('/api/v1/grant-flags', { params: { query: { grant_id: id, limit: '20', ...(cursor ? { cursor } : {}) } } })),
    [id],
  );
  const { items, cursor, loading, error, load } = usePaged<GrantFlag>(fetch);
  const mayResolve = (f: GrantFlag) =>
    f.state === 'open' && ((f.kind === 'idle' && grant.allowed?.resolve_idle) || (f.kind === 'volume' && grant.allowed?.resolve_volume));

  return (
    <Card
      size="small"
      title={<Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>{t('grants.flags')}</Typography.Title>}
      style={{ marginBottom: 16 }}
    >
      {holder}
      {error && <LoadError error={error} onRetry={() => void load()} />}
      <Table<GrantFlag>
        size="small"
        aria-label={t('grants.flags')}
        rowKey={(f) => String(f.id)}
        dataSource={items}
        loading={loading}
        pagination={false}
        locale={{ emptyText: <Typography.Text type="secondary">{t('grants.noFlags')}</Typography.Text> }}
        columns={[
          { title: t('grants.flagKindLabel'), key: 'kind', width: 110, render: (_, f) => <Tag className={`govdata-tag govdata-tag-${f.kind === 'idle' ? 'warn' : 'bad'}`}>{l.flagKind(f.kind)}</Tag> },
          { title: t('grants.flagDetail'), key: 'detail', render: (_, f) => pick(f.detail, lang) },
          { title: t('grants.raisedAt'), key: 'raised', width: 150, render: (_, f) => <span className="govdata-mono">{formatDateTime(f.raised_at)}</span> },
          {
            title: t('grants.rectifyBy'),
            key: 'by',
            width: 110,
            render: (_, f) => (f.rectify_by ? <span className="govdata-mono">{f.rectify_by}</span> : '—'),
          },
          {
            title: t('grants.flagStateLabel'),
            key: 'state',
            width: 220,
            render: (_, f) =>
              f.state === 'open' ? (
                mayResolve(f) ? (
                  <Button size="small" onClick={() => setResolving(f)}>
                    {f.kind === 'idle' ? t('grants.rectify') : t('grants.review')}
                  </Button>
                ) : (
                  <Tag className="govdata-tag govdata-tag-warn">{l.flagState(f.state)}</Tag>
                )
              ) : (
                <div>
                  <Tag className="govdata-tag">{l.flagState(f.state)}</Tag>
                  {f.resolution && (
                    <Typography.Text type="secondary" style={{ display: 'block' }}>
                      {f.resolved_by}：{f.resolution}
                    </Typography.Text>
                  )}
                </div>
              ),
          },
        ]}
      />
      <LoadMore more={cursor} loading={loading} onMore={() => void load(cursor)} />
      <ReasonDialog
        open={!!resolving}
        danger={false}
        title={resolving?.kind === 'idle' ? t('grants.rectifyTitle') : t('grants.reviewTitle')}
        note={resolving ? pick(resolving.detail, lang) : undefined}
        label={resolving?.kind === 'idle' ? t('grants.rectifyReason') : t('grants.reviewReason')}
        okText={resolving?.kind === 'idle' ? t('grants.rectify') : t('grants.review')}
        onClose={() => setResolving(undefined)}
        onSend={async (reason) => {
          await call(api.POST('/api/v1/grant-flags/{id}/resolve', { params: { path: { id: String(resolving?.id) } }, body: { reason } }));
          setResolving(undefined);
          void msg.success(t('grants.flagResolved'));
          void load();
          onResolved();
        }}
      />
    </Card>
  );
}
