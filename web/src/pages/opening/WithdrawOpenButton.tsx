// 申请撤回开放 on an entry's page (OPN-3, HLJ-35): the provider's officer
// asks, with a reason, to take a published open entry out of the open
// catalog; the bureau reviews it. The server says no when the data is not
// open or a request is already pending.
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { Alert, Button, Form, Input, Modal } from 'antd';
import { api, call, ApiError } from '../../api/client';
import { useI18n } from '../../i18n';

export function WithdrawOpenButton({ entryID, name }: { entryID: number; name?: string }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ reason: string }>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | undefined>();
  async function submit() {
    let v: { reason: string };
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setFailure(undefined);
    try {
      const w = await call(api.POST('/api/v1/open-withdrawals', { body: { entry_id: entryID, reason: v.reason.trim() } }));
      setOpen(false);
      navigate(`/opening/withdrawals/${w.id}`);
    } catch (e) {
      if (e instanceof ApiError && e.fields.reason) form.setFields([{ name: 'reason', errors: [e.fields.reason] }]);
      else setFailure((e as Error).message);
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      <Button danger onClick={() => setOpen(true)}>
        {t('opening.requestWithdraw')}
      </Button>
      <Modal
        open={open}
        title={t('opening.requestWithdrawTitle', { name: name ?? '' })}
        onCancel={() => setOpen(false)}
        okText={t('opening.requestWithdraw')}
        cancelText={t('catalog.cancel')}
        okButtonProps={{ danger: true, loading: busy }}
        onOk={() => void submit()}
        destroyOnHidden
      >
        {failure && <Alert style={{ marginBottom: 12 }} type="error" showIcon message={failure} />}
        <Form form={form} layout="vertical">
          <Form.Item
            name="reason"
            label={t('opening.withdrawReason')}
            extra={t('opening.withdrawNote')}
            rules={[{ required: true, whitespace: true, message: t('form.required') }]}
          >
            <Input.TextArea rows={3} autoFocus maxLength={2000} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
