// The browser tests' harness: the real govdata binary on a fresh data
// folder and a free port, and Debian's Chromium driven by playwright-core
// (no browser download). Each test file starts what it needs.
//
//   GOVDATA_BIN       the binary (default: built here with go build)
//   GOVDATA_CHROMIUM  the browser (default /usr/bin/chromium)
//   GOVDATA_SHOTS     a folder to write screenshots into (optional)
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const chromiumPath = process.env.GOVDATA_CHROMIUM || '/usr/bin/chromium';

/**
 * browserMissing says why the browser tests cannot run here, or ''. Under
 * CI=true a missing Chromium is a failure, never a skip.
 */
export function browserMissing() {
  if (existsSync(chromiumPath)) return '';
  const why = `${chromiumPath} not found (apt-get install chromium)`;
  if (process.env.CI === 'true') throw new Error(`CI: ${why}: the browser tests must run`);
  console.log(`# skipping the browser tests: ${why}`);
  return why;
}

const repo = new URL('../../', import.meta.url).pathname;
let built = '';

/** binary returns the govdata binary: GOVDATA_BIN, or one built once here. */
export function binary() {
  if (process.env.GOVDATA_BIN) return process.env.GOVDATA_BIN;
  if (!built) {
    built = join(mkdtempSync(join(tmpdir(), 'govdata-bin-')), 'govdata');
    execFileSync('go', ['build', '-o', built, './cmd/govdata'], { cwd: repo, stdio: 'inherit' });
  }
  return built;
}

/**
 * startServer runs `govdata serve` on a fresh data folder and a free port
 * and returns its URL and the admin password it printed. Extra flags go
 * after the harness's own.
 */
export async function startServer(flags = []) {
  const data = mkdtempSync(join(tmpdir(), 'govdata-e2e-'));
  const env = { ...process.env };
  delete env.GOVDATA_ADMIN_PASSWORD; // the first start must issue one
  const args = ['serve', '--data', data, '--addr', '127.0.0.1:0', '--metrics-addr', 'off', '--log-level', 'warn', ...flags];
  const proc = spawn(binary(), args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stderr.on('data', (b) => (err += b));
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`govdata did not start in 30 s:\n${out}\n${err}`)), 30_000);
    proc.stdout.on('data', (b) => {
      out += b;
      const listening = out.match(/listening on (http:\/\/[\d.]+:\d+)/);
      const password = out.match(/password \/ 密码:\s+(\S+)/);
      if (listening && password) {
        clearTimeout(timer);
        resolve({ url: listening[1], adminPassword: password[1] });
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`govdata exited (${code}) before it listened:\n${out}\n${err}`));
    });
  });
  const { url, adminPassword } = await ready;
  const stop = async () => {
    if (proc.exitCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    }
    rmSync(data, { recursive: true, force: true });
  };
  return { url, adminPassword, data, stop, logs: () => out + err };
}

/** cli runs another govdata command (give it --data server.data). */
export function cli(server, args) {
  return execFileSync(binary(), args, { encoding: 'utf8' });
}

/** api calls the server's API with a bearer token (test setup, not the console). */
export async function api(server, method, path, { token, body } = {}) {
  const res = await fetch(server.url + path, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'Content-Type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : undefined;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return json;
}

/** signInAPI signs in through the API, changing an issued password first. */
export async function signInAPI(server, username, password, newPassword) {
  const s = await api(server, 'POST', '/api/v1/auth/login', { body: { username, password } });
  if (s.password_change_required) {
    await api(server, 'POST', '/api/v1/auth/password', {
      token: s.token,
      body: { old_password: password, new_password: newPassword },
    });
  }
  return s.token;
}

export async function launch() {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * newPage opens a page at 1366×768 (UI.md: common office screens) that
 * records every Content-Security-Policy violation and script error, for
 * checkClean.
 */
export async function newPage(browser, { locale = 'zh-CN' } = {}) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale });
  await context.addInitScript(() => {
    window.__govdataProblems = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__govdataProblems.push(`CSP ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`),
    );
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`script error: ${e.message}`));
  return page;
}

/** problems returns what went wrong on the page: CSP violations, script errors. */
export async function problems(page) {
  const inPage = await page.evaluate(() => window.__govdataProblems ?? []).catch(() => []);
  return [...page.problems, ...inPage];
}

const axeSource = readFileSync(new URL('../node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');

/**
 * settled waits until the page is at rest: no animation or transition that
 * ends is running (a menu group opening, a dialog fading in, a hover colour
 * fading out), only endless ones such as a spinner or a status dot. A colour
 * caught half-way is no colour a person reads, and axe-core would measure it.
 */
export async function settled(page) {
  await page.waitForFunction(() =>
    document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity),
  );
}

/**
 * axeViolations runs axe-core in the page, once it has settled, and returns
 * the serious and critical violations. It is evaluated through the browser's debugging
 * protocol, which the page's CSP does not govern: the page under test keeps
 * its real policy.
 */
export async function axeViolations(page) {
  await settled(page);
  await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    window.axe.run(document, { resultTypes: ['violations'], runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }),
  );
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')}`);
}

