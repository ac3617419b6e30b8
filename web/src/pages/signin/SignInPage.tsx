// Sign-in (ORG-3, ORG-4): username and password; the forced change of an
// issued or expired password before anything else; a locked account or a
// waiting address told with the time it lifts; back to the page the user
// was on (?next=) once signed in.
import { useEffect, useRef, useState } from 'react';
import { Navigate, useSearchParams } from 'react-router';
import { Alert, Button, Card, Form, Input, Segmented, Typography } from 'antd';
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { api, call, ApiError } from '../../api/client';
import { formatDateTime } from '../../format';
import { useI18n, type Lang, type MessageKey } from '../../i18n';
import { safeNext, useSession } from '../../session';
import { homePath } from '../../routes';

type Problem = { message: string; description?: string };

/** problemOf words a failed call for the sign-in page. */
function problemOf(e: unknown, t: (k: MessageKey, v?: Record<string, string | number>) => string): Problem {
  if (e instanceof ApiError) {
    const locked = e.details['locked_until'];
    if (typeof locked === 'string') return { message: t('signin.locked', { time: formatDateTime(locked) }) };
    const retry = e.details['retry_after'];
    if (typeof retry === 'string') return { message: t('signin.throttled', { time: formatDateTime(retry) }) };
    return { message: e.message };
  }
  return { message: (e as Error).message };
}

export function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <Segmented<Lang>
      size="small"
      aria-label={t('lang.switch')}
      value={lang}
      onChange={(v) => setLang(v)}
      options={[
        { value: 'zh', label: <span lang="zh-CN">{t('lang.zh')}</span> },
        { value: 'en', label: <span lang="en">{t('lang.en')}</span> },
      ]}
    />
  );
}

function Brand() {
  const { t } = useI18n();
  return (
    <div className="govdata-brand">
      <span className="govdata-brand-mark" aria-hidden="true">
        政
      </span>
      <div>
        <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
          {t('app.name')}
        </Typography.Title>
        <Typography.Text type="secondary">{t('app.tagline')}</Typography.Text>
      </div>
    </div>
  );
}

interface Credentials {
  username: string;
  password: string;
}

interface NewPassword {
  old_password?: string;
  new_password: string;
  confirm: string;
}

