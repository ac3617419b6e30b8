// The approval of an open attribute (ZJ-20) under the Zhejiang profile, in
// the browser: a conditionally open entry, once published, is not open
// until the source's officer, the 办公室 (the bureau's reviewer) and the
// 数字中心's leader approve it on 开放属性审批; the page shows the proposed
// attribute beside the one in force and the chain; after the leader signs,
// the open catalog has the entry.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, browserMissing, checked, cli, fuzhou, launch, newPage, shot, signInAPI, signInTo, startServer } from './harness.mjs';

const skip = browserMissing() || false;
const password = 'Open#2026-attr';
const langKey = 'govdata.lang'; // src/i18n.tsx

describe('open attribute', { skip }, () => {
  let server;
  let browser;
  let entry;
  before(async () => {
    server = await startServer(['--profile', 'zhejiang-finance-2024']);
    browser = await launch();
    const w = await fuzhou(server, password);
    const issued = 'Issued#2026-pw';
    cli(server, ['user', 'create', '--name', '赵主任', '--roles', 'leader', '--department', String(w.bureau.id), '--password', issued, '--data', server.data, 'lingdao']);
    await signInAPI(server, 'lingdao', issued, password);
    entry = await api(server, 'POST', '/api/v1/catalog', {
      token: w.officer,
      body: {
        name: '财政专项资金分配',
        summary: '按项目和年度统计的财政专项资金分配情况。',
        classification: { category: '3', subcategory: '01', group: '003' },
        format: '数据库',
        update_cycle: 'yearly',
        share_type: 'unconditional',
        open_type: 'conditional',
        open_conditions: '仅限财政绩效研究使用',
        grade: 'general',
        items: [
          { name: '项目', type: 'C', length: 40, sensitivity: 1 },
          { name: '年度', type: 'N', length: 4, sensitivity: 1 },
          { name: '金额', type: 'N', length: 14, sensitivity: 1 },
        ],
      },
    });
    await api(server, 'POST', `/api/v1/catalog/${entry.id}/submit`, { token: w.officer });
    await api(server, 'POST', `/api/v1/catalog/${entry.id}/review`, { token: w.reviewer, body: { decision: 'approve' } });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function openStatus() {
    const r = await fetch(`${server.url}/api/v1/open/catalog/${entry.id}`);
    return r.status;
  }

  async function decide(page, id, button) {
    await page.goto(`${server.url}/opening/attributes/${id}`);
    await page.getByRole('heading', { name: /财政专项资金分配/ }).waitFor();
    await page.getByRole('button', { name: button }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: button }).waitFor();
    await dialog.getByRole('button', { name: button }).click();
    // Closed when the decision is taken; a refusal stays in the dialog and
    // is reported with the server's words.
    const refusal = dialog.getByRole('alert');
    const how = await Promise.race([
      dialog.waitFor({ state: 'hidden', timeout: 30_000 }).then(() => 'closed', () => 'open'),
      refusal.waitFor({ timeout: 30_000 }).then(() => 'refused', () => 'open'),
    ]);
    if (how === 'refused') assert.fail(`the decision was refused: ${await refusal.innerText()}`);
    assert.equal(how, 'closed', 'the decision dialog stayed open');
  }

  test('the source, the office and the centre\'s leader approve; only then is the entry open', async () => {
    assert.equal(await openStatus(), 404, 'open before the approvals');

    const officer = await newPage(browser);
    await officer.goto(server.url + '/signin');
    await signInTo(officer, 'bianmu', password);
    // The step is in 我的待办 like any other.
    await officer.getByText('财政专项资金分配').first().waitFor();
    await officer.goto(server.url + '/opening/attributes');
    await officer.getByRole('link', { name: '财政专项资金分配' }).first().click();
    await officer.waitForURL(/\/opening\/attributes\/\d+$/);
    const id = officer.url().split('/').pop();
    await officer.getByText('拟定开放属性').first().waitFor();
    await officer.getByText('尚未开放').first().waitFor();
    await officer.getByText('开放条件：仅限财政绩效研究使用').waitFor();
    await officer.getByText('数源处室评估确认开放属性').first().waitFor();
    await shot(officer, 'openattr-source');
    await checked(officer, 'the approval, at the source');
    await decide(officer, id, '同意');

    const reviewer = await newPage(browser);
    await reviewer.goto(server.url + '/signin');
    await signInTo(reviewer, 'shenhe', password);
    await decide(reviewer, id, '同意');
    assert.equal(await openStatus(), 404, 'open before the leader signs');

    const leader = await newPage(browser);
    await leader.goto(server.url + '/signin');
    await signInTo(leader, 'lingdao', password);
    await decide(leader, id, '签批同意');
    await leader.getByText('已批准：该开放属性已生效并更新至开放目录').waitFor();
    await shot(leader, 'openattr-approved');
    await checked(leader, 'the approved attribute');
    assert.equal(await openStatus(), 200, 'not open after the approvals');

    await leader.goto(server.url + '/opening/attributes');
    await leader.getByRole('link', { name: '财政专项资金分配' }).first().waitFor();
    await shot(leader, 'openattr-list');
    await checked(leader, 'the list of approvals');

    await leader.evaluate((k) => localStorage.setItem(k, 'en'), langKey);
    await leader.goto(`${server.url}/opening/attributes/${id}`);
    await leader.getByText('Proposed attribute').first().waitFor();
    await leader.getByText('Approved: the attribute is in force in the open catalog').waitFor();
    await shot(leader, 'openattr-approved-en');
    await checked(leader, 'the approved attribute, in English');
    await leader.goto(server.url + '/opening/attributes');
    await leader.getByText('Open attribute approvals').first().waitFor();
    await shot(leader, 'openattr-list-en');
    await checked(leader, 'the list, in English');
  });
});
