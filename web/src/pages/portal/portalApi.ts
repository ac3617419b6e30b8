// The portal's reads, with fetch and the portal's own types: the open
// catalog's and the open-data endpoints (opendata). Not through the
// console's client, so that a 401 never reaches the staff console's
// "session expired" handler, and a page degrades while an endpoint is not
// there yet (a 404 is an empty answer for the caller to handle).
import { ApiError, NetworkError } from '../../api/client';
import { initialLang } from '../../i18n';
import type { operations } from '../../api/schema';

/** The answer of a GET endpoint, as generated from the OpenAPI document. */
type Answer<K extends keyof operations> = operations[K] extends { responses: { 200: { content: { 'application/json': infer T } } } } ? T : never;

/** A page of an open-catalog search with its facet counts (govdata.EntryList). */
export type EntryList = Answer<'GET /api/v1/open/catalog'>;
/** An open entry as the open catalog answers it (govdata.Entry's public view). */
export type OpenEntry = NonNullable<NonNullable<EntryList['items']>[number]>;
/** Facet counts entries per value of one field (govdata.Facet). */
export type Facet = NonNullable<NonNullable<EntryList['facets']>[string]>[number];

function language(): string {
  return document.documentElement.lang === 'en' || initialLang() === 'en' ? 'en' : 'zh-CN';
}

/** getJSON reads a GET endpoint: the body, or an ApiError / NetworkError. */
export async function getJSON<T>(path: string, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { credentials: 'same-origin', headers: { Accept: 'application/json', 'Accept-Language': language() }, signal });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new NetworkError();
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  if (!res.ok) throw new ApiError(res.status, body as ConstructorParameters<typeof ApiError>[1]);
  return body as T;
}

/** getOptional is getJSON where a 404 (an endpoint not served, or nothing there) is null. */
export async function getOptional<T>(path: string, signal?: AbortSignal): Promise<T | null> {
  try {
    return await getJSON<T>(path, signal);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

/** query writes the non-empty values as a query string ("" when none). */
export function query(values: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** datasetPath is a dataset's page; the resource code keeps its slash. */
export function datasetPath(code: string): string {
  return `/portal/datasets/${code.split('/').map(encodeURIComponent).join('/')}`;
}

/** The open-data dataset as GET /api/v1/open/datasets/{code} answers it. */
export type OpenDataset = Answer<'GET /api/v1/open/datasets/{code}'>;
/** An opened item: open is "" as stored, "deidentified" when served masked (ZJ-21). */
export type OpenItem = NonNullable<OpenDataset['items']>[number];

/** previewTable reads the preview in either shape the server may give:
 * records ([{item: value}], columns in the items' order) or {columns, rows}. */
export function previewTable(p: unknown, order: string[] = []): { columns: string[]; rows: unknown[][] } | null {
  if (Array.isArray(p)) {
    if (p.length === 0) return { columns: [], rows: [] };
    if (Array.isArray(p[0])) return null;
    const keys = Object.keys(p[0] as object);
    const columns = [...order.filter((c) => keys.includes(c)), ...keys.filter((k) => !order.includes(k))];
    return { columns, rows: p.map((r) => columns.map((c) => (r as Record<string, unknown>)[c])) };
  }
  if (p && typeof p === 'object') {
    const o = p as { columns?: unknown; rows?: unknown; items?: unknown };
    if (Array.isArray(o.columns) && Array.isArray(o.rows)) {
      const columns = o.columns.map((c) => (typeof c === 'string' ? c : String((c as { name?: string }).name ?? '')));
      return { columns, rows: o.rows.map((r) => (Array.isArray(r) ? r : columns.map((c) => (r as Record<string, unknown>)[c]))) };
    }
    if (Array.isArray(o.rows)) return previewTable(o.rows);
    if (Array.isArray(o.items)) return previewTable(o.items);
  }
  return null;
}

/** cell shows one value of a preview row. */
export function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
