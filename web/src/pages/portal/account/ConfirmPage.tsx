// 确认邮箱 (OPN-2): the link mailed at registration opens this page with
// ?token=; it confirms the address once, within 24 hours. A bad or used
// link may ask for a new one.
import { useEffect, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Button, Card, Form, Input, Result, Spin } from 'antd';
import { call } from '../../../api/client';
import { publicApi } from '../../../api/publicClient';
import { Page } from '../../../components/Page';
import { useI18n } from '../../../i18n';
import { usePublicSession } from './publicSession';

export function ResendForm() {
  const { t, lang } = useI18n();
  const [busy, setBusy] = useState(false);
  const [said, setSaid] = useState<string | null>(null);
  async function resend(v: { email: string }) {
    setBusy(true);
    try {
      const r = await call(publicApi.POST('/api/v1/public/auth/resend', { body: { email: v.email } }));
      setSaid((lang === 'en' ? r.message?.en : r.message?.zh) ?? '');
    } catch (e) {
      setSaid((e as Error).message);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Form layout="inline" onFinish={(v: { email: string }) => void resend(v)}>
      <Form.Item name="email" label={t('portal.email')} rules={[{ required: true, message: t('form.required') }]}>
        <Input type="email" autoComplete="email" style={{ width: 260 }} />
      </Form.Item>
      <Button htmlType="submit" loading={busy}>
        {t('portal.resend')}
      </Button>
      {said && (
        <div role="status" style={{ marginTop: 8, width: '100%' }}>
          {said}
        </div>
      )}
    </Form>
  );
}

export default function ConfirmPage() {
  const { t } = useI18n();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const { reload } = usePublicSession();
  const [state, setState] = useState<'busy' | 'ok' | Error>('busy');
  const sent = useRef(false);
  useEffect(() => {
    if (sent.current) return; // once: a link is good for one use
    sent.current = true;
    call(publicApi.POST('/api/v1/public/auth/confirm', { body: { token } }))
      .then(() => {
        setState('ok');
        void reload();
      })
      .catch((e: Error) => setState(e));
  }, [token, reload]);
  return (
    <Page>
      <Card>
        {state === 'busy' && <Spin tip={t('state.loading')}><div style={{ height: 80 }} /></Spin>}
        {state === 'ok' && (
          <Result status="success" title={t('portal.confirmed')} extra={<Link to="/portal/account">{t('portal.account')}</Link>} />
        )}
        {state instanceof Error && (
          <Result status="warning" title={state.message} extra={<ResendForm />} />
        )}
      </Card>
    </Page>
  );
}
