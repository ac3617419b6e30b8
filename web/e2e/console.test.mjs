// The console as a person uses it, in Chromium, against the real binary:
// the first sign-in of the printed admin password and its forced change,
// the shell and its menu, errors in Chinese, the lockout, the language,
// sign-out, a session that ends and comes back to its page, keyboard use,
// accessibility (axe-core) and the Content-Security-Policy.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  api,
  axeViolations,
  browserMissing,
  cli,
  launch,
  newPage,
  problems,
  shot,
  signInAPI,
  startServer,
} from './harness.mjs';

const skip = browserMissing() || false;
const adminPassword = 'Govdata#2026-Root';
const staffPassword = 'Staff#2026-pass';
const budget = 350 * 1024;

/** signIn fills the sign-in form and submits it. */
async function signIn(page, username, password) {
  await page.getByLabel('用户名').or(page.getByLabel('Username')).fill(username);
  await page.getByLabel('密码', { exact: true }).or(page.getByLabel('Password', { exact: true })).fill(password);
  await page.getByRole('button', { name: /^(登录|Sign in)$/ }).click();
}

/** clean fails on a CSP violation or a script error on the page. */
async function clean(page) {
  assert.deepEqual(await problems(page), [], 'the page broke its Content-Security-Policy or threw');
}

/** accessible fails on serious or critical axe-core findings. */
async function accessible(page, what) {
  const v = await axeViolations(page);
  assert.deepEqual(v, [], `${what}: axe-core finds serious or critical violations`);
}

