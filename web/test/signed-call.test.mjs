// The grant page's signed-call example is docs/api.md's "Example with curl
// and openssl", which signing/readme_test.go runs against a verifying
// server: the console carries a copy (src/pages/grants/signed-call.sh,
// filled in for a credential and grant), and this keeps the copy equal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const here = (p) => new URL(p, import.meta.url);

test('the console example is the script of docs/api.md', () => {
  const doc = readFileSync(here('../../docs/api.md'), 'utf8');
  const begin = doc.indexOf('<!-- signing:begin -->');
  const end = doc.indexOf('<!-- signing:end -->');
  assert.ok(begin >= 0 && end > begin, 'docs/api.md has its signing markers');
  const section = doc.slice(begin, end);
  const open = section.indexOf('```bash\n');
  assert.ok(open >= 0, 'the signing section has a bash block');
  const from = open + '```bash\n'.length;
  const script = section.slice(from, section.indexOf('\n```', from) + 1);
  assert.equal(readFileSync(here('../src/pages/grants/signed-call.sh'), 'utf8'), script);
});

test('the lines the page fills are in the script', () => {
  const script = readFileSync(here('../src/pages/grants/signed-call.sh'), 'utf8').split('\n');
  // signedExample (src/pages/grants/common.tsx) replaces the line starting with each.
  for (const start of ['# Sign and send ', 'APP_KEY=', 'GOVDATA="${GOVDATA:-', 'REQUEST_PATH=', 'PARAMS=(']) {
    assert.equal(script.filter((l) => l.startsWith(start)).length, 1, start);
  }
  assert.ok(script.some((l) => l.startsWith('SECRET="${SECRET:?')), 'the secret comes from the environment');
});
