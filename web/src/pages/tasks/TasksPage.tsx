// 我的待办: the user's pending steps, soonest due first, each with its due
// date and how it stands in working days as the API counts them (CAL-2,
// CAL-3; UI.md: never counted in the browser), each opening what it is about.
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { Button, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { WarningOutlined } from '@ant-design/icons';
import { api, call, type Task } from '../../api/client';
import { Page, LoadMore } from '../../components/Page';
import { LoadError } from '../../components/LoadError';
import { useI18n, type MessageKey } from '../../i18n';
import { subjectPath } from '../../routes';

const pageSize = 50;

export function DueTag({ task }: { task: Task }) {
  const { t } = useI18n();
  if (!task.instance?.due) return <Typography.Text type="secondary">{t('tasks.noDue')}</Typography.Text>;
  let tag;
  if (task.overdue) {
    tag = <Tag color="error">{t('tasks.late', { n: task.working_days_late ?? 1 })}</Tag>;
  } else if ((task.working_days_left ?? 0) === 0) {
    tag = <Tag color="warning">{t('tasks.dueToday')}</Tag>;
  } else {
    tag = (
      <Tag color={task.due_soon ? 'warning' : 'default'}>
        {task.due_soon ? t('tasks.dueSoon') + ' · ' : ''}
        {t('tasks.left', { n: task.working_days_left ?? 0 })}
      </Tag>
    );
  }
  return (
    <Space size={4} wrap>
      {tag}
      {!task.instance.calendar_known && (
        <Tooltip title={t('tasks.calendarUnknown')}>
          <WarningOutlined aria-label={t('tasks.calendarUnknown')} style={{ color: '#d97706' }} />
        </Tooltip>
      )}
    </Space>
  );
}

export default function TasksPage() {
  const { t, lang } = useI18n();
  const [items, setItems] = useState<Task[]>([]);
  const [cursor, setCursor] = useState<string | undefined>();
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Error | null>(null);

  const load = useCallback(async (after?: string) => {
    setLoading(true);
    setError(null);
    try {
      const l = await call(
        api.GET('/api/v1/tasks', { params: { query: { limit: String(pageSize), ...(after ? { cursor: after } : {}) } } }),
      );
      setItems((prev) => (after ? [...prev, ...(l.items ?? [])] : (l.items ?? [])));
      setCursor(l.next_cursor || undefined);
    } catch (e) {
      setError(e as Error);
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <Page
      extra={
        <Button onClick={() => void load()} loading={loading}>
          {t('action.refresh')}
        </Button>
      }
    >
      {error && (
        <div style={{ marginBottom: 16 }}>
          <LoadError error={error} onRetry={() => void load()} />
        </div>
      )}
      <Table<Task>
        rowKey={(r) => String(r.instance?.id)}
        dataSource={items}
        loading={loading}
        pagination={false}
        locale={{ emptyText: <Typography.Text type="secondary">{t('tasks.empty')}</Typography.Text> }}
        scroll={items.length ? { x: 860 } : undefined}
        columns={[
          {
            title: t('tasks.subject'),
            key: 'subject',
            render: (_, r) => {
              const to = subjectPath(r.instance?.subject_type, r.instance?.subject_id);
              const title = r.instance?.title || t('tasks.untitled');
              return to ? <Link to={to}>{title}</Link> : title;
            },
          },
          {
            title: t('tasks.kind'),
            key: 'kind',
            width: 160,
            render: (_, r) => t(`workflow.${r.instance?.kind}` as MessageKey),
          },
          {
            title: t('tasks.step'),
            key: 'step',
            width: 180,
            render: (_, r) => (lang === 'en' ? r.step?.title?.en : r.step?.title?.zh) || r.step?.name,
          },
          {
            title: t('tasks.due'),
            key: 'due',
            width: 120,
            render: (_, r) => <span className="govdata-mono">{r.instance?.due ?? '—'}</span>,
          },
          { title: t('tasks.standing'), key: 'standing', width: 220, render: (_, r) => <DueTag task={r} /> },
          {
            title: t('tasks.open'),
            key: 'open',
            width: 100,
            render: (_, r) => {
              const to = subjectPath(r.instance?.subject_type, r.instance?.subject_id);
              return to ? <Link to={to}>{t('tasks.handle')}</Link> : null;
            },
          },
        ]}
      />
      <LoadMore more={cursor} loading={loading} onMore={() => void load(cursor)} />
    </Page>
  );
}