describe('console', { skip }, () => {
  let server;
  let browser;
  before(async () => {
    server = await startServer();
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('first sign-in with the printed admin password, its forced change, then the shell', async () => {
    const page = await newPage(browser);
    // What the sign-in page loads, compressed as the server sends it.
    let firstLoad = 0;
    page.on('response', async (r) => {
      if (/\.(js|css)$/.test(new URL(r.url()).pathname)) firstLoad += Number((await r.allHeaders())['content-length'] ?? 0);
    });
    const doc = await page.goto(server.url + '/');
    assert.match(doc.headers()['content-security-policy'], /script-src 'self'/);
    await page.waitForURL(/\/signin$/);
    await page.getByRole('heading', { name: '登录' }).waitFor();
    await page.waitForLoadState('networkidle');
    console.log(`# sign-in page first load: ${(firstLoad / 1024).toFixed(1)} KB of JS and CSS, gzip as served (budget ${budget / 1024} KB)`);
    assert.ok(firstLoad > 0 && firstLoad <= budget, `sign-in page loads ${firstLoad} bytes of JS and CSS`);
    await accessible(page, 'sign-in');
    await shot(page, 'signin-zh');

    await signIn(page, 'admin', server.adminPassword);
    await page.getByRole('heading', { name: '修改密码' }).waitFor();
    await page.getByText('管理员发放的初始密码').waitFor();
    await accessible(page, 'password change');
    await page.getByLabel('新密码', { exact: true }).fill(adminPassword);
    await page.getByLabel('确认新密码').fill(adminPassword);
    await page.getByRole('button', { name: '修改密码并继续' }).click();

    await page.waitForURL(/\/tasks$/);
    await page.getByRole('heading', { name: '我的待办' }).waitFor();
    const menu = page.getByRole('navigation', { name: '主菜单' });
    await menu.getByText('数据资源目录').click();
    await menu.getByRole('link', { name: '目录项', exact: true }).waitFor();
    // The sysadmin reads no audit log: no such item.
    assert.equal(await menu.getByText('安全审计').count(), 0);
    assert.equal(await page.getByTestId('where').innerText(), '平台管理');
    await accessible(page, 'shell');
    await shot(page, 'shell-zh-admin');
    await clean(page);
    await page.context().close();
  });

  test('a wrong password is told in Chinese; a double click signs in once', async () => {
    const page = await newPage(browser);
    await page.goto(server.url + '/signin');
    await signIn(page, 'admin', 'Not-the-password#1');
    await page.getByRole('alert').filter({ hasText: '用户名或密码错误' }).waitFor();

    let logins = 0;
    await page.route('**/api/v1/auth/login', async (route) => {
      logins++;
      await new Promise((r) => setTimeout(r, 300)); // a slow answer, so the second click lands while the first is in flight
      await route.continue();
    });
    await page.getByLabel('密码', { exact: true }).fill(adminPassword);
    await page.getByRole('button', { name: '登录' }).dblclick();
    await page.waitForURL(/\/tasks$/);
    assert.equal(logins, 1, 'a double click sent the sign-in twice');
    await clean(page);
    await page.context().close();
  });

  test('sign-in with the keyboard alone: Tab and Enter', async () => {
    const page = await newPage(browser);
    await page.goto(server.url + '/signin');
    await page.getByLabel('用户名').waitFor();
    // The username field has the focus when the page opens.
    await page.keyboard.type('admin');
    await page.keyboard.press('Tab');
    await page.keyboard.type(adminPassword);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/tasks$/);
    await clean(page);
    await page.context().close();
  });

  test('the language switch: English throughout, remembered, and the server answers in it', async () => {
    const page = await newPage(browser);
    await page.goto(server.url + '/signin');
    await signIn(page, 'admin', adminPassword);
    await page.waitForURL(/\/tasks$/);
    await page.getByText('English', { exact: true }).click();
    await page.getByRole('heading', { name: 'My to-dos' }).waitFor();
    await page.getByRole('navigation', { name: 'Main menu' }).getByText('Data catalog').waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'My to-dos' }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    // Data stays as entered (the account's name); the console's own words are English.
    const body = (await page.locator('body').innerText()).replace('中文', '').replace('系统管理员', '');
    assert.ok(!/[\u4e00-\u9fff]/.test(body), `Chinese left in the English shell:\n${body}`);
    await accessible(page, 'shell in English');
    await shot(page, 'shell-en-admin');

    // Signed out, the sign-in page stays English, and so do the server's errors.
    await page.getByRole('button', { name: /Account$/ }).click();
    await page.getByText('Sign out').click();
    await page.waitForURL(/\/signin/);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await shot(page, 'signin-en');
    await signIn(page, 'admin', 'Not-the-password#2');
    await page.getByRole('alert').filter({ hasText: 'wrong username or password' }).waitFor();
    await page.getByText('中文', { exact: true }).click();
    await page.getByRole('heading', { name: '登录' }).waitFor();
    await clean(page);
    await page.context().close();
  });

  test('sign-out ends the session: the shell asks to sign in again, then returns to the page', async () => {
    const page = await newPage(browser);
    await page.goto(server.url + '/notifications');
    await page.waitForURL(/\/signin\?next=%2Fnotifications$/);
    await signIn(page, 'admin', adminPassword);
    await page.waitForURL(/\/notifications$/);
    await page.getByRole('heading', { name: '通知', exact: true }).waitFor();

    await page.getByRole('button', { name: /账号$/ }).click();
    await page.getByText('退出登录').click();
    await page.waitForURL(/\/signin$/);
    const cookies = await page.context().cookies();
    assert.ok(!cookies.some((c) => c.name === 'govdata_session' && c.value), 'the session cookie outlived sign-out');
    await page.goto(server.url + '/admin/users');
    await page.waitForURL(/\/signin\?next=%2Fadmin%2Fusers$/);
    await clean(page);
    await page.context().close();
  });

  test('a session that ends on the server sends the user to sign in and back to the page', async () => {
    const page = await newPage(browser);
    await page.goto(server.url + '/signin');
    await signIn(page, 'admin', adminPassword);
    await page.waitForURL(/\/tasks$/);
    await page.getByRole('link', { name: '通知', exact: true }).click();
    await page.getByRole('heading', { name: '通知', exact: true }).waitFor();

    // The session ends as an expiry does: the server no longer knows it.
    const session = (await page.context().cookies()).find((c) => c.name === 'govdata_session');
    assert.ok(session?.httpOnly, 'the session cookie is HttpOnly');
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
    assert.ok(!stored.includes(session.value), 'the session token is in web storage');
    await api(server, 'POST', '/api/v1/auth/logout', { token: session.value });

    await page.getByRole('link', { name: '我的待办', exact: true }).click();
    await page.waitForURL(/\/signin\?next=%2Ftasks&reason=expired$/);
    await page.getByText('会话已结束').waitFor();
    await signIn(page, 'admin', adminPassword);
    await page.waitForURL(/\/tasks$/);
    await page.getByRole('heading', { name: '我的待办' }).waitFor();
    await clean(page);
    await page.context().close();
  });

  test('no blank screen when the server fails or cannot be reached', async () => {
    const page = await newPage(browser);
    await page.goto(server.url + '/signin');
    await signIn(page, 'admin', adminPassword);
    await page.waitForURL(/\/tasks$/);

    await page.route('**/api/v1/notifications?*', (route) =>
      route.request().url().includes('unread=true')
        ? route.continue()
        : route.fulfill({
            status: 500,
            contentType: 'application/json',
            body: JSON.stringify({ error: { code: 'internal', message: '服务器内部错误，请稍后重试；如持续出现请联系管理员并提供请求编号 abc123', request_id: 'abc123' } }),
          }),
    );
    await page.getByRole('link', { name: '通知', exact: true }).click();
    await page.getByText('服务器内部错误').waitFor();
    await page.getByText('请求编号：abc123').waitFor();

    await page.route('**/api/v1/tasks?*', (route) => route.abort('connectionrefused'));
    await page.getByRole('link', { name: '我的待办', exact: true }).click();
    await page.getByText('无法连接服务器').waitFor();
    await page.getByRole('button', { name: '重试' }).waitFor();
    await page.unroute('**/api/v1/tasks?*');
    await page.getByRole('button', { name: '重试' }).click();
    await page.getByText('没有待办事项').waitFor();
    await page.context().close();
  });

  test("a department's reviewer: its department and region, its menu, its to-dos with their deadlines", async () => {
    // Setup through the API and the CLI, as an operator would.
    const admin = await signInAPI(server, 'admin', adminPassword);
    await api(server, 'POST', '/api/v1/regions', { token: admin, body: { code: '350000', name: '福建省' } });
    await api(server, 'POST', '/api/v1/regions', { token: admin, body: { code: '350100', name: '福州市' } });
    const dept = await api(server, 'POST', '/api/v1/departments', {
      token: admin,
      body: { name: '福州市大数据管理局', credit_code: '11350100MB00000012', region_code: '350100', level: 'city', bureau: true },
    });
    for (const [username, role] of [
      ['shenhe', 'reviewer'],
      ['zhuanyuan', 'officer'],
    ]) {
      cli(server, ['user', 'create', '--name', role === 'reviewer' ? '王审核' : '李专员', '--roles', role,
        '--department', String(dept.id), '--password', 'Issued#2026-pw', '--data', server.data, username]);
    }
    const officer = await signInAPI(server, 'zhuanyuan', 'Issued#2026-pw', staffPassword);
    const entry = await api(server, 'POST', '/api/v1/catalog', {
      token: officer,
      body: {
        name: '人口基础信息', summary: '全市常住人口的基础信息', format: '数据库', update_cycle: 'monthly',
        classification: { category: '3', subcategory: '01', group: '002' },
        share_type: 'unconditional', open_type: 'not_open', open_conditions: '涉及个人信息，不予开放', grade: 'general',
        items: [{ name: '统计年度', type: 'C', length: 4, sensitivity: 1 }],
      },
    });
    await api(server, 'POST', `/api/v1/catalog/${entry.id}/submit`, { token: officer });

    const page = await newPage(browser);
    await page.goto(server.url + '/');
    await signIn(page, 'shenhe', 'Issued#2026-pw');
    await page.getByRole('heading', { name: '修改密码' }).waitFor();
    await page.getByLabel('新密码', { exact: true }).fill(staffPassword);
    await page.getByLabel('确认新密码').fill(staffPassword);
    await page.getByRole('button', { name: '修改密码并继续' }).click();
    await page.waitForURL(/\/tasks$/);
    assert.equal(await page.getByTestId('where').innerText(), '福州市大数据管理局 · 福州市');

    // The to-do: the entry to review, its due date and the working days left as the API counts them.
    const tasks = await api(server, 'GET', '/api/v1/tasks', { token: await signInAPI(server, 'shenhe', staffPassword) });
    const task = tasks.items[0];
    assert.ok(task.instance.due && typeof task.working_days_left === 'number', JSON.stringify(task));
    const row = page.getByRole('row').filter({ hasText: '人口基础信息' });
    await row.getByText(task.instance.due).waitFor();
    await row.getByText(`还剩 ${task.working_days_left} 个工作日`).or(row.getByText('今天到期')).waitFor();
    await row.getByText('目录审核').waitFor();
    await accessible(page, 'to-dos with a task');
    await shot(page, 'shell-zh-reviewer');

    // Every menu item opens its page, and none is refused by the server.
    const refused = [];
    page.on('response', (r) => r.status() === 403 && refused.push(r.url()));
    const menu = page.getByRole('navigation', { name: '主菜单' });
    assert.equal(await menu.getByText('系统管理').count(), 0, 'a reviewer sees the administration menu');
    for (const group of await menu.locator('.ant-menu-submenu-title').all()) {
      if ((await group.getAttribute('aria-expanded')) !== 'true') await group.click();
    }
    const links = await menu.getByRole('link').all();
    assert.ok(links.length >= 5, `the reviewer's menu has ${links.length} items`);
    for (const link of links) {
      const name = (await link.innerText()).trim();
      await link.click();
      await page.getByRole('heading', { level: 1, name }).waitFor();
      assert.equal(await page.getByText('无权访问').count(), 0, `${name}: no access`);
    }
    assert.deepEqual(refused, [], 'a menu item led to a 403');

    // The task opens what it is about.
    await page.getByRole('link', { name: '我的待办', exact: true }).click();
    await page.getByRole('row').filter({ hasText: '人口基础信息' }).getByRole('link', { name: '办理' }).click();
    await page.waitForURL(new RegExp(`/entries/${entry.id}$`));
    await clean(page);
    await page.context().close();
  });
});

