// The server's per-field messages put under a form's fields, where UI.md
// says an error belongs; every form of the console reports a refusal so.
import type { FormInstance } from 'antd';
import { ApiError } from '../api/client';

/**
 * applyFieldErrors puts the server's per-field messages under the form's
 * fields (the server checks a credit code, a region code, a password) and
 * reports whether it found any; the caller shows the message otherwise.
 */
export function applyFieldErrors(form: FormInstance, e: unknown, names: string[]): boolean {
  if (!(e instanceof ApiError)) return false;
  const known = Object.entries(e.fields).filter(([name]) => names.includes(name));
  if (known.length === 0) return false;
  form.setFields(known.map(([name, msg]) => ({ name, errors: [msg] })));
  return true;
}
