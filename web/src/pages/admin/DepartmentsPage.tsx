// 部门: the departments of a region, chosen in the region tree, with the
// data bureau (政务数据主管部门, which reviews the region's catalog: CAT-3)
// marked; the sysadmin creates and changes them. The credit code (GB 32100)
// is checked by the server, whose message shows under the field.
import { useCallback, useState } from 'react';
import { Alert, Button, Card, Checkbox, Col, Form, Input, Modal, Row, Select, Space, Table, Tag, Tree, TreeSelect, Typography } from 'antd';
import { api, call, type paths } from '../../api/client';
import { Page, LoadMore } from '../../components/Page';
import { LoadError } from '../../components/LoadError';
import { usePaged } from '../../components/usePaged';
import { useRegionTree } from '../../components/RegionTree';
import './admin.css';
import { useI18n } from '../../i18n';
import { Code } from '../catalog/common';
import { applyFieldErrors } from '../../components/fieldErrors';

type Department = NonNullable<NonNullable<paths['/api/v1/departments']['get']['responses'][200]['content']['application/json']['items']>[number]>;
type Level = NonNullable<Department['level']>;
const levels: Level[] = ['province', 'city', 'county', 'township'];

export default function DepartmentsPage() {
  const { t } = useI18n();
  const regions = useRegionTree();
  const [region, setRegion] = useState<string | undefined>();
  const [editing, setEditing] = useState<Department | 'new' | undefined>();
  const fetch = useCallback(
    (cursor?: string) =>
      call(api.GET('/api/v1/departments', { params: { query: { limit: '50', ...(region ? { region_code: region } : {}), ...(cursor ? { cursor } : {}) } } })),
    [region],
  );
  const list = usePaged<Department>(fetch);
  const regionName = (code?: string) => code ?? '';

  return (
    <Page
      extra={
        <Button type="primary" onClick={() => setEditing('new')}>
          {t('admin.deptNew')}
        </Button>
      }
    >
      <Row gutter={16}>
        <Col span={8}>
          <Card title={t('admin.deptByRegion')} size="small">
            {regions.error && <LoadError error={regions.error} onRetry={() => void regions.reload()} />}
            <Space style={{ marginBottom: 8 }}>
              <Button size="small" disabled={!region} onClick={() => setRegion(undefined)}>
                {t('admin.allRegions')}
              </Button>
            </Space>
            <Tree
              aria-label={t('admin.deptByRegion')}
              treeData={regions.treeData}
              loadData={(n) => regions.loadChildren(String(n.key))}
              selectedKeys={region ? [region] : []}
              onSelect={(keys) => setRegion(keys.length ? String(keys[0]) : undefined)}
              height={480}
            />
          </Card>
        </Col>
        <Col span={16}>
          {list.error && <LoadError error={list.error} onRetry={() => void list.load()} />}
          <Table<Department>
            aria-label={t('page.departments')}
            rowKey={(d) => String(d.id)}
            dataSource={list.items}
            loading={list.loading}
            pagination={false}
            size="middle"
            locale={{ emptyText: <Typography.Text type="secondary">{region ? t('admin.deptEmptyRegion') : t('admin.deptEmpty')}</Typography.Text> }}
            columns={[
              {
                title: t('admin.deptName'),
                key: 'name',
                render: (_, d) => (
                  <Space size={4} wrap>
                    {d.name}
                    {d.bureau && <Tag className="govdata-tag-info">{t('admin.bureau')}</Tag>}
                  </Space>
                ),
              },
              { title: t('admin.creditCode'), key: 'credit', width: 220, render: (_, d) => <Code value={d.credit_code} /> },
              { title: t('admin.regionCode'), key: 'region', width: 110, render: (_, d) => <span className="govdata-mono">{regionName(d.region_code)}</span> },
              { title: t('admin.deptLevel'), key: 'level', width: 90, render: (_, d) => t(`admin.level.${d.level ?? 'city'}` as 'admin.level.city') },
              {
                title: t('admin.actions'),
                key: 'actions',
                width: 90,
                render: (_, d) => (
                  <Button size="small" onClick={() => setEditing(d)} aria-label={t('admin.deptEditOf', { name: d.name ?? '' })}>
                    {t('admin.edit')}
                  </Button>
                ),
              },
            ]}
          />
          <LoadMore more={list.cursor} loading={list.loading} onMore={() => void list.load(list.cursor)} />
        </Col>
      </Row>
      {editing && (
        <DepartmentForm
          dept={editing === 'new' ? undefined : editing}
          region={region}
          regionTree={regions}
          onClose={() => setEditing(undefined)}
          onSaved={() => {
            setEditing(undefined);
            void list.load();
          }}
        />
      )}
    </Page>
  );
}

interface Values {
  name: string;
  credit_code: string;
  region_code: string;
  level: Level;
  bureau: boolean;
}

function DepartmentForm({
  dept,
  region,
  regionTree,
  onClose,
  onSaved,
}: {
  dept?: Department;
  region?: string;
  regionTree: ReturnType<typeof useRegionTree>;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  async function save(v: Values) {
    setSaving(true);
    setError(null);
    try {
      const body = { name: v.name.trim(), credit_code: v.credit_code.trim().toUpperCase(), region_code: v.region_code, level: v.level, bureau: !!v.bureau };
      if (dept) {
        await call(api.PATCH('/api/v1/departments/{id}', { params: { path: { id: String(dept.id) } }, body }));
      } else {
        await call(api.POST('/api/v1/departments', { body }));
      }
      onSaved();
    } catch (e) {
      if (!applyFieldErrors(form, e, ['name', 'credit_code', 'region_code', 'level', 'bureau'])) setError(e as Error);
    } finally {
      setSaving(false);
    }
  }
  return (
    <Modal
      open
      title={dept ? t('admin.deptEdit') : t('admin.deptNew')}
      onCancel={onClose}
      okText={dept ? t('admin.save') : t('admin.deptCreateButton')}
      cancelText={t('admin.cancel')}
      confirmLoading={saving}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={dept ? { ...dept } : { region_code: region, level: 'city', bureau: false }}
        onFinish={(v) => void save(v)}
      >
        <Form.Item name="name" label={t('admin.deptName')} rules={[{ required: true, message: t('admin.required') }]}>
          <Input />
        </Form.Item>
        <Form.Item name="credit_code" label={t('admin.creditCode')} extra={t('admin.creditCodeHint')} rules={[{ required: true, message: t('admin.required') }]}>
          <Input className="govdata-mono" maxLength={18} />
        </Form.Item>
        <Form.Item name="region_code" label={t('admin.deptRegion')} rules={[{ required: true, message: t('admin.required') }]}>
          <TreeSelect
            treeData={regionTree.treeData}
            loadData={(n) => regionTree.loadChildren(String(n.key))}
            treeNodeLabelProp="title"
          />
        </Form.Item>
        <Form.Item name="level" label={t('admin.deptLevel')} rules={[{ required: true, message: t('admin.required') }]}>
          <Select options={levels.map((l) => ({ value: l, label: t(`admin.level.${l}` as 'admin.level.city') }))} />
        </Form.Item>
        <Form.Item name="bureau" valuePropName="checked" extra={t('admin.bureauHint')}>
          <Checkbox>{t('admin.bureauFlag')}</Checkbox>
        </Form.Item>
      </Form>
      {error && <Alert type="error" showIcon message={error.message} />}
    </Modal>
  );
}
