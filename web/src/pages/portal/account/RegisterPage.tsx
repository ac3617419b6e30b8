// 注册 (OPN-2): a natural person or an organisation (with its unified
// social credit code, GB 32100) registers with an e-mail address, a
// password under the platform's policy and the terms accepted. The answer
// is the same whether the address is new or taken: check your mail.
import { useState } from 'react';
import { Link } from 'react-router';
import { Alert, Button, Card, Checkbox, Form, Input, Radio, Result } from 'antd';
import { call } from '../../../api/client';
import { publicApi } from '../../../api/publicClient';
import { applyFieldErrors } from '../../../components/fieldErrors';
import { Page } from '../../../components/Page';
import { useI18n } from '../../../i18n';

// The terms' version the portal shows (govdata.PublicTermsVersion).
export const termsVersion = '2026-1';

interface Fields {
  kind: 'person' | 'organization';
  name: string;
  credit_code?: string;
  email: string;
  password: string;
  accept_terms: boolean;
}

export default function RegisterPage() {
  const { t, lang } = useI18n();
  const [form] = Form.useForm<Fields>();
  const kind = Form.useWatch('kind', form);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  async function submit(v: Fields) {
    setBusy(true);
    setProblem(null);
    try {
      const r = await call(
        publicApi.POST('/api/v1/public/auth/register', {
          body: { ...v, credit_code: v.kind === 'organization' ? (v.credit_code ?? '').trim() : '', accept_terms: !!v.accept_terms, terms_version: termsVersion },
        }),
      );
      setDone((lang === 'en' ? r.message?.en : r.message?.zh) ?? '');
    } catch (e) {
      if (!applyFieldErrors(form, e, ['kind', 'name', 'credit_code', 'email', 'password', 'accept_terms', 'terms_version'])) setProblem((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  if (done !== null) {
    return (
      <Page>
        <Result status="success" title={t('portal.registeredTitle')} subTitle={done} extra={<Link to="/portal/signin">{t('portal.signIn')}</Link>} />
      </Page>
    );
  }
  return (
    <Page>
      <Card style={{ maxWidth: 560 }}>
        {problem && <Alert type="error" showIcon role="alert" message={problem} style={{ marginBottom: 16 }} />}
        <Form<Fields> form={form} layout="vertical" initialValues={{ kind: 'person' }} onFinish={(v) => void submit(v)} requiredMark>
          <Form.Item name="kind" label={t('portal.kind')} rules={[{ required: true }]}>
            <Radio.Group
              options={[
                { value: 'person', label: t('portal.kindPerson') },
                { value: 'organization', label: t('portal.kindOrganization') },
              ]}
            />
          </Form.Item>
          <Form.Item name="name" label={kind === 'organization' ? t('portal.orgName') : t('portal.personName')} rules={[{ required: true, message: t('form.required') }]}>
            <Input autoComplete={kind === 'organization' ? 'organization' : 'name'} maxLength={200} />
          </Form.Item>
          {kind === 'organization' && (
            <Form.Item name="credit_code" label={t('portal.creditCode')} extra={t('portal.creditCodeHelp')} rules={[{ required: true, message: t('form.required') }]}>
              <Input maxLength={18} className="govdata-mono" />
            </Form.Item>
          )}
          <Form.Item name="email" label={t('portal.email')} extra={t('portal.emailHelp')} rules={[{ required: true, message: t('form.required') }]}>
            <Input type="email" autoComplete="email" />
          </Form.Item>
          <Form.Item name="password" label={t('signin.password')} extra={t('password.rule')} rules={[{ required: true, message: t('form.required') }]}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item name="accept_terms" valuePropName="checked" rules={[{ validator: (_, v) => (v ? Promise.resolve() : Promise.reject(new Error(t('portal.termsRequired')))) }]}>
            <Checkbox>
              {t('portal.acceptTerms')} <Link to="/portal/terms" style={{ textDecoration: 'underline' }}>{t('portal.terms')}</Link>
            </Checkbox>
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy} block>
            {t('portal.registerSubmit')}
          </Button>
        </Form>
      </Card>
    </Page>
  );
}
