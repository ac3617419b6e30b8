// Grants and system credentials as their people work them (issue 15,
// screens 3 and 4; SHR-3, SHR-6, SHR-7, ORG-5, HLJ-28): an application
// decided through the default profile's conditional chain gives the police
// a grant on the market regulator's entry. In the browser the police's
// officer issues a credential on the grant and sees its secret once, and
// copies the signed-call script; the test signs a call with node's crypto
// (docs/api.md's string to sign) and runs the copied script too; the calls
// show in the grant's chart; the provider's officer suspends the grant by
// the keyboard alone and the next call is refused; the consumer records a
// usage record and corrects it; the auditor reads it all, with no action
// offered. On 应用凭证 the officer issues and rotates a credential and the
// secadmin revokes it with a reason. Screens in zh and en.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { api, browserMissing, checked, cli, launch, newPage, pressTabTo, rfc3986, shot, signedGet, signInAPI, signInTo, sql, startServer, until } from './harness.mjs';

const signIn = (page, username) => signInTo(page, username, password);

const skip = browserMissing() || false;
const password = 'Staff#2026-pass';
const issued = 'Issued#2026-pw';

function hasTools(...names) {
  return names.every((n) => {
    try {
      execFileSync('which', [n]);
      return true;
    } catch {
      return false;
    }
  });
}