/** shot writes a screenshot into GOVDATA_SHOTS, when set. */
export async function shot(page, name) {
  const dir = process.env.GOVDATA_SHOTS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`) });
}

/** signIn fills the sign-in page, in either language, and submits it. */
export async function signIn(page, username, password) {
  await page.getByLabel('用户名').or(page.getByLabel('Username')).fill(username);
  await page.getByLabel('密码', { exact: true }).or(page.getByLabel('Password', { exact: true })).fill(password);
  await page.getByRole('button', { name: /^(登录|Sign in)$/ }).click();
}

/** checked asserts a page has no CSP violation, no script error and no serious or critical axe finding. */
export async function checked(page, what) {
  // A button under the pointer shows its hover colours: move away (axeViolations waits for them to fade).
  await page.mouse.move(1300, 700);
  assert.deepEqual(await problems(page), [], `${what}: CSP violation or script error`);
  assert.deepEqual(await axeViolations(page), [], `${what}: axe-core finds serious or critical violations`);
}

/**
 * fuzhou sets up a small world through the API and the CLI: the regions of
 * 福州市, its data bureau with a reviewer (shenhe, 王审核) and its police with
 * an officer (李专员, named officer); each signs in once, changing the issued
 * password to password. Returns the departments and the tokens.
 */
export async function fuzhou(server, password, { officer = 'bianmu' } = {}) {
  const admin = await signInAPI(server, 'admin', server.adminPassword, 'Govdata#2026-Root');
  await api(server, 'POST', '/api/v1/regions', { token: admin, body: { code: '350000', name: '福建省' } });
  await api(server, 'POST', '/api/v1/regions', { token: admin, body: { code: '350100', name: '福州市' } });
  const bureau = await api(server, 'POST', '/api/v1/departments', {
    token: admin,
    body: { name: '福州市大数据管理局', credit_code: '11350100MB00000012', region_code: '350100', level: 'city', bureau: true },
  });
  const police = await api(server, 'POST', '/api/v1/departments', {
    token: admin,
    body: { name: '福州市公安局', credit_code: '11350100MB00000100', region_code: '350100', level: 'city' },
  });
  const issued = 'Issued#2026-pw';
  cli(server, ['user', 'create', '--name', '王审核', '--roles', 'reviewer', '--department', String(bureau.id), '--password', issued, '--data', server.data, 'shenhe']);
  cli(server, ['user', 'create', '--name', '李专员', '--roles', 'officer', '--department', String(police.id), '--password', issued, '--data', server.data, officer]);
  return {
    admin,
    bureau,
    police,
    officer: await signInAPI(server, officer, issued, password),
    reviewer: await signInAPI(server, 'shenhe', issued, password),
  };
}

/** demoPassword is the password every account of the demo world shares (govdata demo). */
export const demoPassword = 'Govdata@Demo2026';

/** demoServer writes the demo world into a fresh folder and serves it. */
export async function demoServer() {
  const data = mkdtempSync(join(tmpdir(), 'govdata-tour-'));
  execFileSync(binary(), ['demo', '--data', data], { encoding: 'utf8' });
  const proc = spawn(binary(), ['serve', '--data', data, '--addr', '127.0.0.1:0', '--metrics-addr', 'off', '--log-level', 'error'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`govdata did not start in 30 s:\n${out}`)), 30_000);
    proc.stdout.on('data', (b) => {
      out += b;
      const m = out.match(/listening on (http:\/\/[\d.]+:\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    proc.on('exit', (code) => reject(new Error(`govdata exited (${code}):\n${out}`)));
  });
  const stop = async () => {
    if (proc.exitCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    }
    rmSync(data, { recursive: true, force: true });
  };
  return { url, data, stop };
}

/** signInTo signs in and waits for the workbench, where every sign-in lands. */
export async function signInTo(page, username, password) {
  await signIn(page, username, password);
  await page.waitForURL(/\/tasks$/);
}

/**
 * pressTabTo presses Tab until the focused element's text (spaces aside)
 * is name, or its "aria-label|text" matches name when name is a RegExp: the
 * keyboard-only paths of the tests.
 */
export async function pressTabTo(page, name, { max = 60 } = {}) {
  for (let i = 0; i < max; i++) {
    const here = await page.evaluate(() => {
      const el = document.activeElement;
      return { label: el?.getAttribute('aria-label') ?? '', text: el?.textContent?.replace(/\s+/g, '') ?? '' };
    });
    if (name instanceof RegExp ? name.test(`${here.label}|${here.text}`) : here.text === name.replace(/\s+/g, '')) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${name}`);
}

/** until polls fn until it returns something truthy (the server's own workers: sweeper, import jobs). */
export async function until(fn, what) {
  for (let i = 0; i < 150; i++) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * sql runs a statement on the server's SQLite store (sqlite3): for what
 * only a clock or a long wait would bring (a due date passed, a delivery
 * failed for good). Returns what it prints.
 */
export function sql(server, statement) {
  return execFileSync('sqlite3', ['-cmd', '.timeout 10000', join(server.data, 'govdata.db'), statement], { encoding: 'utf8' }).trim();
}

/** rfc3986 percent-encodes as docs/api.md's canonical query does. */
export function rfc3986(s) {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/**
 * signedGet sends GET path?query as a system credential, signed with
 * HMAC-SHA256 over docs/api.md's string to sign: method, path as sent,
 * canonical query, SHA-256 of the body, timestamp, nonce.
 */
export async function signedGet(server, { appKey, secret }, path, params = []) {
  const pairs = params.map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`);
  const canonical = [...pairs].sort().join('&');
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = randomBytes(16).toString('hex');
  const body = createHash('sha256').update('').digest('hex');
  const toSign = ['GET', path, canonical, body, timestamp, nonce].join('\n');
  const signature = createHmac('sha256', secret).update(toSign).digest('hex');
  const res = await fetch(server.url + path + (pairs.length ? `?${pairs.join('&')}` : ''), {
    headers: { 'X-App-Key': appKey, 'X-Timestamp': timestamp, 'X-Nonce': nonce, 'X-Sign-Method': 'HMAC-SHA256', 'X-Signature': signature },
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}
