// Pieces the portal's pages share: the open type's tag, the labels of the
// catalog's values, a dataset's one-line facts.
import { Tag } from 'antd';
import { Link } from 'react-router';
import { useI18n, type MessageKey } from '../../i18n';
import { formatDateTime, formatNumber } from '../../format';
import { datasetPath } from './portalApi';

export function OpenTypeTag({ type }: { type?: string }) {
  const { t } = useI18n();
  if (!type) return null;
  // Unconditional: free to use (HLJ-34 ¶2); conditional: by application.
  // Own colours: Ant Design's green and gold tags fall short of 4.5:1.
  return <Tag className={`portal-tag portal-tag-${type}`}>{t(`catalog.open.${type}` as MessageKey)}</Tag>;
}

/** useLabels names the catalog's coded values in the user's language. */
export function useLabels() {
  const { t } = useI18n();
  return {
    cycle: (v?: string) => (v ? t(`catalog.cycle.${v}` as MessageKey) : ''),
    category: (v?: string) => (v ? t(`catalog.category.${v}` as MessageKey) : ''),
    open: (v?: string) => (v ? t(`catalog.open.${v}` as MessageKey) : ''),
    itemType: (v?: string) => (v ? t(`catalog.itemType.${v}` as MessageKey) : ''),
  };
}

/** day is the date part of an instant, YYYY-MM-DD. */
export function day(iso?: string | null): string {
  return formatDateTime(iso).slice(0, 10);
}

/** A dataset in a short list: its name (a link) and a note at the right. */
export function DatasetLine({ code, name, note }: { code: string; name: string; note?: string }) {
  return (
    <li>
      <Link to={datasetPath(code)}>{name}</Link>
      {note ? <span className="portal-muted">{note}</span> : null}
    </li>
  );
}

/** lastUpdate is when the entry was last published or changed. */
export function lastUpdate(e: { updated_at?: string | null; published_at?: string | null }): string {
  return day(e.updated_at || e.published_at);
}

/** count is a number for a message: 1 as a number, so that the message
 * takes its ".one" form; others with thousands separators. */
export function count(n: number): string | number {
  return n === 1 ? 1 : formatNumber(n);
}