describe('grants and credentials', { skip }, () => {
  let server;
  let browser;
  const ids = {};
  let tokens = {};
  before(async () => {
    server = await startServer();
    browser = await launch();
    const admin = await signInAPI(server, 'admin', server.adminPassword, 'Govdata#2026-Root');
    for (const [code, name] of [
      ['350000', '福建省'],
      ['350100', '福州市'],
      ['350102', '鼓楼区'],
      ['350103', '台江区'],
    ]) {
      await api(server, 'POST', '/api/v1/regions', { token: admin, body: { code, name } });
    }
    const dept = (name, credit, extra = {}) =>
      api(server, 'POST', '/api/v1/departments', { token: admin, body: { name, credit_code: credit, region_code: '350100', level: 'city', ...extra } });
    const bureau = await dept('福州市大数据管理局', '11350100MB00000012', { bureau: true });
    const market = await dept('福州市市场监督管理局', '11350100MB00000201');
    const police = await dept('福州市公安局', '11350100MB00000100');
    ids.market = market.id;
    ids.police = police.id;
    const user = (login, name, roles, d) =>
      cli(server, ['user', 'create', '--name', name, '--roles', roles, ...(d ? ['--department', String(d)] : []), '--password', issued, '--data', server.data, login]);
    user('shenhe', '王审核', 'reviewer', bureau.id);
    user('scjg', '陈专员', 'officer', market.id);
    user('scld', '林领导', 'leader', market.id);
    user('gaza', '李专员', 'officer', police.id);
    user('anquan', '周安全', 'secadmin', bureau.id);
    user('shenji', '吴审计', 'auditor', bureau.id);
    for (const login of ['shenhe', 'scjg', 'scld', 'gaza', 'anquan', 'shenji']) tokens[login] = await signInAPI(server, login, issued, password);

    // The market regulator's entry, published, with rows of two districts.
    const entry = await api(server, 'POST', '/api/v1/catalog', {
      token: tokens.scjg,
      body: {
        name: '企业登记信息',
        summary: '市场主体登记的基本信息，供各部门履职核验使用',
        classification: { category: '3', subcategory: '01', group: '001' },
        format: '数据库',
        update_cycle: 'monthly',
        share_type: 'conditional',
        share_conditions: '仅限履职需要，按最小必要原则申请',
        share_method: '接口',
        open_type: 'not_open', open_conditions: '涉及个人信息，不予开放',
        grade: 'general',
        items: [
          { name: '统一社会信用代码', type: 'C', length: 18, sensitivity: 1, key: true },
          { name: '企业名称', type: 'C', length: 100, sensitivity: 1 },
          { name: '法定代表人', type: 'C', length: 50, sensitivity: 3, personal: true },
          { name: '行政区划代码', type: 'C', length: 6, sensitivity: 1, region: true },
          { name: '注册资本', type: 'N', length: 12, sensitivity: 2 },
        ],
      },
    });
    ids.entry = entry.id;
    ids.code = entry.resource_code;
    await api(server, 'POST', `/api/v1/catalog/${entry.id}/submit`, { token: tokens.scjg });
    await api(server, 'POST', `/api/v1/catalog/${entry.id}/review`, { token: tokens.shenhe, body: { decision: 'approve' } });
    const csv =
      '统一社会信用代码,企业名称,法定代表人,行政区划代码,注册资本\n' +
      '91350102MA00000011,福州鼓楼甲科技有限公司,张三丰,350102,100\n' +
      '91350102MA00000022,福州鼓楼乙贸易有限公司,李四光,350102,200\n' +
      '91350103MA00000033,福州台江丙餐饮有限公司,王五常,350103,300\n';
    const up = await fetch(`${server.url}/api/v1/catalog/${entry.id}/data?mode=replace&file_name=rows.csv`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${tokens.scjg}`, 'Content-Type': 'text/csv' },
      body: csv,
    });
    assert.equal(up.status, 201, await up.text());

    // The police apply for 鼓楼区's rows; the default profile's conditional
    // chain: the bureau forwards, the provider's officer approves, its leader signs.
    const until = new Date(Date.now() + 365 * 86400_000).toISOString().slice(0, 10);
    let app = await api(server, 'POST', '/api/v1/applications', {
      token: tokens.gaza,
      body: {
        catalog_id: entry.id,
        items: ['统一社会信用代码', '企业名称', '法定代表人', '行政区划代码'],
        scenario: '涉企案件办理中核验企业登记信息',
        purpose: '核验涉案企业的登记状态与法定代表人',
        legal_basis: '《中华人民共和国人民警察法》第六条',
        region_scope: ['350102'],
        method: 'api',
        valid_until: until,
      },
    });
    for (const [who, decision] of [
      ['shenhe', 'forward'],
      ['scjg', 'approve'],
      ['scld', 'sign'],
    ]) {
      app = await api(server, 'POST', `/api/v1/applications/${app.id}/decision`, { token: tokens[who], body: { decision } });
    }
    assert.equal(app.state, 'approved');
    ids.grant = app.grant_id;
    assert.ok(ids.grant, 'the application made a grant');
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the consumer issues a credential, calls, and records usage; the provider suspends; the auditor reads', async () => {
    const page = await newPage(browser);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await page.goto(server.url + '/');
    await signIn(page, 'gaza');

    // From the menu, the grants the police hold.
    const menu = page.getByRole('navigation', { name: '主菜单' });
    const group = menu.locator('.ant-menu-submenu-title').filter({ hasText: '数据共享' });
    if ((await group.getAttribute('aria-expanded')) !== 'true') await group.click();
    await menu.getByRole('link', { name: '授权', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: '授权' }).waitFor();
    // The segmented control's radios are hidden behind their labels: click the label.
    const side = (name) => page.getByLabel('授权范围').getByText(name, { exact: true }).click();
    await side('本部门获得的授权');
    const list = page.getByRole('table', { name: '授权' });
    const row = list.getByRole('row').filter({ hasText: '企业登记信息' });
    await row.getByText('福州市市场监督管理局').waitFor();
    await row.getByText('有效', { exact: true }).waitFor();
    await checked(page, 'grants list');
    await shot(page, 'grants-list-zh');
    await side('本部门数据的授权');
    await list.getByText('本部门的数据还没有授权给其他部门').waitFor();
    await side('本部门获得的授权');

    // The grant's page: what it gives, and no call yet.
    await list.getByRole('link', { name: `授权 #${ids.grant}` }).click();
    await page.getByRole('heading', { level: 1, name: `授权 #${ids.grant} · 企业登记信息` }).waitFor();
    await page.getByText('鼓楼区').waitFor();
    await page.getByText('核验涉案企业的登记状态与法定代表人').waitFor();
    await page.getByText(/没有数据服务调用/).waitFor();
    assert.equal(await page.getByRole('button', { name: '暂停授权' }).count(), 0, 'the consumer cannot suspend its own grant');
    await checked(page, 'grant, consumer');

    // A new credential: the secret once, with its warning.
    await page.getByRole('button', { name: '绑定应用凭证' }).click();
    const bind = page.getByRole('dialog', { name: '为授权绑定应用凭证' });
    await bind.getByLabel('业务系统名称').fill('涉企案件核查系统');
    await checked(page, 'bind dialog');
    await bind.getByRole('button', { name: '签发凭证' }).click();
    await page.getByText('密钥只显示这一次', { exact: false }).waitFor();
    const secret = (await page.getByTestId('secret').innerText()).trim();
    const creds = await api(server, 'GET', `/api/v1/grants/${ids.grant}/credentials`, { token: tokens.gaza });
    assert.equal(creds.items.length, 1);
    const appKey = creds.items[0].credential.app_key;
    assert.ok(secret.length >= 20, 'a secret is shown');
    await page.getByRole('table', { name: '应用凭证' }).getByText('涉企案件核查系统').waitFor();
    await checked(page, 'secret shown once');
    await shot(page, 'grant-secret-zh');

    // The signed-call script: the app key, this server, the grant's
    // service path filled in; no secret in it.
    const example = page.getByTestId('signed-example');
    const script = await example.locator('pre').innerText();
    const path = `/api/v1/services/${rfc3986(ids.code)}/records`;
    assert.match(script, new RegExp(`APP_KEY="\\$\\{APP_KEY:-${appKey}\\}"`));
    assert.ok(script.includes(`GOVDATA="\${GOVDATA:-${server.url}}"`), 'the server origin is filled in');
    assert.ok(script.includes(`REQUEST_PATH=${path} `), 'the grant service path is filled in');
    assert.ok(!script.includes(secret), 'the page puts no secret in the script');
    await example.getByRole('button', { name: '复制示例脚本' }).click();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(copied.trim(), script.trim(), 'the copy button copies the script');

    // Reloaded: the secret is gone for good.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: `授权 #${ids.grant} · 企业登记信息` }).waitFor();
    await page.getByRole('table', { name: '应用凭证' }).getByText('涉企案件核查系统').waitFor();
    assert.equal(await page.getByTestId('secret-once').count(), 0, 'the secret is not shown again');
    assert.ok(!(await page.content()).includes(secret), 'the secret is nowhere in the page');

    // Signed calls: node's crypto, and the copied script as a person would run it.
    const cred = { appKey, secret };
    const got = await signedGet(server, cred, path, [['limit', '10']]);
    assert.equal(got.status, 200, JSON.stringify(got.json));
    assert.equal(got.json.items.length, 2, 'the rows of 鼓楼区 only');
    assert.ok(got.json.items.every((r) => r['法定代表人'] !== '张三丰' && r['法定代表人'] !== '李四光'), 'a level-3 item comes masked');
    let calls = 1;
    if (hasTools('bash', 'curl', 'openssl', 'xxd')) {
      const out = execFileSync('bash', ['-c', copied], { env: { ...process.env, SECRET: secret }, encoding: 'utf8' });
      assert.equal(JSON.parse(out).items.length, 2, 'the copied script runs as it is');
      calls++;
    }
    // An item not granted is refused and counted.
    assert.equal((await signedGet(server, cred, path, [['fields', '注册资本']])).status, 403);

    // The calls in the grant's chart, read from its table.
    await page.getByRole('button', { name: '刷新' }).click();
    const daily = page.getByRole('table', { name: '每日调用明细' });
    await daily.waitFor();
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const day = daily.getByRole('row').filter({ hasText: today });
    // The table is drawn again when the refreshed figures come.
    const want = [today, String(calls), String(calls * 2), '1'].join('|');
    await until(async () => (await day.getByRole('cell').allInnerTexts()).map((c) => c.trim()).join('|') === want, `calls, rows and refusals of today ${want}`);
    await page.getByRole('img', { name: /每日调用次数/ }).waitFor();
    await checked(page, 'grant with calls');
    await shot(page, 'grant-usage-zh');

    // An idle flag (HLJ-27) — raised by the sweep after months without a
    // call, put here by hand — rectified by the consumer with its reason.
    sql(
      server,
      `INSERT INTO grant_flags (grant_id, kind, detail_zh, detail_en, raised_at, rectify_by, state, dedupe)
       VALUES (${ids.grant}, 'idle', '授权已三个月未调用', 'no call for three months', ${Date.now() * 1000}, '2099-01-01', 'open', 'e2e-idle')`,
    );
    await page.getByRole('button', { name: '刷新' }).click();
    const flags = page.getByRole('table', { name: '监测标记' });
    await flags.getByText('授权已三个月未调用').waitFor();
    await flags.getByRole('button', { name: '提交整改说明' }).click();
    const rectify = page.getByRole('dialog', { name: '闲置授权整改说明' });
    await rectify.getByLabel('整改说明（仍需使用的理由或整改措施）').fill('案件办理周期长，仍需按季度核验');
    await rectify.getByRole('button', { name: '提交整改说明' }).click();
    await page.getByText('标记已处理').waitFor();
    await flags.getByText('已整改说明').waitFor();
    await flags.getByText(/案件办理周期长，仍需按季度核验/).waitFor();
    await checked(page, 'flag rectified');

    // A usage record, then its correction.
    await page.getByRole('button', { name: '登记使用记录' }).click();
    const rec = page.getByRole('dialog', { name: '登记使用记录' });
    await rec.getByLabel('使用场景').fill('办理涉企诈骗案件时核验企业法定代表人');
    await rec.getByLabel('应用成效').fill('核验 2 家企业，确认涉案主体');
    await rec.getByLabel('使用日期').fill(today);
    await rec.getByLabel('使用日期').press('Enter');
    await rec.getByLabel('涉及行数').fill('2');
    await checked(page, 'usage dialog');
    await shot(page, 'grant-usage-record-zh');
    await rec.getByRole('button', { name: '保存记录' }).click();
    await page.getByText('使用记录已登记').waitFor();
    const records = page.getByRole('table', { name: '使用记录' });
    await records.getByText('核验 2 家企业，确认涉案主体').waitFor();
    const first = (await api(server, 'GET', `/api/v1/grants/${ids.grant}/usage`, { token: tokens.gaza })).items[0];
    await records.getByRole('button', { name: `更正记录 #${first.id}` }).click();
    const fix = page.getByRole('dialog', { name: `更正记录 #${first.id}` });
    await fix.getByLabel('应用成效').fill('核验 3 家企业，确认 2 家涉案主体');
    await fix.getByRole('button', { name: '保存更正' }).click();
    await fix.getByText('必填').waitFor(); // a correction gives its reason
    await fix.getByLabel('更正原因').fill('核验企业数量登记有误');
    await fix.getByRole('button', { name: '保存更正' }).click();
    await page.getByText('更正已登记').waitFor();
    await records.getByText(`更正记录 #${first.id}：核验企业数量登记有误`).waitFor();
    await records.getByText(/已由 #\d+ 更正/).waitFor();
    await checked(page, 'usage records');
    await shot(page, 'grant-usage-records-zh');

    // The provider's officer suspends the grant, by the keyboard alone.
    await page.context().clearCookies();
    await page.goto(server.url + '/');
    await signIn(page, 'scjg');
    await page.goto(server.url + `/grants/${ids.grant}`);
    await page.getByRole('heading', { level: 1, name: `授权 #${ids.grant} · 企业登记信息` }).waitFor();
    await page.getByText('本部门为数据提供部门').waitFor();
    assert.equal(await page.getByRole('button', { name: '绑定应用凭证' }).count(), 0, 'the provider binds no credential');
    assert.equal(await page.getByRole('button', { name: '登记使用记录' }).count(), 0, 'the provider records no usage');
    await checked(page, 'grant, provider');
    await page.getByRole('button', { name: '暂停授权' }).focus();
    await page.keyboard.press('Enter');
    const suspend = page.getByRole('dialog', { name: '暂停授权' });
    await suspend.waitFor();
    await pressTabTo(page, '暂停授权'); // the reason is required
    await page.keyboard.press('Enter');
    await suspend.getByText('必填', { exact: true }).waitFor();
    await suspend.getByLabel('暂停原因').focus();
    await page.keyboard.type('发现超出约定用途调用，暂停核查');
    await checked(page, 'suspend dialog');
    await shot(page, 'grant-suspend-zh');
    await pressTabTo(page, '暂停授权');
    await page.keyboard.press('Enter');
    await page.getByText('授权已暂停', { exact: true }).waitFor();
    await page.getByText('原因：发现超出约定用途调用，暂停核查').waitFor();
    await page.getByRole('button', { name: '恢复授权' }).waitFor();
    await checked(page, 'grant suspended');
    await shot(page, 'grant-suspended-zh');

    // The next call is refused.
    const refused = await signedGet(server, cred, path, [['limit', '10']]);
    assert.ok(refused.status === 403 || refused.status === 409, `a suspended grant's call: ${refused.status} ${JSON.stringify(refused.json)}`);

    // The auditor reads the grant and its usage records, and may do nothing.
    await page.context().clearCookies();
    await page.goto(server.url + '/');
    await signIn(page, 'shenji');
    await page.goto(server.url + `/grants/${ids.grant}`);
    await page.getByRole('heading', { level: 1, name: `授权 #${ids.grant} · 企业登记信息` }).waitFor();
    const auditorRecords = page.getByRole('table', { name: '使用记录' });
    await auditorRecords.getByText('核验 3 家企业，确认 2 家涉案主体').waitFor();
    await page.getByText('只读', { exact: true }).waitFor();
    for (const name of ['暂停授权', '恢复授权', '撤销授权', '绑定应用凭证', '登记使用记录', '解除绑定', '更正']) {
      assert.equal(await page.getByRole('button', { name, exact: true }).count(), 0, `the auditor is offered ${name}`);
    }
    await checked(page, 'grant, auditor');
    await shot(page, 'grant-auditor-zh');

    // The same in English.
    await page.evaluate(() => localStorage.setItem('govdata.lang', 'en'));
    await page.reload();
    await page.getByRole('heading', { level: 1, name: `Grant #${ids.grant} · 企业登记信息` }).waitFor();
    await page.getByText('Read-only', { exact: true }).waitFor();
    await checked(page, 'grant, auditor, en');
    await shot(page, 'grant-auditor-en');
    await page.evaluate(() => localStorage.setItem('govdata.lang', 'zh'));
    await page.context().close();
  });

  test('应用凭证: the officer issues and rotates, the secadmin revokes with a reason', async () => {
    const page = await newPage(browser);
    await page.goto(server.url + '/');
    await signIn(page, 'gaza');
    const menu = page.getByRole('navigation', { name: '主菜单' });
    const group = menu.locator('.ant-menu-submenu-title').filter({ hasText: '安全管理' });
    if ((await group.getAttribute('aria-expanded')) !== 'true') await group.click();
    await menu.getByRole('link', { name: '应用凭证', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: '应用凭证' }).waitFor();
    const table = page.getByRole('table', { name: '应用凭证' });
    await table.waitFor();

    await page.getByRole('button', { name: '签发凭证' }).click();
    const dialog = page.getByRole('dialog', { name: '签发应用凭证' });
    await dialog.getByLabel('业务系统名称').fill('户籍比对系统');
    await dialog.getByRole('button', { name: '签发凭证' }).click();
    await page.getByText('密钥只显示这一次', { exact: false }).waitFor();
    const first = (await page.getByTestId('secret').innerText()).trim();
    await table.getByText('户籍比对系统').waitFor();
    await checked(page, 'credential issued');
    await shot(page, 'credentials-issued-zh');
    const mine = (await api(server, 'GET', '/api/v1/credentials', { token: tokens.gaza })).items.find((c) => c.name === '户籍比对系统');
    assert.equal((await signedGet(server, { appKey: mine.app_key, secret: first }, '/api/v1/services/whoami')).status, 200);

    // Rotated: the new secret shown once, the old one stops.
    await page.getByRole('button', { name: '我已保存密钥，关闭' }).click();
    await table.getByRole('button', { name: '轮换密钥：户籍比对系统' }).click();
    const rotate = page.getByRole('dialog', { name: '轮换密钥' });
    await rotate.getByText('旧密钥立即失效', { exact: false }).waitFor();
    await rotate.getByRole('button', { name: '轮换密钥' }).click();
    await page.getByText('密钥已轮换；请立即保存新密钥').waitFor();
    const second = (await page.getByTestId('secret').innerText()).trim();
    assert.notEqual(second, first);
    assert.equal((await signedGet(server, { appKey: mine.app_key, secret: first }, '/api/v1/services/whoami')).status, 401);
    assert.equal((await signedGet(server, { appKey: mine.app_key, secret: second }, '/api/v1/services/whoami')).status, 200);

    // The secadmin sees every department's and revokes with a reason.
    await page.context().clearCookies();
    await page.goto(server.url + '/');
    await signIn(page, 'anquan');
    await page.goto(server.url + '/security/credentials');
    await page.getByRole('heading', { level: 1, name: '应用凭证' }).waitFor();
    assert.equal(await page.getByRole('button', { name: '签发凭证' }).count(), 0, 'the secadmin issues none');
    const all = page.getByRole('table', { name: '应用凭证' });
    const line = all.getByRole('row').filter({ hasText: '户籍比对系统' });
    await line.getByText('福州市公安局').waitFor();
    assert.equal(await line.getByRole('button', { name: /轮换/ }).count(), 0, 'the secadmin rotates none');
    await checked(page, 'credentials, secadmin');
    await shot(page, 'credentials-secadmin-zh');
    await line.getByRole('button', { name: '吊销凭证：户籍比对系统' }).click();
    const revoke = page.getByRole('dialog', { name: '吊销应用凭证' });
    await revoke.getByRole('button', { name: '吊销凭证' }).click();
    await revoke.getByText('必填', { exact: true }).waitFor();
    await revoke.getByLabel('吊销原因').fill('业务系统已下线');
    await checked(page, 'revoke dialog');
    await revoke.getByRole('button', { name: '吊销凭证' }).click();
    await page.getByText('凭证已吊销').waitFor();
    await page.getByRole('switch', { name: '显示已吊销' }).click();
    await all.getByRole('row').filter({ hasText: '户籍比对系统' }).getByText('业务系统已下线').waitFor();
    assert.equal((await signedGet(server, { appKey: mine.app_key, secret: second }, '/api/v1/services/whoami')).status, 401);
    await checked(page, 'credentials with revoked');
    await shot(page, 'credentials-revoked-zh');
    await page.evaluate(() => localStorage.setItem('govdata.lang', 'en'));
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'System credentials' }).waitFor();
    await checked(page, 'credentials, en');
    await shot(page, 'credentials-secadmin-en');
    await page.context().close();
  });
});