export default function SignInPage() {
  const { t } = useI18n();
  const session = useSession();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  // The password just typed, so that a forced change does not ask for it
  // again; kept in this page's memory only.
  const typed = useRef<string>('');
  const [form] = Form.useForm<Credentials>();
  const [changeForm] = Form.useForm<NewPassword>();

  useEffect(() => {
    document.title = `${t('signin.title')} - ${t('app.name')}`;
  }, [t]);

  const { state } = session;
  const mustChange = state.status === 'signed-in' && !!state.me.password_change_required;
  if (state.status === 'signed-in' && !mustChange) {
    return <Navigate to={next === '/' ? homePath : next} replace />;
  }

  const signIn = async (v: Credentials) => {
    if (busy) return; // a double click submits once
    setBusy(true);
    setProblem(null);
    try {
      const s = await call(api.POST('/api/v1/auth/login', { body: { username: v.username, password: v.password } }));
      session.signedIn(s);
      typed.current = v.password;
      await session.reload();
    } catch (e) {
      setProblem(problemOf(e, t));
      if (e instanceof ApiError) {
        form.setFields(Object.entries(e.fields).map(([name, errors]) => ({ name: name as keyof Credentials, errors: [errors] })));
      }
    } finally {
      setBusy(false);
    }
  };

  const change = async (v: NewPassword) => {
    if (busy) return;
    setBusy(true);
    setProblem(null);
    try {
      await call(
        api.POST('/api/v1/auth/password', {
          body: { old_password: typed.current || v.old_password || '', new_password: v.new_password },
        }),
      );
      typed.current = '';
      await session.reload();
    } catch (e) {
      if (e instanceof ApiError && Object.keys(e.fields).length > 0) {
        changeForm.setFields(
          Object.entries(e.fields).map(([name, errors]) => ({ name: name as keyof NewPassword, errors: [errors] })),
        );
        if (e.fields['old_password']) typed.current = '';
      } else {
        setProblem(problemOf(e, t));
      }
    } finally {
      setBusy(false);
    }
  };

  const signOut = async () => {
    try {
      await call(api.POST('/api/v1/auth/logout'));
    } catch {
      // Signed out either way: the cookie is the server's to end.
    }
    typed.current = '';
    session.signedOut('signed-out');
  };

  const expired = params.get('reason') === 'expired' && !mustChange;
  const issued = mustChange && state.status === 'signed-in' && !!state.me.user?.must_change_password;

  return (
    <main className="govdata-signin">
      <div style={{ position: 'absolute', top: 16, right: 24 }}>
        <LanguageSwitch />
      </div>
      <Card className="govdata-signin-card">
        <Brand />
        {mustChange ? (
          <>
            <Typography.Title level={2} style={{ fontSize: 18 }}>
              {t('password.title')}
            </Typography.Title>
            <Alert
              type="warning"
              showIcon
              style={{ marginBottom: 16 }}
              message={issued ? t('password.issued') : t('password.expired')}
            />
            {problem && <Alert type="error" showIcon role="alert" style={{ marginBottom: 16 }} message={problem.message} />}
            <Form<NewPassword> form={changeForm} layout="vertical" requiredMark={false} onFinish={change} disabled={busy}>
              {!typed.current && (
                <Form.Item
                  name="old_password"
                  label={t('password.current')}
                  rules={[{ required: true, message: t('form.required') }]}
                >
                  <Input.Password autoComplete="current-password" />
                </Form.Item>
              )}
              <Form.Item
                name="new_password"
                label={t('password.new')}
                extra={t('password.rule')}
                rules={[{ required: true, message: t('form.required') }]}
              >
                <Input.Password autoComplete="new-password" autoFocus />
              </Form.Item>
              <Form.Item
                name="confirm"
                label={t('password.confirm')}
                dependencies={['new_password']}
                rules={[
                  { required: true, message: t('form.required') },
                  ({ getFieldValue }) => ({
                    validator: (_, value) =>
                      !value || getFieldValue('new_password') === value
                        ? Promise.resolve()
                        : Promise.reject(new Error(t('password.mismatch'))),
                  }),
                ]}
              >
                <Input.Password autoComplete="new-password" />
              </Form.Item>
              <Button type="primary" htmlType="submit" block loading={busy}>
                {t('password.submit')}
              </Button>
              <Button type="link" block style={{ marginTop: 8 }} onClick={signOut} disabled={busy}>
                {t('action.signOut')}
              </Button>
            </Form>
          </>
        ) : (
          <>
            <Typography.Title level={2} style={{ fontSize: 18 }}>
              {t('signin.title')}
            </Typography.Title>
            {expired && !problem && (
              <Alert type="info" showIcon style={{ marginBottom: 16 }} message={t('signin.expired')} />
            )}
            {problem && <Alert type="error" showIcon role="alert" style={{ marginBottom: 16 }} message={problem.message} />}
            <Form<Credentials> form={form} layout="vertical" requiredMark={false} onFinish={signIn} disabled={busy}>
              <Form.Item name="username" label={t('signin.username')} rules={[{ required: true, message: t('form.required') }]}>
                <Input prefix={<UserOutlined aria-hidden="true" />} autoComplete="username" autoFocus />
              </Form.Item>
              <Form.Item name="password" label={t('signin.password')} rules={[{ required: true, message: t('form.required') }]}>
                <Input.Password prefix={<LockOutlined aria-hidden="true" />} autoComplete="current-password" />
              </Form.Item>
              <Button type="primary" htmlType="submit" block loading={busy}>
                {t('signin.submit')}
              </Button>
            </Form>
          </>
        )}
      </Card>
      {/* The public portal (OPN-1) for a visitor who came here by mistake. */}
      <a href="/portal" style={{ marginTop: 16 }}>
        {t('signin.portal')}
      </a>
      <Typography.Text type="secondary" style={{ marginTop: 24, fontSize: 12 }}>
        {t('signin.footer')}
      </Typography.Text>
    </main>
  );
}
