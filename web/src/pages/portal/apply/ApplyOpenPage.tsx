// /portal/apply/:code — a public account applies for conditionally open
// data (OPN-2, HLJ-34, ZJ-23): which of the entry's items, for what purpose
// and scenario, for which period (at most a year), under which security
// measures, having read and accepted the 数据开放利用协议. The server
// decides every rule and says why it refuses; the provider then decides
// within the profile's working days.
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Alert, Button, Checkbox, Form, Input, Spin, Typography } from 'antd';
import { call, ApiError } from '../../../api/client';
import { getOptional, type OpenDataset } from '../portalApi';
import { today } from '../../../format';
import { useI18n } from '../../../i18n';
import { RequireAccount } from './RequireAccount';
import { openApi } from './publicApi';

type Dataset = Awaited<ReturnType<typeof findDataset>>;
const agreementVersion = '2026-1'; // govdata.OpenAgreementVersion

// The open dataset of a resource code with the items it opens: only those
// may be asked for (HLJ-33, ZJ-21).
function findDataset(code: string) {
  return getOptional<OpenDataset>('/api/v1/open/datasets/' + encodeURIComponent(code));
}

// The period starts today by default, as the platform counts days (in the
// deployment's time zone, format.ts), so that an approval is usable at once.
type Values = { items: string[]; purpose: string; scenario: string; measures: string; valid_from: string; valid_until: string; agreement: boolean };

export default function ApplyOpenPage() {
  return (
    <RequireAccount>
      <ApplyOpenPageInner />
    </RequireAccount>
  );
}

function ApplyOpenPageInner() {
  const code = useParams()['*'] ?? '';
  const { t } = useI18n();
  const navigate = useNavigate();
  const [ds, setDataset] = useState<Dataset | undefined>();
  const entry = ds === undefined ? undefined : (ds?.entry ?? null);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<Values>();

  useEffect(() => {
    void findDataset(code).then(
      (d) => setDataset(d),
      (e: Error) => setError(e.message),
    );
  }, [code]);

  async function submit(v: Values) {
    if (!entry) return;
    setBusy(true);
    setError(undefined);
    try {
      const app = await call(
        openApi.POST('/api/v1/public/open-applications', {
          body: {
            entry_id: entry.id,
            items: v.items,
            purpose: v.purpose.trim(),
            scenario: v.scenario.trim(),
            measures: v.measures.trim(),
            valid_from: v.valid_from,
            valid_until: v.valid_until,
            agreement_version: agreementVersion,
            agreement_accepted: v.agreement,
          } as never,
        }),
      );
      navigate(`/portal/account/applications/${app.id}`);
    } catch (e) {
      if (e instanceof ApiError && Object.keys(e.fields).length) {
        form.setFields(
          Object.entries(e.fields).map(([name, msg]) => ({ name: (name === 'agreement_accepted' ? 'agreement' : name) as keyof Values, errors: [msg] })),
        );
      }
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  if (entry === undefined && !error) return <Spin />;
  return (
    <div style={{ maxWidth: 760 }}>
      <Typography.Title level={1} style={{ fontSize: 22 }}>
        {entry ? t('openApply.heading', { name: entry.name ?? '' }) : t('openApply.title')}
      </Typography.Title>
      {entry === null && <Alert type="warning" showIcon message={t('openApply.notFound')} />}
      {error && <Alert style={{ marginBottom: 16 }} type="error" showIcon message={error} />}
      {entry && (
        <>
          <Typography.Paragraph>
            {t('openApply.provider', { name: entry.department_name ?? '' })} · <span className="govdata-mono">{entry.resource_code}</span>
          </Typography.Paragraph>
          {entry.open_conditions && <Alert style={{ marginBottom: 16 }} type="info" showIcon message={t('openApply.conditions')} description={entry.open_conditions} />}
          <Form<Values>
            form={form}
            layout="vertical"
            onFinish={(v) => void submit(v)}
            initialValues={{ items: [], valid_from: today(), valid_until: today(180), agreement: false }}
          >
            <Form.Item
              name="items"
              label={t('openApply.items')}
              rules={[{ validator: (_, v: string[] | undefined) => (v?.length ? Promise.resolve() : Promise.reject(new Error(t('openApply.itemsRequired')))) }]}
            >
              <Checkbox.Group options={(ds?.items ?? []).map((i) => ({ label: i.name ?? '', value: i.name ?? '' }))} />
            </Form.Item>
            <Form.Item name="purpose" label={t('openApply.purpose')} rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
              <Input.TextArea rows={2} maxLength={2000} />
            </Form.Item>
            <Form.Item name="scenario" label={t('openApply.scenario')} rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
              <Input.TextArea rows={2} maxLength={2000} />
            </Form.Item>
            <div style={{ display: 'flex', gap: 16, flexWrap: 'wrap' }}>
              <Form.Item name="valid_from" label={t('openApply.from')} rules={[{ required: true, message: t('form.required') }]}>
                <Input type="date" />
              </Form.Item>
              <Form.Item name="valid_until" label={t('openApply.until')} extra={t('openApply.periodNote')} rules={[{ required: true, message: t('form.required') }]}>
                <Input type="date" />
              </Form.Item>
            </div>
            <Form.Item name="measures" label={t('openApply.measures')} extra={t('openApply.measuresNote')} rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
              <Input.TextArea rows={3} maxLength={2000} />
            </Form.Item>
            <Typography.Title level={2} style={{ fontSize: 16 }}>
              {t('openApply.agreementTitle', { v: agreementVersion })}
            </Typography.Title>
            <div tabIndex={0} role="region" aria-label={t('openApply.agreementTitle', { v: agreementVersion })} style={{ maxHeight: 160, overflow: 'auto', border: '1px solid #d9d9d9', padding: 12, marginBottom: 12, whiteSpace: 'pre-line' }}>
              {t('openApply.agreementText')}
            </div>
            <Form.Item
              name="agreement"
              valuePropName="checked"
              rules={[{ validator: (_, v: boolean) => (v ? Promise.resolve() : Promise.reject(new Error(t('openApply.agreementRequired')))) }]}
            >
              <Checkbox>{t('openApply.agree')}</Checkbox>
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={busy}>
              {t('openApply.submit')}
            </Button>{' '}
            <Link to="/portal/account/applications">{t('openApply.mine')}</Link>
          </Form>
        </>
      )}
    </div>
  );
}
