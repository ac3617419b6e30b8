// What the administration pages share: the server's field messages put
// under the form's fields, and a password issued to an account.
import type { FormInstance } from 'antd';
import { ApiError } from '../../api/client';

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

const alphabet = {
  upper: 'ABCDEFGHJKLMNPQRSTUVWXYZ',
  lower: 'abcdefghijkmnpqrstuvwxyz',
  digit: '23456789',
  symbol: '#%+-=@^_',
};

/**
 * issuePassword draws a one-time password for an account (ORG-3: its
 * holder must change it at first login): 16 characters of all four kinds,
 * from the browser's cryptographic generator, without look-alike
 * characters (0/O, 1/l/I) since it is read off the screen. The server
 * still applies the password policy to it.
 */
export function issuePassword(): string {
  const all = alphabet.upper + alphabet.lower + alphabet.digit + alphabet.symbol;
  const pick = (set: string) => {
    const b = new Uint32Array(1);
    crypto.getRandomValues(b);
    return set[(b[0] ?? 0) % set.length] ?? set[0]!;
  };
  const chars = [pick(alphabet.upper), pick(alphabet.lower), pick(alphabet.digit), pick(alphabet.symbol)];
  while (chars.length < 16) chars.push(pick(all));
  for (let i = chars.length - 1; i > 0; i--) {
    const b = new Uint32Array(1);
    crypto.getRandomValues(b);
    const j = (b[0] ?? 0) % (i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}
