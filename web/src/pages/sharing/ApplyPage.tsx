// 申请共享 (SHR-1): a consumer department's officer asks for items of
// another department's published entry for a stated duty. The form offers
// what the server's terms allow (GET /api/v1/applications/terms) and no
// more — not_shared items are not offered (SHR-2); unmasked items only on
// a chain that includes the provider's leader (SHR-5); a region scope only
// where the entry has a region item (SHR-4); sensitive export with the file
// method only (SEC-5) — and says, in the server's words, why an option is
// closed. What it will go through is shown before it is sent: each step of
// the profile's chain with who acts and its deadline.
import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Alert, Button, Checkbox, DatePicker, Form, Input, Radio, Select, Space, Steps, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { api, call, ApiError } from '../../api/client';
import { Page, PageWaiting } from '../../components/Page';
import { RegionScopeSelect } from '../../components/RegionTree';
import { useI18n, type MessageKey } from '../../i18n';
import { Code, fieldPath, useCatalogLabels } from '../catalog/common';
import { actorText, atLeastOne, pick, type ApplicationInput, type Terms } from './common';

interface Values {
  items: string[];
  scenario: string;
  purpose: string;
  legal_basis: string;
  region_scope?: string[];
  method: string;
  valid_until?: Dayjs;
  unmasked_items?: string[];
  export_sensitive?: boolean;
}

