// Dates and times as the console shows them (UI.md): YYYY-MM-DD and
// YYYY-MM-DD HH:mm in the deployment's time zone. Working days are never
// counted here: the API says how a due date stands.

let zone = 'Asia/Shanghai'; // PRODUCT.md §4's default; GET /api/v1/me says the deployment's

export function setTimeZone(tz: string | undefined) {
  if (tz) zone = tz;
}

function parts(iso: string): Record<string, string> | null {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  const out: Record<string, string> = {};
  for (const p of new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(d)) {
    out[p.type] = p.value;
  }
  return out;
}

/** formatDateTime shows an RFC 3339 instant as YYYY-MM-DD HH:mm. */
export function formatDateTime(iso: string | undefined | null): string {
  if (!iso) return '';
  const p = parts(iso);
  return p ? `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}` : iso;
}

/** formatNumber writes thousands separators. */
export function formatNumber(n: number): string {
  return new Intl.NumberFormat('en-US').format(n);
}

/** today is the date of now in the deployment's time zone, YYYY-MM-DD (a date the server will take as today);
 * with days, that many days later. */
export function today(days = 0): string {
  const at = new Date(Date.now() + days * 86400_000).toISOString();
  const p = parts(at);
  return p ? `${p.year}-${p.month}-${p.day}` : at.slice(0, 10);
}
