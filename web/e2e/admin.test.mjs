// The administrators as they work the console (issue 15, screen 4; ORG-1,
// ORG-2, ORG-3, 三员分立): the sysadmin imports a region list with a bad
// line (the line and what is wrong shown), then the list as published,
// sees the tree, creates a region by keyboard alone, creates a department
// (a wrong credit code first: the server's message under the field),
// creates a webhook, creates accounts with roles, is refused a 三员
// combination with the rule explained, resets a password (the issued one
// shown once) and disables an account; the secadmin confirms a pending
// business role and creates an auditor account; the sysadmin retries a
// failed delivery. In Chinese, at 1366×768.
//
// A delivery fails for good only after 14 attempts over some 20 hours:
// that one is marked failed in the store directly (sqlite3), after its
// first attempt really failed (a closed local port).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, browserMissing, checked, cli, launch, newPage, shot, signIn, signInAPI, sql, startServer, until } from './harness.mjs';

const skip = browserMissing() || false;
const rootPassword = 'Govdata#2026-Root';
const staffPassword = 'Staff#2026-pass';

describe('administration', { skip }, () => {
  let server, browser;
  before(async () => {
    server = await startServer(['--delivery-interval', '200ms']);
    browser = await launch();
    await signInAPI(server, 'admin', server.adminPassword, rootPassword);
    const issued = 'Issued#2026-pw';
    cli(server, ['user', 'create', '--name', '安全管理员', '--roles', 'secadmin', '--password', issued, '--data', server.data, 'anquan']);
    await signInAPI(server, 'anquan', issued, staffPassword);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the sysadmin and the secadmin run the platform', async () => {
    const page = await newPage(browser);
    await page.goto(server.url + '/');
    await signIn(page, 'admin', rootPassword);
    await page.waitForURL(/\/tasks$/);

    // Regions: a list with a bad line is refused, naming the line and what is wrong.
    await page.goto(server.url + '/admin/regions');
    await page.getByRole('heading', { name: '行政区划' }).waitFor();
    await page.locator('input[type=file]').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('代码,名称\n350000,福建省\n350100,福州市\n3501,坏区\n') });
    await page.getByRole('button', { name: '开始导入' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: '导入被拒绝' });
    await refusal.waitFor();
    const said = await refusal.innerText();
    assert.match(said, /第 4 行：行政区划代码 3501 有 4 位；应为 6 位（省、市、县）、9 位（乡镇）或 12 位（村）/);
    assert.match(said, /3501,坏区/);
    await shot(page, 'admin-regions-refused-zh');
    await checked(page, 'regions, a refused line');

    // The list as published, 金门县's placeholder rows and all.
    const list = ['350000,福建省', '350100,福州市', '350102,鼓楼区', '350500,泉州市', '350527,金门县', '350527000,金门县', '350527000000,金门县'].join('\n');
    await page.locator('input[type=file]').setInputFiles({ name: 'regions.csv', mimeType: 'text/csv', buffer: Buffer.from(list + '\n') });
    await page.getByRole('button', { name: '开始导入' }).click();
    await page.getByText('导入完成：新建 7，更名 0，未变 0').waitFor();
    await page.getByRole('tree').getByText('福建省 350000').waitFor();

    // A region by keyboard alone: the form, Tab between fields, Enter submits.
    await page.getByLabel('区划代码').focus();
    await page.keyboard.type('350103');
    await page.keyboard.press('Tab');
    await page.keyboard.type('台江区');
    await page.keyboard.press('Enter');
    await page.getByText('已新建 台江区（350103）').waitFor();
    await shot(page, 'admin-regions-zh');
    await checked(page, 'regions');

    // Departments: a wrong check character, the server's message under the field.
    await page.goto(server.url + '/admin/departments');
    await page.getByRole('tree').getByText('福建省 350000').click();
    await page.getByRole('button', { name: '新建部门' }).click();
    const dialog = page.getByRole('dialog', { name: '新建部门' });
    await dialog.getByLabel('部门名称').fill('福建省大数据管理局');
    await dialog.getByLabel('统一社会信用代码').fill('11350100MB00000013');
    await dialog.getByRole('button', { name: '新建部门' }).click();
    await dialog.getByText('统一社会信用代码校验位错误（GB 32100），应为 2').waitFor();
    await shot(page, 'admin-department-credit-zh');
    await checked(page, 'departments, a wrong credit code');
    await dialog.getByLabel('统一社会信用代码').fill('11350100MB00000012');
    await dialog.getByLabel('本地区政务数据主管部门').check();
    await dialog.getByRole('button', { name: '新建部门' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const row = page.getByRole('row').filter({ hasText: '福建省大数据管理局' });
    await row.getByText('政务数据主管部门').waitFor();
    await shot(page, 'admin-departments-zh');
    await checked(page, 'departments');

    // A webhook to a closed local port: its deliveries will fail.
    await page.goto(server.url + '/admin/webhooks');
    await page.getByRole('button', { name: '新建消息推送' }).click();
    const hook = page.getByRole('dialog', { name: '新建消息推送' });
    await hook.getByLabel('名称').fill('OA 系统');
    await hook.getByLabel('接收地址').fill('http://127.0.0.1:9/govdata');
    await hook.getByRole('button', { name: '新建消息推送' }).click();
    await page.getByTestId('hook-secret').waitFor();
    await page.getByRole('button', { name: '我已记下' }).click();
    await page.getByRole('row').filter({ hasText: 'OA 系统' }).waitFor();
    await checked(page, 'webhooks');

    // Users: an officer (its business role waits for the secadmin).
    await page.goto(server.url + '/admin/users');
    async function createUser(username, name, roles) {
      await page.getByRole('button', { name: '新建账号' }).click();
      const d = page.getByRole('dialog', { name: '新建账号' });
      await d.getByLabel('用户名').fill(username);
      await d.getByLabel('姓名').fill(name);
      // The department by keyboard: type in the select, Enter picks it.
      await d.getByRole('combobox', { name: '部门' }).focus();
      await page.keyboard.type('福建省大数据');
      await page.keyboard.press('Enter');
      for (const r of roles) await d.getByLabel(r).check();
      await d.getByRole('button', { name: '新建账号' }).click();
      return d;
    }
    await createUser('zhuanyuan', '张专员', ['数据专员']);
    const first = await page.getByTestId('issued-password').innerText();
    assert.match(first, /^\S{20,}$/);
    await page.getByText('系统管理员授予的业务角色须经安全管理员确认后生效。').waitFor();
    await page.getByRole('button', { name: '我已记下' }).click();
    await page.getByRole('row').filter({ hasText: 'zhuanyuan' }).getByText('数据专员（待确认）').waitFor();

    // 三员分立: a sysadmin who is also an officer is refused, with the rule explained.
    const refused = await createUser('jianren', '兼任者', ['系统管理员', '数据专员']);
    await refused.getByText('三员分立：系统管理员不能与其他角色由同一账号兼任').waitFor();
    await refused.getByText('三员分立规则').waitFor();
    await shot(page, 'admin-users-sanyuan-zh');
    await checked(page, 'users, a refused combination');
    await refused.getByRole('button', { name: '取消' }).click();

    // A leader whose password is reset (shown once) and who is then disabled.
    await createUser('linshi', '林临时', ['分管领导']);
    await page.getByRole('button', { name: '我已记下' }).click();
    await page.getByRole('button', { name: '管理 linshi' }).click();
    const drawer = page.getByRole('dialog', { name: '账号 linshi' });
    await drawer.getByRole('button', { name: '重置密码' }).click();
    await page.getByRole('dialog', { name: '重置 linshi 的密码？' }).getByRole('button', { name: '重置密码' }).click();
    const second = await page.getByTestId('issued-password').innerText();
    assert.match(second, /^\S{20,}$/);
    await page.getByText('密码只显示这一次，关闭后无法再查看。').waitFor();
    await shot(page, 'admin-users-password-zh');
    await checked(page, 'users, an issued password');
    await page.getByRole('button', { name: '我已记下' }).click();
    assert.equal(await page.getByTestId('issued-password').count(), 0, 'the password is gone once closed');
    await drawer.getByRole('button', { name: '停用账号' }).click();
    await page.getByRole('dialog', { name: '停用账号 linshi？' }).getByRole('button', { name: '停用账号' }).click();
    await drawer.getByText('已停用').waitFor();
    await drawer.getByText('角色历史').waitFor();
    await shot(page, 'admin-users-drawer-zh');
    await checked(page, 'users, an account');
    await drawer.getByRole('button', { name: 'Close' }).or(drawer.getByRole('button', { name: '关闭' })).click();

    // The secadmin confirms the officer's role and creates an auditor.
    const sec = await newPage(browser);
    await sec.goto(server.url + '/');
    await signIn(sec, 'anquan', staffPassword);
    await sec.waitForURL(/\/tasks$/);
    await sec.goto(server.url + '/admin/users');
    await sec.getByText('待确认角色', { exact: true }).click();
    await sec.getByRole('button', { name: '管理 zhuanyuan' }).click();
    const secDrawer = sec.getByRole('dialog', { name: '账号 zhuanyuan' });
    await secDrawer.getByRole('button', { name: '确认角色' }).click();
    await secDrawer.getByText('待确认的角色').waitFor({ state: 'hidden' });
    await checked(sec, 'users, the secadmin confirms');
    await secDrawer.getByRole('button', { name: 'Close' }).or(secDrawer.getByRole('button', { name: '关闭' })).click();
    await sec.getByText('全部账号', { exact: true }).click();
    await sec.getByRole('button', { name: '新建账号' }).click();
    const audit = sec.getByRole('dialog', { name: '新建账号' });
    await audit.getByLabel('用户名').fill('shenji');
    await audit.getByLabel('姓名').fill('沈审计');
    await audit.getByLabel('安全审计员').check();
    await audit.getByRole('button', { name: '新建账号' }).click();
    await sec.getByTestId('issued-password').waitFor();
    await sec.getByRole('button', { name: '我已记下' }).click();
    await sec.getByRole('row').filter({ hasText: 'shenji' }).getByText('安全审计员').waitFor();
    await shot(sec, 'admin-users-secadmin-zh');
    await checked(sec, 'users, the secadmin');
    await sec.close();

    // The reset and the disabling told the holder and the secadmins; the
    // webhook's first attempt failed. Mark it failed for good, then retry.
    await until(() => sql(server, "SELECT count(*) FROM deliveries WHERE channel = 'webhook' AND attempts > 0") !== '0', 'a failed attempt');
    sql(server, "UPDATE deliveries SET state = 'failed', attempts = 14 WHERE channel = 'webhook'");
    await page.goto(server.url + '/admin/webhooks');
    await page.getByLabel('推送状态').click();
    await page.locator('.ant-select-item-option').filter({ hasText: '失败' }).click();
    const failed = page.getByRole('table', { name: '推送记录' }).getByRole('row').filter({ hasText: '127.0.0.1:9' }).first();
    await failed.getByText('失败').waitFor();
    await shot(page, 'admin-webhooks-zh');
    await checked(page, 'webhooks, a failed delivery');
    const before = await page.getByRole('table', { name: '推送记录' }).getByRole('row').filter({ hasText: '127.0.0.1:9' }).count();
    await failed.getByRole('button', { name: '重新推送' }).click();
    await until(async () => (await page.getByRole('table', { name: '推送记录' }).getByRole('row').filter({ hasText: '127.0.0.1:9' }).count()) === before - 1, 'the retried delivery to leave the failed list');
    const retried = await api(server, 'GET', '/api/v1/deliveries?channel=webhook&limit=50', { token: await signInAPI(server, 'admin', rootPassword) });
    assert.ok(retried.items.some((d) => d.state !== 'failed'), 'a delivery is pending again');
    await checked(page, 'webhooks, retried');

    // The calendar opens on this year.
    await page.goto(server.url + '/admin/calendar');
    await page.getByRole('button', { name: /保存 \d{4} 年日历/ }).waitFor();
    await shot(page, 'admin-calendar-zh');
    await checked(page, 'calendar');
    await page.close();
  });
});
