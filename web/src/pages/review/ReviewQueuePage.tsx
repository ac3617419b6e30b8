// 目录审核: the bureau reviewer's queue (CAT-3, CAT-4) — new entries,
// changes and revocation requests waiting for the reviewer's decision,
// soonest due first, each with its due date and how it stands in working
// days as the API counts them (the marks of 我的待办). Opening one shows
// the entry, what changed against the published version, and the decision.
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useLocation } from 'react-router';
import { Alert, Button, Segmented, Space, Table, Typography } from 'antd';
import { api, call, type Task } from '../../api/client';
import { Page, LoadMore } from '../../components/Page';
import { LoadError } from '../../components/LoadError';
import { useI18n, type MessageKey } from '../../i18n';
import { DueTag } from '../tasks/TasksPage';

const pageSize = 20;

/** The catalog workflows whose steps a reviewer decides. */
export const reviewKinds = ['catalog_review', 'catalog_change', 'catalog_revocation'] as const;
export type ReviewKind = (typeof reviewKinds)[number];

export default function ReviewQueuePage() {
  const { t, lang } = useI18n();
  const location = useLocation();
  const back = location.state as { done?: string; kind?: string } | null;
  const [kind, setKind] = useState<ReviewKind>(reviewKinds.find((k) => k === back?.kind) ?? 'catalog_review');
  const [items, setItems] = useState<Task[]>([]);
  const [cursor, setCursor] = useState<string | undefined>();
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Error | null>(null);
  const seq = useRef(0);
  // The decision just taken on an entry's page, said once here.
  const [done, setDone] = useState<string | undefined>(back?.done);

  const load = useCallback(async (k: ReviewKind, after?: string) => {
    const mine = ++seq.current;
    setLoading(true);
    setError(null);
    try {
      const l = await call(
        api.GET('/api/v1/tasks', { params: { query: { kind: k, limit: String(pageSize), ...(after ? { cursor: after } : {}) } } }),
      );
      if (mine !== seq.current) return;
      setItems((prev) => (after ? [...prev, ...(l.items ?? [])] : (l.items ?? [])));
      setCursor(l.next_cursor || undefined);
    } catch (e) {
      if (mine === seq.current) setError(e as Error);
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load(kind);
  }, [kind, load]);

  return (
    <Page
      extra={
        <Button onClick={() => void load(kind)} loading={loading}>
          {t('action.refresh')}
        </Button>
      }
    >
      {done && (
        <Alert style={{ marginBottom: 16 }} type="success" showIcon closable onClose={() => setDone(undefined)} message={done} />
      )}
      <Space wrap style={{ marginBottom: 16 }}>
        <Segmented
          aria-label={t('review.kind')}
          value={kind}
          onChange={(v) => setKind(v as ReviewKind)}
          options={reviewKinds.map((k) => ({ value: k, label: t(`review.kind.${k}` as MessageKey) }))}
        />
      </Space>
      {error && (
        <div style={{ marginBottom: 16 }}>
          <LoadError error={error} onRetry={() => void load(kind)} />
        </div>
      )}
      <Table<Task>
        aria-label={t(`review.kind.${kind}` as MessageKey)}
        rowKey={(r) => String(r.instance?.id)}
        dataSource={items}
        loading={loading}
        pagination={false}
        locale={{ emptyText: <Typography.Text type="secondary">{t(`review.empty.${kind}` as MessageKey)}</Typography.Text> }}
        columns={[
          {
            title: t('catalog.name'),
            key: 'subject',
            render: (_, r) => (
              <Link to={`/entries/review/${encodeURIComponent(r.instance?.subject_id ?? '')}`}>{r.instance?.title || t('tasks.untitled')}</Link>
            ),
          },
          {
            title: t('tasks.step'),
            key: 'step',
            width: 200,
            render: (_, r) => (lang === 'en' ? r.step?.title?.en : r.step?.title?.zh) || r.step?.name,
          },
          {
            title: t('review.submittedBy'),
            key: 'by',
            width: 140,
            render: (_, r) => r.instance?.created_by || '—',
          },
          {
            title: t('tasks.due'),
            key: 'due',
            width: 120,
            render: (_, r) => <span className="govdata-mono">{r.instance?.due ?? '—'}</span>,
          },
          { title: t('tasks.standing'), key: 'standing', width: 230, render: (_, r) => <DueTag task={r} /> },
          {
            title: t('tasks.open'),
            key: 'open',
            width: 100,
            render: (_, r) => (
              <Link
                to={`/entries/review/${encodeURIComponent(r.instance?.subject_id ?? '')}`}
                aria-label={`${t('review.decide')} ${r.instance?.title ?? ''}`}
              >
                {t('review.decide')}
              </Link>
            ),
          },
        ]}
      />
      <LoadMore more={cursor} loading={loading} onMore={() => void load(kind, cursor)} />
    </Page>
  );
}
