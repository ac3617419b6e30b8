// 社会用户登录 (OPN-2): e-mail and password; the same answer for an unknown
// address and a wrong password; a lock or a wait told with its time.
import { useState } from 'react';
import { Link, Navigate, useNavigate } from 'react-router';
import { Alert, Button, Card, Form, Input } from 'antd';
import { ApiError, call } from '../../../api/client';
import { publicApi } from '../../../api/publicClient';
import { formatDateTime } from '../../../format';
import { Page } from '../../../components/Page';
import { useI18n } from '../../../i18n';
import { usePublicSession } from './publicSession';

export default function PublicSignInPage() {
  const { t } = useI18n();
  const { state, signedIn } = usePublicSession();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  if (state.status === 'signed-in' && !busy) return <Navigate to="/portal/account" replace />;

  async function submit(v: { email: string; password: string }) {
    setBusy(true);
    setProblem(null);
    try {
      const s = await call(publicApi.POST('/api/v1/public/auth/login', { body: v }));
      signedIn(s);
      navigate('/portal/account');
    } catch (e) {
      let m = (e as Error).message;
      if (e instanceof ApiError) {
        const locked = e.details['locked_until'];
        const retry = e.details['retry_after'];
        if (typeof locked === 'string') m = t('signin.locked', { time: formatDateTime(locked) });
        else if (typeof retry === 'string') m = t('signin.throttled', { time: formatDateTime(retry) });
      }
      setProblem(m);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Page>
      <Card style={{ maxWidth: 420 }}>
        {problem && <Alert type="error" showIcon role="alert" message={problem} style={{ marginBottom: 16 }} />}
        <Form layout="vertical" onFinish={(v: { email: string; password: string }) => void submit(v)}>
          <Form.Item name="email" label={t('portal.email')} rules={[{ required: true, message: t('form.required') }]}>
            <Input type="email" autoComplete="username" />
          </Form.Item>
          <Form.Item name="password" label={t('signin.password')} rules={[{ required: true, message: t('form.required') }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy} block>
            {t('signin.submit')}
          </Button>
        </Form>
        <p style={{ marginTop: 16 }}>
          {t('portal.noAccount')} <Link to="/portal/register">{t('portal.register')}</Link>
        </p>
      </Card>
    </Page>
  );
}
