// 开放属性审批 (ZJ-20): the approvals of entries' open attributes — the
// source, the 办公室 and the 数字中心's leader approve before the open
// catalog takes an attribute up. Each row shows the proposed attribute
// beside the one in force, the step and its due date.
import { useCallback } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Button, Select, Space, Table, Typography } from 'antd';
import { api, call } from '../../api/client';
import { Page, LoadMore } from '../../components/Page';
import { LoadError } from '../../components/LoadError';
import { usePaged } from '../../components/usePaged';
import { useI18n, type MessageKey } from '../../i18n';
import { formatDateTime } from '../../format';
import { EntryName } from '../catalog/common';
import { Standing } from '../sharing/common';
import { AttributeText, OpenAttributeStateTag, openAttributeStates, type OpenAttributeApproval } from './openAttribute';

const pageSize = 20;

export default function OpenAttributesPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const state = openAttributeStates.find((s) => s === params.get('state')) ?? '';
  const fetch = useCallback(
    (cursor?: string) =>
      call(api.GET('/api/v1/open-attributes', { params: { query: { limit: String(pageSize), ...(state ? { state } : {}), ...(cursor ? { cursor } : {}) } } })),
    [state],
  );
  const { items, cursor, loading, error, load } = usePaged<OpenAttributeApproval>(fetch);
  return (
    <Page
      extra={
        <Button onClick={() => void load()} loading={loading}>
          {t('action.refresh')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{t('openAttr.intro')}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          aria-label={t('sharing.stateFilter')}
          style={{ width: 160 }}
          value={state}
          onChange={(v) => setParams(v ? { state: v } : {}, { replace: true })}
          options={[{ value: '', label: t('sharing.stateAll') }, ...openAttributeStates.map((s) => ({ value: s, label: t(`openAttr.state.${s}` as MessageKey) }))]}
        />
      </Space>
      {error && (
        <div style={{ marginBottom: 16 }}>
          <LoadError error={error} onRetry={() => void load()} />
        </div>
      )}
      <Table<OpenAttributeApproval>
        aria-label={t('page.openAttributes')}
        rowKey={(o) => String(o.id)}
        dataSource={items}
        loading={loading && items.length === 0}
        pagination={false}
        scroll={items.length ? { x: 1080 } : undefined}
        locale={{ emptyText: <Typography.Text type="secondary">{t('openAttr.none')}</Typography.Text> }}
        columns={[
          { title: t('sharing.number'), key: 'id', width: 80, align: 'right', render: (_, o) => <Link to={`/opening/attributes/${o.id}`}>#{o.id}</Link> },
          { title: t('sharing.entry'), key: 'entry', render: (_, o) => <EntryName to={`/opening/attributes/${o.id}`} name={o.entry_name} code={o.resource_code} /> },
          { title: t('sharing.provider'), key: 'provider', width: 150, render: (_, o) => o.provider_department_name },
          { title: t('openAttr.proposed'), key: 'proposed', width: 170, render: (_, o) => <AttributeText attr={o.proposed} version={o.version} /> },
          { title: t('openAttr.effective'), key: 'effective', width: 170, render: (_, o) => <AttributeText attr={o.effective} version={o.effective_version} /> },
          { title: t('sharing.where'), key: 'where', width: 220, render: (_, o) => (o.state === 'pending' ? <Standing app={o} /> : <OpenAttributeStateTag state={o.state} />) },
          { title: t('openAttr.startedAt'), key: 'at', width: 150, render: (_, o) => <span className="govdata-mono">{formatDateTime(o.created_at)}</span> },
        ]}
      />
      <LoadMore more={cursor} loading={loading} onMore={() => void load(cursor)} />
    </Page>
  );
}
