// What the grant pages share (SHR-3, SHR-6, SHR-7, ORG-5): the API's types
// of grants, their flags, credentials and usage records; the names of their
// codes in the user's language; a grant's state tag; the reason dialog of
// every destructive action; the secret shown once; and the signed-call
// example of docs/api.md filled for one credential and grant.
import { useState, type ReactNode } from 'react';
import { Alert, Form, Input, Modal, Tag, Typography } from 'antd';
import type { paths } from '../../api/client';
import { applyFieldErrors } from '../../components/fieldErrors';
import { useI18n, type MessageKey } from '../../i18n';
// The very script of docs/api.md "Example with curl and openssl"
// (test/signed-call.test.mjs keeps the two equal).
import signedCallScript from './signed-call.sh?raw';
import './grants.css';

type JSONOf<T> = T extends { content: { 'application/json': infer J } } ? J : never;

export type Grant = JSONOf<paths['/api/v1/grants/{id}']['get']['responses'][200]>;
export type GrantList = JSONOf<paths['/api/v1/grants']['get']['responses'][200]>;
export type GrantFlag = NonNullable<NonNullable<JSONOf<paths['/api/v1/grant-flags']['get']['responses'][200]>['items']>[number]>;
export type DailyUsage = NonNullable<JSONOf<paths['/api/v1/grants/{id}/daily-usage']['get']['responses'][200]>['items']>[number];
export type GrantCredential = NonNullable<
  NonNullable<JSONOf<paths['/api/v1/grants/{id}/credentials']['get']['responses'][200]>['items']>[number]
>;
export type UsageRecord = NonNullable<JSONOf<paths['/api/v1/grants/{id}/usage']['get']['responses'][200]>['items']>[number];
export type UsageInput = NonNullable<paths['/api/v1/grants/{id}/usage']['post']['requestBody']>['content']['application/json'];
export type Credential = NonNullable<NonNullable<JSONOf<paths['/api/v1/credentials']['get']['responses'][200]>['items']>[number]>;

export const grantStates = ['active', 'suspended', 'revoked', 'expired'] as const;
export const usageKinds = ['use', 'storage', 'destruction'] as const;

export function useGrantLabels() {
  const { t } = useI18n();
  const key = (prefix: string, v: string | undefined) => (v ? t(`${prefix}.${v}` as MessageKey) : '—');
  return {
    state: (v: string | undefined) => key('grants.state', v),
    method: (v: string | undefined) => key('grants.method', v),
    flagKind: (v: string | undefined) => key('grants.flagKind', v),
    flagState: (v: string | undefined) => key('grants.flagState', v),
    usageKind: (v: string | undefined) => key('grants.usageKind', v),
  };
}

export function GrantStateTag({ state }: { state?: string }) {
  const l = useGrantLabels();
  const tone = state === 'active' ? 'ok' : state === 'suspended' ? 'warn' : state === 'revoked' ? 'bad' : 'muted';
  return <Tag className={`govdata-tag govdata-tag-${tone}`}>{l.state(state)}</Tag>;
}

/**
 * ReasonDialog asks for the reason of a destructive or state-changing
 * action (UI.md: confirm, with a reason where the API takes one; the
 * button names the action). The server's refusal is shown under the field
 * or above the form, in the user's language.
 */
