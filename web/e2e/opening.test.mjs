// Conditional opening and withdrawal (OPN-2, OPN-3) under the Heilongjiang
// profile, in the browser: a person signs in on the portal and applies for
// conditionally open data, the provider's officer refuses with a reason, the
// person reads it and applies again, the officer approves and the person
// sees the grant; the officer asks to withdraw the data from its page, the
// bureau approves with the provincial filing (HLJ-35), the notice is listed
// and the grant has ended. The person's account is registered through the
// API and confirmed by the operator's CLI (no SMTP here).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, browserMissing, checked, cli, fuzhou, launch, newPage, shot, signInTo, startServer, until } from './harness.mjs';

const skip = browserMissing() || false;
const password = 'Open#2026-flow';
const portalPassword = 'Portal#2026-person';
const langKey = 'govdata.lang'; // src/i18n.tsx

describe('opening', { skip }, () => {
  let server;
  let browser;
  let w;
  let entry;
  before(async () => {
    server = await startServer(['--profile', 'heilongjiang-2025']);
    browser = await launch();
    w = await fuzhou(server, password);
    entry = await api(server, 'POST', '/api/v1/catalog', {
      token: w.officer,
      body: {
        name: '公共交通客流统计',
        summary: '按线路和日期统计的公共交通客流量。',
        classification: { category: '3', subcategory: '01', group: '003' },
        format: '数据库',
        update_cycle: 'monthly',
        share_type: 'unconditional',
        open_type: 'conditional',
        open_conditions: '仅限交通规划研究使用',
        grade: 'general',
        items: [
          { name: '线路', type: 'C', length: 20, sensitivity: 1 },
          { name: '日期', type: 'D', sensitivity: 1 },
          { name: '客流量', type: 'N', length: 10, sensitivity: 1 },
        ],
      },
    });
    await api(server, 'POST', `/api/v1/catalog/${entry.id}/submit`, { token: w.officer });
    await api(server, 'POST', `/api/v1/catalog/${entry.id}/review`, { token: w.reviewer, body: { decision: 'approve' } });
    const up = await fetch(`${server.url}/api/v1/catalog/${entry.id}/data?mode=replace&file_name=rows.csv`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${w.officer}`, 'Content-Type': 'text/csv' },
      body: '线路,日期,客流量\n1路,2026-11-02,12000\n2路,2026-11-02,8000\n',
    });
    assert.equal(up.status, 201, await up.text());
    const reg = await fetch(server.url + '/api/v1/public/auth/register', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ kind: 'person', name: '张研究', email: 'zhang@example.cn', password: portalPassword, accept_terms: true, terms_version: '2026-1' }),
    });
    assert.equal(reg.status, 202, await reg.text());
    cli(server, ['public-accounts', 'confirm', '--data', server.data, 'zhang@example.cn']);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function personPage() {
    const page = await newPage(browser);
    await page.goto(server.url + '/portal/signin');
    await page.getByLabel('电子邮箱').fill('zhang@example.cn');
    await page.getByLabel('密码').fill(portalPassword);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/\/portal\/account$/);
    return page;
  }

  async function apply(page) {
    await page.goto(`${server.url}/portal/apply/${entry.resource_code}`);
    await page.getByRole('heading', { name: '申请：公共交通客流统计' }).waitFor();
    await page.getByRole('checkbox', { name: '线路' }).check();
    await page.getByRole('checkbox', { name: '客流量' }).check();
    await page.getByLabel('用途').fill('城市公交线网优化研究');
    await page.getByLabel('应用场景').fill('高校交通规划课题');
    await page.getByLabel('承诺采取的安全保障措施').fill('数据仅存于课题组内网服务器，专人管理，不对外提供');
    await page.getByRole('checkbox', { name: '我已阅读并同意上述数据开放利用协议' }).check();
    await page.getByRole('button', { name: '提交申请' }).click();
    await page.waitForURL(/\/portal\/account\/applications\/\d+$/);
    return Number(page.url().split('/').pop());
  }

  async function decide(page, id, button, reason) {
    await page.goto(`${server.url}/opening/applications/${id}`);
    await page.getByRole('button', { name: button }).first().click();
    const dialog = page.getByRole('dialog');
    if (reason) await dialog.getByLabel('驳回理由').fill(reason);
    await dialog.getByRole('button', { name: button }).click();
    await dialog.waitFor({ state: 'hidden' });
  }

  test('a person applies, is refused with a reason, applies again and is granted; the data is withdrawn with a notice', async () => {
    const person = await personPage();
    const first = await apply(person);
    await person.getByText('审核中').first().waitFor();
    await person.getByText('数据提供部门审核').first().waitFor();
    await shot(person, 'opening-applied');
    await checked(person, 'the application, filed');

    const officer = await newPage(browser);
    await officer.goto(server.url + '/signin');
    await signInTo(officer, 'bianmu', password);
    await officer.goto(server.url + '/opening/applications');
    await officer.getByRole('link', { name: '公共交通客流统计' }).first().waitFor();
    await checked(officer, 'the open applications');
    await decide(officer, first, '驳回申请', '用途与开放条件不符：仅限交通规划研究');
    await officer.getByText('申请未通过').waitFor();

    await person.reload();
    await person.getByTestId('refusal').getByText('用途与开放条件不符：仅限交通规划研究').waitFor();
    await shot(person, 'opening-refused');
    await checked(person, 'the refusal');

    const second = await apply(person);
    await decide(officer, second, '同意');
    await officer.getByText('申请已通过').waitFor();
    await shot(officer, 'opening-approved');
    await checked(officer, 'the approved application');

    await person.goto(server.url + '/portal/account/applications');
    await person.getByRole('table', { name: '我的开放授权' }).getByText('有效').waitFor();
    await checked(person, 'my applications and grants');

    // The person calls the open-data API with a key of its own: the
    // approved items, at once (HLJ-34); an item it was not given, refused.
    const login = await api(server, 'POST', '/api/v1/public/auth/login', { body: { email: 'zhang@example.cn', password: portalPassword } });
    const key = (await api(server, 'POST', '/api/v1/public/keys', { token: login.token, body: { name: '课题组' } })).key;
    const records = (fields, headers = { 'X-API-Key': key }) =>
      fetch(`${server.url}/api/v1/open/datasets/${encodeURIComponent(entry.resource_code)}/records?fields=${encodeURIComponent(fields)}`, { headers });
    const rows = await until(async () => {
      const res = await records('线路,客流量');
      const body = await res.json();
      return res.status === 200 && body.items.length === 2 ? body.items : null;
    }, 'the granted rows through the key');
    assert.deepEqual(rows.map((r) => r['客流量']).sort(), ['12000', '8000']);
    assert.equal((await records('日期')).status, 403, 'an item outside the approval');
    assert.equal((await records('线路', {})).status, 401, 'without a key');
    const download = () => fetch(`${server.url}/api/v1/open/datasets/${encodeURIComponent(entry.resource_code)}/download?format=csv`, { headers: { 'X-API-Key': key } });
    const file = await download();
    assert.equal(file.status, 200);
    const bytes = Buffer.from(await file.arrayBuffer());
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 with BOM');
    assert.match(bytes.subarray(3).toString('utf8'), /^线路,客流量\r?\n/);

    // The provider asks to withdraw the data; the bureau approves.
    await officer.goto(`${server.url}/entries/${entry.id}`);
    await officer.getByRole('button', { name: '申请撤回开放' }).click();
    const ask = officer.getByRole('dialog');
    await ask.getByLabel('撤回理由').fill('数据已停止更新');
    await ask.getByRole('button', { name: '申请撤回开放' }).click();
    await officer.waitForURL(/\/opening\/withdrawals\/\d+$/);
    const withdrawal = officer.url().split('/').pop();

    const reviewer = await newPage(browser);
    await reviewer.goto(server.url + '/signin');
    await signInTo(reviewer, 'shenhe', password);
    await reviewer.goto(`${server.url}/opening/withdrawals/${withdrawal}`);
    await reviewer.getByRole('button', { name: '同意' }).first().click();
    const review = reviewer.getByRole('dialog');
    await review.getByLabel('报省级主管部门备案情况').fill('2026年报省政务数据局备案');
    await review.getByRole('button', { name: '同意' }).click();
    await review.waitFor({ state: 'hidden' });
    await reviewer.getByText('已撤回开放').waitFor();
    await shot(reviewer, 'opening-withdrawn');
    await checked(reviewer, 'the approved withdrawal');

    const notices = await api(server, 'GET', '/api/v1/open/withdrawals');
    assert.equal(notices.items.length, 1);
    assert.equal(notices.items[0].entry_name, '公共交通客流统计');
    assert.equal(notices.items[0].reason, '数据已停止更新');
    assert.equal(notices.items[0].resource_code, entry.resource_code);

    await person.goto(server.url + '/portal/account/applications');
    await person.getByRole('table', { name: '我的开放授权' }).getByText('已随数据撤回终止').waitFor();
    // Withdrawn: the key reads nothing more (HLJ-35).
    const gone = await records('线路,客流量');
    assert.equal(gone.status, 404);
    assert.match((await gone.json()).error.message, /数据已停止更新/);
    assert.equal((await download()).status, 404, 'the download stops too');

    // In English too (UI.md): the staff's list and the person's application.
    for (const page of [officer, person]) await page.evaluate((k) => localStorage.setItem(k, 'en'), langKey);
    await officer.goto(server.url + '/opening/applications');
    await officer.getByRole('link', { name: '公共交通客流统计' }).first().waitFor();
    await officer.getByText('Refused').first().waitFor();
    await shot(officer, 'opening-en-list');
    await checked(officer, 'the open applications in English');
    await person.goto(`${server.url}/portal/account/applications/${first}`);
    await person.getByText('The application was refused').waitFor();
    await shot(person, 'opening-en-refused');
    await checked(person, 'the refusal in English');
  });
});
