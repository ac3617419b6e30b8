// The GB/T 2260 regions as a tree, read a level at a time as the user opens
// it: the tops (GET /api/v1/regions?roots=true) first, a region's children
// (?parent_code=) when it is expanded. The national list runs to 665,000
// rows down to villages, so nothing is read before it is asked for.
//
// useRegionTree serves both the administrator's tree (admin/regions, antd
// Tree) and the region-scope picker of a share application
// (RegionScopeSelect, antd TreeSelect).
import { useCallback, useEffect, useState } from 'react';
import { TreeSelect } from 'antd';
import { api, call, type paths } from '../api/client';
import { useI18n } from '../i18n';

export type Region = NonNullable<NonNullable<paths['/api/v1/regions']['get']['responses'][200]['content']['application/json']['items']>[number]>;

export interface RegionNode {
  key: string;
  value: string;
  title: string;
  region: Region;
  isLeaf: boolean;
  children?: RegionNode[];
}

// A village has no level below it: the tree shows no expander on it.
function node(r: Region): RegionNode {
  const code = r.code ?? '';
  return { key: code, value: code, title: `${r.name ?? ''} ${code}`, region: r, isLeaf: r.level === 'village' };
}

/** readRegions reads every page of one level of the tree. */
async function readRegions(query: { roots?: 'true'; parent_code?: string }): Promise<Region[]> {
  const out: Region[] = [];
  let cursor: string | undefined;
  do {
    const page = await call(api.GET('/api/v1/regions', { params: { query: { ...query, limit: '500', cursor } } }));
    out.push(...((page.items ?? []).filter(Boolean) as Region[]));
    cursor = page.next_cursor || undefined;
  } while (cursor);
  return out;
}

function withChildren(nodes: RegionNode[], parent: string, children: RegionNode[]): RegionNode[] {
  return nodes.map((n) => {
    if (n.key === parent) return { ...n, children, isLeaf: children.length === 0 };
    if (n.children) return { ...n, children: withChildren(n.children, parent, children) };
    return n;
  });
}

/**
 * useRegionTree holds the part of the tree read so far. loadChildren reads
 * a region's children (antd's loadData); reload starts again from the tops
 * (after an import).
 */
export function useRegionTree() {
  const [treeData, setTreeData] = useState<RegionNode[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Error | null>(null);

  const reload = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      setTreeData((await readRegions({ roots: 'true' })).map(node));
    } catch (e) {
      setError(e as Error);
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);

  const loadChildren = useCallback(async (code: string) => {
    try {
      const children = (await readRegions({ parent_code: code })).map(node);
      setTreeData((prev) => withChildren(prev, code, children));
    } catch (e) {
      setError(e as Error);
    }
  }, []);

  return { treeData, loading, error, reload, loadChildren };
}

/**
 * RegionScopeSelect picks the regions whose rows an application asks for
 * (ApplicationInput.region_scope): a code covers every region below it, so
 * checking a parent does not check its children (they are covered).
 */
export function RegionScopeSelect({
  id,
  value,
  onChange,
  disabled,
}: {
  id?: string;
  value?: string[];
  onChange?: (codes: string[]) => void;
  disabled?: boolean;
}) {
  const { t } = useI18n();
  const { treeData, loading, loadChildren } = useRegionTree();
  return (
    <TreeSelect<string[]>
      id={id}
      multiple
      allowClear
      showSearch={false}
      disabled={disabled}
      loading={loading}
      treeData={treeData}
      loadData={(n) => loadChildren(String(n.key))}
      value={value}
      onChange={(v) => onChange?.(v ?? [])}
      placeholder={t('region.scopeAll')}
      treeNodeLabelProp="title"
      style={{ width: '100%' }}
      popupMatchSelectWidth
    />
  );
}