describe('lockout', { skip }, () => {
  let server;
  let browser;
  before(async () => {
    // An account locks after three failures; the address is not made to
    // wait first, so that this one client can lock it.
    server = await startServer(['--lockout-failures', '3', '--lockout-address-failures', '0']);
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('a locked account is told when the lock lifts', async () => {
    const page = await newPage(browser);
    await page.goto(server.url + '/signin');
    // The previous attempt's message stays until the next one is answered:
    // wait for the server's answer, then for the message it brings.
    const attempt = async (password, message) => {
      const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/auth/login');
      await signIn(page, 'admin', password);
      await answered;
      const alert = page.getByRole('alert').filter({ hasText: message });
      await alert.waitFor();
      await page.getByRole('button', { name: /^(登录|Sign in)$/ }).waitFor();
      return alert;
    };
    for (let i = 1; i <= 2; i++) await attempt(`Wrong#password-${i}`, '用户名或密码错误');
    const alert = await attempt('Wrong#password-3', '账号已锁定');
    assert.match(await alert.innerText(), /将于 \d{4}-\d{2}-\d{2} \d{2}:\d{2} 解锁/);
    // Even the right password is refused until then.
    await attempt(server.adminPassword, '账号已锁定');
    await shot(page, 'signin-zh-locked');
    await accessible(page, 'sign-in with an error');
    await clean(page);
    await page.context().close();
  });
});
