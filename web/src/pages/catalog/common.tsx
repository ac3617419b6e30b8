// What the catalog's pages share: the API's entry types, the names of its
// codes in the user's language (the profile's own share and open labels
// first, UI.md), and the path of a server field error in a form.
import { useEffect, useState } from 'react';
import { Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { api, call, type paths } from '../../api/client';
import './catalog.css';
import { useI18n, type MessageKey } from '../../i18n';

export type Entry = paths['/api/v1/catalog/{id}']['get']['responses'][200]['content']['application/json'];
export type EntryInput = paths['/api/v1/catalog']['post']['requestBody']['content']['application/json'];
export type EntryPatch = NonNullable<paths['/api/v1/catalog/{id}']['patch']['requestBody']>['content']['application/json'];
export type EntryList = paths['/api/v1/catalog']['get']['responses'][200]['content']['application/json'];
export type EntryVersion = paths['/api/v1/catalog/{id}/versions']['get']['responses'][200]['content']['application/json'][number];
export type Item = NonNullable<EntryInput['items']>[number];
export type Facet = NonNullable<NonNullable<EntryList['facets']>[string]>[number];

export const shareTypes = ['unconditional', 'conditional', 'not_shared'] as const;
export const openTypes = ['unconditional', 'conditional', 'not_open'] as const;
export const grades = ['core', 'important', 'general'] as const;
export const updateCycles = ['realtime', 'daily', 'weekly', 'monthly', 'quarterly', 'half_yearly', 'yearly', 'other'] as const;
export const itemTypes = ['C', 'N', 'Y', 'D', 'T', 'L', 'M', 'B'] as const;
export const statuses = ['draft', 'in_review', 'returned', 'published', 'revoking', 'revoked'] as const;
export const valueFormats = ['citizen_id', 'credit_code', 'phone', 'date', 'email', 'region_code'] as const;
export const categories = ['1', '2', '3'] as const;

type ProfileLabels = { share?: Record<string, string>; open?: Record<string, string> };

// The profile's labels are fetched once per page load: a deployment's
// profile does not change while it runs.
let profileLabels: Promise<ProfileLabels> | undefined;

function loadProfileLabels(): Promise<ProfileLabels> {
  profileLabels ??= call(api.GET('/api/v1/profile'))
    .then((p) => (p as { labels?: ProfileLabels }).labels ?? {})
    .catch(() => {
      profileLabels = undefined;
      return {};
    });
  return profileLabels;
}

export interface CatalogLabels {
  share: (v: string | undefined) => string;
  open: (v: string | undefined) => string;
  grade: (v: string | undefined) => string;
  cycle: (v: string | undefined) => string;
  status: (v: string | undefined) => string;
  itemType: (v: string | undefined) => string;
  category: (v: string | undefined) => string;
  format: (v: string | undefined) => string;
}

/**
 * useCatalogLabels names the catalog's codes. The profile names the share
 * and open types its own way (ZJ-13: 受限共享), in Chinese: its labels are
 * shown in the Chinese console, the national names in English.
 */
export function useCatalogLabels(): CatalogLabels {
  const { t, lang } = useI18n();
  const [labels, setLabels] = useState<ProfileLabels>({});
  useEffect(() => {
    let live = true;
    void loadProfileLabels().then((l) => live && setLabels(l));
    return () => {
      live = false;
    };
  }, []);
  const key = (prefix: string, v: string | undefined) => (v ? t(`${prefix}.${v}` as MessageKey) : '');
  return {
    share: (v) => (lang === 'zh' && v && labels.share?.[v]) || key('catalog.share', v),
    open: (v) => (lang === 'zh' && v && labels.open?.[v]) || key('catalog.open', v),
    grade: (v) => key('catalog.grade', v),
    cycle: (v) => key('catalog.cycle', v),
    status: (v) => key('catalog.status', v),
    itemType: (v) => key('catalog.itemType', v),
    category: (v) => key('catalog.category', v),
    format: (v) => key('catalog.valueFormat', v),
  };
}

export function StatusTag({ status }: { status?: string }) {
  const l = useCatalogLabels();
  return <Tag className={`govdata-status govdata-status-${status ?? ''}`}>{l.status(status)}</Tag>;
}

/** Code shows a resource code monospace and copyable (UI.md). */
export function Code({ value }: { value?: string }) {
  if (!value) return null;
  return (
    <Typography.Text className="govdata-mono" copyable={{ text: value }}>
      {value}
    </Typography.Text>
  );
}

/**
 * EntryName is a list's first cell: the entry's name as a link, its resource
 * code under it, copyable (one column for both keeps a list within 1366 px).
 */
export function EntryName({ to, name, code }: { to: string; name?: string; code?: string }) {
  return (
    <div className="govdata-entry-name">
      <Link to={to}>{name}</Link>
      {code && (
        <Typography.Text className="govdata-mono govdata-entry-code" copyable={{ text: code }}>
          {code}
        </Typography.Text>
      )}
    </div>
  );
}

/**
 * fieldPath turns a server field name ("items[2].rules.pattern") into a
 * form's name path (['items', 2, 'rules', 'pattern']).
 */
export function fieldPath(field: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const part of field.split('.')) {
    const m = part.match(/^([^[]*)((?:\[\d+\])*)$/);
    if (!m) {
      out.push(part);
      continue;
    }
    if (m[1]) out.push(m[1]);
    for (const i of (m[2] ?? '').matchAll(/\[(\d+)\]/g)) out.push(Number(i[1]));
  }
  return out;
}

/** A date of an RFC 3339 instant, YYYY-MM-DD. */
export { formatDateTime } from '../../format';
