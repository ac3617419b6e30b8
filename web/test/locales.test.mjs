// Every label is in both languages, and the code uses no key that neither
// has (web/src/locales/zh.json and en.json, UI.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const zh = JSON.parse(readFileSync(new URL('../src/locales/zh.json', import.meta.url), 'utf8'));
const en = JSON.parse(readFileSync(new URL('../src/locales/en.json', import.meta.url), 'utf8'));

test('zh.json and en.json have the same keys', () => {
  const onlyZh = Object.keys(zh).filter((k) => !(k in en));
  const onlyEn = Object.keys(en).filter((k) => !(k in zh));
  assert.deepEqual(onlyZh, [], `keys in zh.json and not in en.json: ${onlyZh.join(', ')}`);
  assert.deepEqual(onlyEn, [], `keys in en.json and not in zh.json: ${onlyEn.join(', ')}`);
});

test('no message is empty, and both languages fill the same placeholders', () => {
  for (const [k, v] of Object.entries(zh)) {
    assert.ok(typeof v === 'string' && v.trim() !== '', `zh.json ${k} is empty`);
    assert.ok(typeof en[k] === 'string' && en[k].trim() !== '', `en.json ${k} is empty`);
    const vars = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    assert.deepEqual(vars(en[k]), vars(v), `${k}: placeholders differ between zh and en`);
  }
});

test('the English file has no Chinese left in it', () => {
  // Language names are shown in their own language.
  const own = new Set(['lang.zh']);
  for (const [k, v] of Object.entries(en)) {
    if (own.has(k)) continue;
    assert.ok(!/[\u4e00-\u9fff]/.test(v), `en.json ${k} is not translated: ${v}`);
  }
});

function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [p] : [];
  });
}

test('every key the code names is in the locale files', () => {
  const src = new URL('../src/', import.meta.url).pathname;
  const used = new Map();
  // t('key'), translate(lang, 'key'), title: 'key' (routes.tsx).
  const patterns = [/\bt\(\s*'([\w.]+)'/g, /\btranslate\(\s*\w+\s*,\s*'([\w.]+)'/g, /\btitle:\s*'([\w.]+)'/g];
  for (const file of sources(src)) {
    const code = readFileSync(file, 'utf8');
    for (const re of patterns) {
      for (const m of code.matchAll(re)) used.set(m[1], file.slice(src.length));
    }
    // Keys built from a prefix (t(`role.${r}`)) need at least one key of the prefix.
    for (const m of code.matchAll(/\bt\(\s*`([\w.]+)\$\{/g)) {
      assert.ok(Object.keys(zh).some((k) => k.startsWith(m[1])), `${file}: no key starts with ${m[1]}`);
    }
  }
  assert.ok(used.size > 50, `found only ${used.size} keys in the code: is the pattern still right?`);
  const missing = [...used].filter(([k]) => !(k in zh)).map(([k, f]) => `${k} (${f})`);
  assert.deepEqual(missing, [], `keys used in the code and missing from the locale files: ${missing.join(', ')}`);
});

test('every role the API names has a label', () => {
  const spec = JSON.parse(readFileSync(new URL('../src/api/openapi.json', import.meta.url), 'utf8'));
  const roles = new Set();
  (function walk(v) {
    if (Array.isArray(v)) return v.forEach(walk);
    if (v && typeof v === 'object') {
      if (Array.isArray(v.enum) && v.enum.includes('sysadmin')) v.enum.forEach((r) => roles.add(r));
      Object.values(v).forEach(walk);
    }
  })(spec);
  assert.ok(roles.size >= 7, `found roles ${[...roles]}`);
  for (const r of roles) assert.ok(`role.${r}` in zh, `no label role.${r}`);
});
