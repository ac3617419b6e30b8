// What the open-attribute pages share (ZJ-20): the API's type, the states
// and how an attribute reads (the profile's own open-type labels).
import { Space, Tag, Typography } from 'antd';
import type { paths } from '../../api/client';
import { useI18n, type MessageKey } from '../../i18n';
import { useCatalogLabels } from '../catalog/common';
import { tagStyles } from '../sharing/common';

export type OpenAttributeApproval = paths['/api/v1/open-attributes/{id}']['get']['responses'][200]['content']['application/json'];
type Attribute = OpenAttributeApproval['proposed'];

export const openAttributeStates = ['pending', 'approved', 'rejected', 'superseded'] as const;

const styles: Record<string, keyof typeof tagStyles> = { pending: 'processing', approved: 'success', rejected: 'error', superseded: 'default' };

export function OpenAttributeStateTag({ state }: { state?: string }) {
  const { t } = useI18n();
  if (!state) return null;
  return <Tag style={tagStyles[styles[state] ?? 'default']}>{t(`openAttr.state.${state}` as MessageKey)}</Tag>;
}

/** AttributeText: the open type (and conditions) of a version; version 0 is none in force. */
export function AttributeText({ attr, version, full }: { attr?: Attribute; version?: number; full?: boolean }) {
  const { t } = useI18n();
  const l = useCatalogLabels();
  if (!version) return <Typography.Text type="secondary">{t('openAttr.noneInForce')}</Typography.Text>;
  return (
    <Space orientation="vertical" size={0}>
      <span>
        {l.open(attr?.open_type)} <Typography.Text type="secondary">{t('openAttr.version', { n: version })}</Typography.Text>
      </span>
      {full && attr?.open_conditions && <Typography.Text type="secondary">{t('openAttr.conditions', { c: attr.open_conditions })}</Typography.Text>}
    </Space>
  );
}
