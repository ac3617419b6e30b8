// DecideDialog takes a decision on the current step of an open application
// or a withdrawal: approve or sign with an optional comment; reject with
// its reason (HLJ-34, ZJ-23: the applicant reads it); the approval of a
// withdrawal records the filing with the provincial bureau (HLJ-35).
import { useState } from 'react';
import { Alert, Form, Input, Modal } from 'antd';
import { ApiError } from '../../api/client';
import { useI18n } from '../../i18n';
import { actionLabel } from '../sharing/common';

export type Decision = { decision: string; reason?: string; provincial_filing?: string };

export function DecideDialog<T>({
  action,
  filing,
  onClose,
  send,
  onDone,
}: {
  action: string | undefined;
  filing?: boolean;
  onClose: () => void;
  send: (d: Decision) => Promise<T>;
  onDone: (out: T) => void;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ reason?: string; provincial_filing?: string }>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | undefined>();
  const reasonNeeded = action === 'reject' || action === 'withdraw';
  const filingNeeded = !!filing && action === 'approve';
  const label = actionLabel(action, t);

  async function submit() {
    if (!action) return;
    let v: { reason?: string; provincial_filing?: string };
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setFailure(undefined);
    try {
      const out = await send({
        decision: action,
        ...(v.reason?.trim() ? { reason: v.reason.trim() } : {}),
        ...(filingNeeded && v.provincial_filing?.trim() ? { provincial_filing: v.provincial_filing.trim() } : {}),
      });
      form.resetFields();
      onDone(out);
    } catch (e) {
      if (e instanceof ApiError && (e.fields.reason || e.fields.provincial_filing)) {
        form.setFields([
          ...(e.fields.reason ? [{ name: 'reason' as const, errors: [e.fields.reason] }] : []),
          ...(e.fields.provincial_filing ? [{ name: 'provincial_filing' as const, errors: [e.fields.provincial_filing] }] : []),
        ]);
      } else {
        setFailure((e as Error).message);
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open={!!action}
      title={action ? t('sharing.decideTitle', { action: label }) : ''}
      onCancel={onClose}
      okText={label}
      cancelText={t('catalog.cancel')}
      okButtonProps={{ loading: busy, danger: reasonNeeded }}
      onOk={() => void submit()}
      destroyOnHidden
    >
      {failure && <Alert style={{ marginBottom: 12 }} type="error" showIcon message={failure} />}
      <Form form={form} layout="vertical">
        {filingNeeded && (
          <Form.Item
            name="provincial_filing"
            label={t('opening.filing')}
            extra={t('opening.filingNote')}
            rules={[{ required: true, whitespace: true, message: t('form.required') }]}
          >
            <Input.TextArea rows={2} autoFocus maxLength={500} />
          </Form.Item>
        )}
        <Form.Item
          name="reason"
          label={t(action === 'reject' ? 'sharing.refusalReason' : reasonNeeded ? 'sharing.reason' : 'sharing.comment')}
          extra={t(action === 'reject' ? 'opening.refusalNote' : reasonNeeded ? 'sharing.reasonNote' : 'sharing.commentOptional')}
          rules={reasonNeeded ? [{ required: true, whitespace: true, message: t('form.required') }] : []}
        >
          <Input.TextArea rows={3} autoFocus={!filingNeeded} maxLength={2000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