export default function ApplyPage() {
  const { entryId = '' } = useParams();
  const { t, lang } = useI18n();
  const l = useCatalogLabels();
  const navigate = useNavigate();
  const [terms, setTerms] = useState<Terms | undefined>();
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | undefined>();
  const [form] = Form.useForm<Values>();
  const chosen = Form.useWatch('items', form) ?? [];
  const method = Form.useWatch('method', form);

  const load = useCallback(async () => {
    setError(null);
    try {
      setTerms(await call(api.GET('/api/v1/applications/terms', { params: { query: { entry_id: entryId } } })));
    } catch (e) {
      setError(e as Error);
    }
  }, [entryId]);

  useEffect(() => {
    void load();
  }, [load]);

  // Sensitive export is for the file method only: another method clears it.
  useEffect(() => {
    if (terms && method !== terms.export_sensitive_method) form.setFieldValue('export_sensitive', false);
  }, [method, terms, form]);

  if (error || !terms) return <PageWaiting error={error} onRetry={() => void load()} />;

  const offered = (terms.items ?? []).filter((it) => it.offered);
  const notOffered = (terms.items ?? []).filter((it) => !it.offered);
  const sensitiveChosen = offered.filter((it) => chosen.includes(it.name ?? '') && (it.sensitivity ?? 0) >= 3);
  const from = dayjs(terms.valid_from);
  const to = dayjs(terms.valid_to);

  async function submit(v: Values) {
    setBusy(true);
    setFailure(undefined);
    const body: ApplicationInput = {
      catalog_id: terms?.entry_id,
      items: v.items,
      scenario: v.scenario.trim(),
      purpose: v.purpose.trim(),
      legal_basis: v.legal_basis.trim(),
      region_scope: v.region_scope ?? [],
      method: v.method,
      valid_until: v.valid_until?.format('YYYY-MM-DD') ?? '',
      unmasked_items: (v.unmasked_items ?? []).filter((n) => v.items.includes(n)),
      export_sensitive: !!v.export_sensitive,
    };
    try {
      const a = await call(api.POST('/api/v1/applications', { body }));
      navigate(`/sharing/applications/${a.id}`);
    } catch (e) {
      if (e instanceof ApiError && Object.keys(e.fields).length > 0) {
        // items[2] → the items field: the picker is one control.
        form.setFields(
          Object.entries(e.fields).map(([f, m]) => {
            const path = fieldPath(f);
            return { name: (typeof path[1] === 'number' ? [path[0]] : path) as never, errors: [m] };
          }),
        );
        setFailure(e.message);
      } else {
        setFailure((e as Error).message);
      }
    } finally {
      setBusy(false);
    }
  }

  const chain = terms.workflow?.steps ?? [];

  return (
    <Page title={t('sharing.applyTitle', { name: terms.entry_name ?? '' })}>
      <Space wrap style={{ marginBottom: 16 }}>
        <Code value={terms.resource_code} />
        <Typography.Text type="secondary">{terms.provider_department_name}</Typography.Text>
        <Tag>{l.share(terms.share_type)}</Tag>
        <Link to={`/entries/${terms.entry_id}`}>{t('sharing.openEntry')}</Link>
      </Space>

      {terms.refusal ? (
        <Alert
          type="warning"
          showIcon
          message={t('sharing.cannotApply')}
          description={
            <Space orientation="vertical">
              <span data-testid="apply-refusal">{pick(terms.refusal, lang)}</span>
              <Space wrap>
                <Button onClick={() => navigate('/entries')}>{t('sharing.backToCatalog')}</Button>
              </Space>
            </Space>
          }
        />
      ) : (
        <>
          {terms.share_conditions && (
            <Alert style={{ marginBottom: 16 }} type="info" showIcon message={t('sharing.conditions', { conditions: terms.share_conditions })} />
          )}
          <div style={{ marginBottom: 16 }}>
            <Typography.Text strong>
              {t('sharing.chainIntro', { flow: pick(terms.workflow?.title, lang) })}
            </Typography.Text>
            <Steps
              aria-label={t('sharing.chain')}
              size="small"
              current={-1}
              style={{ marginTop: 8 }}
              items={chain.map((s) => ({
                title: pick(s.title, lang),
                description: (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {actorText(s, t)}
                    <br />
                    {s.working_days != null ? t('sharing.stepDays', { n: s.working_days }) : t('sharing.stepNoDays')}
                  </Typography.Text>
                ),
              }))}
            />
            {terms.scenario_direct_grant && <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>{t('sharing.scenarioNote')}</Typography.Paragraph>}
          </div>

          {failure && <Alert style={{ marginBottom: 16 }} type="error" showIcon message={failure} />}
          <Form<Values>
            form={form}
            layout="vertical"
            style={{ maxWidth: 760 }}
            initialValues={{ items: [], method: 'api', region_scope: [], unmasked_items: [], export_sensitive: false }}
            onFinish={(v) => void submit(v)}
            scrollToFirstError
          >
            <Form.Item
              name="items"
              label={t('sharing.itemsToApply')}
              extra={t('sharing.itemsNote')}
              rules={[atLeastOne(t('sharing.itemsRequired'))]}
            >
              <Checkbox.Group role="group" aria-label={t('sharing.itemsToApply')} style={{ display: 'flex', flexDirection: 'column', gap: 6 }}>
                {offered.map((it) => (
                  <Checkbox key={it.name} value={it.name}>
                    <span>{it.name}</span>
                    <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
                      {t('catalog.level', { n: it.sensitivity ?? 1 })} · {l.share(it.share_type)}
                      {it.description ? ` · ${it.description}` : ''}
                    </Typography.Text>
                  </Checkbox>
                ))}
              </Checkbox.Group>
            </Form.Item>
            {notOffered.length > 0 && (
              <Alert
                style={{ marginBottom: 16 }}
                type="info"
                showIcon
                data-testid="not-offered"
                message={t('sharing.notOffered', { items: notOffered.map((it) => it.name).join('、') })}
              />
            )}
            <Form.Item name="scenario" label={t('sharing.scenario')} extra={t('sharing.scenarioHint')} rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
              <Input maxLength={2000} />
            </Form.Item>
            <Form.Item name="purpose" label={t('sharing.purpose')} rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
              <Input.TextArea rows={2} maxLength={2000} />
            </Form.Item>
            <Form.Item
              name="legal_basis"
              label={t('sharing.legalBasis')}
              extra={t('sharing.legalBasisHint')}
              rules={[{ required: true, whitespace: true, message: t('form.required') }]}
            >
              <Input.TextArea rows={2} maxLength={2000} />
            </Form.Item>
            <Form.Item
              name="region_scope"
              label={t('sharing.regionScope')}
              extra={terms.region_scope ? t('sharing.regionScopeHint') : pick(terms.region_refusal, lang)}
            >
              <RegionScopeSelect disabled={!terms.region_scope} />
            </Form.Item>
            <Form.Item name="method" label={t('sharing.method')} rules={[{ required: true, message: t('form.required') }]}>
              <Radio.Group>
                {(terms.methods ?? []).map((m) => (
                  <Radio key={m} value={m}>
                    {t(`sharing.method.${m}` as MessageKey)}
                  </Radio>
                ))}
              </Radio.Group>
            </Form.Item>
            <Form.Item
              name="valid_until"
              label={t('sharing.validUntil')}
              extra={t('sharing.validUntilHint', { from: terms.valid_from ?? '', to: terms.valid_to ?? '' })}
              rules={[{ required: true, message: t('form.required') }]}
            >
              <DatePicker
                format="YYYY-MM-DD"
                minDate={from}
                maxDate={to}
                style={{ width: 200 }}
                placeholder="YYYY-MM-DD"
              />
            </Form.Item>
            <Form.Item
              name="unmasked_items"
              label={t('sharing.unmaskedItems')}
              extra={
                !terms.lifts_masks
                  ? pick(terms.unmask_refusal, lang)
                  : sensitiveChosen.length === 0
                    ? t('sharing.unmaskNone')
                    : t('sharing.unmaskHint')
              }
            >
              <Select
                mode="multiple"
                aria-label={t('sharing.unmaskedItems')}
                allowClear
                disabled={!terms.lifts_masks || sensitiveChosen.length === 0}
                options={sensitiveChosen.map((it) => ({ value: it.name, label: `${it.name}（${t('catalog.level', { n: it.sensitivity ?? 1 })}）` }))}
                placeholder={t('sharing.unmaskPlaceholder')}
              />
            </Form.Item>
            <Form.Item
              name="export_sensitive"
              valuePropName="checked"
              extra={pick(terms.export_sensitive_note, lang)}
            >
              <Checkbox disabled={method !== terms.export_sensitive_method}>{t('sharing.exportSensitiveAsk')}</Checkbox>
            </Form.Item>
            <Space>
              <Button type="primary" htmlType="submit" loading={busy}>
                {t('sharing.submit')}
              </Button>
              <Button onClick={() => navigate(`/entries/${terms.entry_id}`)}>{t('catalog.cancel')}</Button>
            </Space>
          </Form>
        </>
      )}
    </Page>
  );
}