export function ReasonDialog({
  open,
  title,
  note,
  label,
  okText,
  danger = true,
  onClose,
  onSend,
}: {
  open: boolean;
  title: string;
  note?: ReactNode;
  label: string;
  okText: string;
  danger?: boolean;
  onClose: () => void;
  onSend: (reason: string) => Promise<void>;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ reason: string }>();
  const [busy, setBusy] = useState(false);
  const [refused, setRefused] = useState<string | undefined>();
  async function send() {
    setRefused(undefined);
    let reason: string;
    try {
      reason = (await form.validateFields()).reason.trim();
    } catch {
      return;
    }
    setBusy(true);
    try {
      await onSend(reason);
      form.resetFields();
    } catch (e) {
      if (!applyFieldErrors(form, e, ['reason'])) setRefused((e as Error).message);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal
      open={open}
      title={title}
      onCancel={onClose}
      okText={okText}
      cancelText={t('grants.cancel')}
      okButtonProps={{ danger, loading: busy }}
      onOk={() => void send()}
      destroyOnHidden
    >
      {note && <Typography.Paragraph>{note}</Typography.Paragraph>}
      {refused && <Alert style={{ marginBottom: 12 }} type="error" showIcon message={refused} />}
      <Form form={form} layout="vertical" onFinish={() => void send()}>
        <Form.Item name="reason" label={label} rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
          <Input.TextArea rows={3} autoFocus />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/**
 * SecretOnce shows a credential's secret as the server answered it, once
 * (ORG-5): the page keeps it in memory only while this is open — never in
 * storage — so a reload or leaving the page loses it for good.
 */
export function SecretOnce({ appKey, secret, onClose }: { appKey?: string; secret: string; onClose: () => void }) {
  const { t } = useI18n();
  return (
    <Alert
      style={{ marginBottom: 16 }}
      type="warning"
      showIcon
      closable={{ 'aria-label': t('credentials.secretDone') }}
      onClose={onClose}
      message={t('credentials.secretOnce')}
      description={
        <div data-testid="secret-once">
          {appKey && (
            <div>
              {t('credentials.appKey')}：
              <Typography.Text className="govdata-mono" copyable={{ text: appKey }}>
                {appKey}
              </Typography.Text>
            </div>
          )}
          <div>
            {t('credentials.secret')}：
            <Typography.Text className="govdata-mono" data-testid="secret" copyable={{ text: secret, tooltips: [t('credentials.copySecret'), t('grants.copied')] }}>
              {secret}
            </Typography.Text>
          </div>
        </div>
      }
    />
  );
}

/** encodeSegment percent-encodes a path segment by RFC 3986 (docs/api.md: PATH is signed as sent). */
export function encodeSegment(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/**
 * serviceCall is the data-service request a grant's method serves
 * (SHR-4): records for the interface method, a file export, the changes
 * of a subscription; the resource code is one path segment, its / sent
 * as %2F.
 */
export function serviceCall(grant: Grant): { path: string; params: string[] } {
  const base = `/api/v1/services/${encodeSegment(grant.resource_code ?? '')}`;
  switch (grant.method) {
    case 'file':
      return { path: `${base}/export`, params: ['format=csv'] };
    case 'subscription':
      return { path: `${base}/changes`, params: ['limit=100'] };
  }
  return { path: `${base}/records`, params: ['limit=10'] };
}

function replaceLine(script: string, starts: string, line: string): string {
  const lines = script.split('\n');
  const i = lines.findIndex((l) => l.startsWith(starts));
  if (i < 0) throw new Error(`signed-call.sh has no line starting ${starts}`);
  lines[i] = line;
  return lines.join('\n');
}

/**
 * signedExample is docs/api.md's curl + openssl script, filled with the
 * credential's app key, this server's origin and the grant's service
 * call. The secret is not in it: the script reads it from $SECRET, so it
 * can be kept and shared without the secret.
 */
export function signedExample({ appKey, origin, grant }: { appKey: string; origin: string; grant: Grant }): string {
  const { path, params } = serviceCall(grant);
  let s = signedCallScript;
  s = replaceLine(s, '# Sign and send ', `# Sign and send GET ${path}?${params.join('&')} as a system credential (grant ${grant.id}).`);
  s = replaceLine(s, 'APP_KEY=', `APP_KEY="\${APP_KEY:-${appKey}}"`);
  s = replaceLine(s, 'GOVDATA="${GOVDATA:-', `GOVDATA="\${GOVDATA:-${origin}}"`);
  s = replaceLine(s, 'REQUEST_PATH=', `REQUEST_PATH=${path}  # as sent: percent-encoded, without the query`);
  s = replaceLine(s, 'PARAMS=(', `PARAMS=(${params.map((p) => `"${p}"`).join(' ')})  # name=value pairs, not yet encoded`);
  return s;
}
