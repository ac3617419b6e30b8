// The notification inbox (CAL-3): reminders, overdue steps, escalations and
// security notices, newest first; each can be marked read.
import { useCallback, useEffect, useState } from 'react';
import { Button, List, Segmented, Space, Tag, Typography } from 'antd';
import { api, call, type Notification } from '../../api/client';
import { Page, LoadMore } from '../../components/Page';
import { LoadError } from '../../components/LoadError';
import { formatDateTime } from '../../format';
import { useI18n, type MessageKey } from '../../i18n';
import { useInbox } from '../shell/inbox';

const pageSize = 50;

const kindColor: Record<string, string> = {
  overdue: 'error',
  escalation: 'error',
  reminder: 'warning',
  security: 'magenta',
  calendar: 'blue',
  catalog_revoked: 'purple',
};

export default function NotificationsPage() {
  const { t, lang } = useI18n();
  const inbox = useInbox();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [items, setItems] = useState<Notification[]>([]);
  const [cursor, setCursor] = useState<string | undefined>();
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Error | null>(null);
  const [marking, setMarking] = useState<Set<number>>(new Set());

  const load = useCallback(
    async (after?: string) => {
      setLoading(true);
      setError(null);
      try {
        const query: Record<string, string> = { limit: String(pageSize) };
        if (unreadOnly) query['unread'] = 'true';
        if (after) query['cursor'] = after;
        const l = await call(api.GET('/api/v1/notifications', { params: { query } }));
        setItems((prev) => (after ? [...prev, ...(l.items ?? [])] : (l.items ?? [])));
        setCursor(l.next_cursor || undefined);
      } catch (e) {
        setError(e as Error);
      } finally {
        setLoading(false);
      }
    },
    [unreadOnly],
  );

  useEffect(() => {
    void load();
  }, [load]);

  const markRead = async (id: number) => {
    if (marking.has(id)) return; // one request per notice, however often clicked
    setMarking((m) => new Set(m).add(id));
    try {
      await call(api.POST('/api/v1/notifications/{id}/read', { params: { path: { id: String(id) } } }));
      setItems((list) => list.map((n) => (n.id === id ? { ...n, read: true } : n)));
      inbox.refresh();
    } catch (e) {
      setError(e as Error);
    } finally {
      setMarking((m) => {
        const copy = new Set(m);
        copy.delete(id);
        return copy;
      });
    }
  };

  return (
    <Page
      extra={
        <Segmented<string>
          aria-label={t('notifications.filter')}
          value={unreadOnly ? 'unread' : 'all'}
          onChange={(v) => setUnreadOnly(v === 'unread')}
          options={[
            { value: 'all', label: t('notifications.all') },
            { value: 'unread', label: t('notifications.unread') },
          ]}
        />
      }
    >
      {error && (
        <div style={{ marginBottom: 16 }}>
          <LoadError error={error} onRetry={() => void load()} />
        </div>
      )}
      <List<Notification>
        loading={loading}
        dataSource={items}
        locale={{
          emptyText: (
            <Typography.Text type="secondary">
              {unreadOnly ? t('notifications.emptyUnread') : t('notifications.empty')}
            </Typography.Text>
          ),
        }}
        renderItem={(n) => (
          <List.Item
            key={n.id}
            actions={
              n.read
                ? [<Typography.Text key="read" type="secondary">{t('notifications.read')}</Typography.Text>]
                : [
                    <Button key="mark" size="small" loading={marking.has(n.id ?? 0)} onClick={() => void markRead(n.id ?? 0)}>
                      {t('notifications.markRead')}
                    </Button>,
                  ]
            }
          >
            <List.Item.Meta
              title={
                <Space size={8} wrap>
                  {!n.read && <Tag color="processing">{t('notifications.new')}</Tag>}
                  <Tag color={kindColor[n.kind ?? ''] ?? 'default'}>{t(`notice.${n.kind}` as MessageKey)}</Tag>
                  <Typography.Text strong={!n.read}>{(lang === 'en' ? n.title?.en : n.title?.zh) || n.title?.zh}</Typography.Text>
                </Space>
              }
              description={
                <Space size={16} wrap>
                  <span>{formatDateTime(n.created_at)}</span>
                  {n.due && <span>{t('notifications.due', { date: n.due })}</span>}
                </Space>
              }
            />
          </List.Item>
        )}
      />
      <LoadMore more={cursor} loading={loading} onMore={() => void load(cursor)} />
    </Page>
  );
}
