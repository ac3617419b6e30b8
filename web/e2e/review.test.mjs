// The bureau's reviewer, a department's leader and anyone signed in, as
// they work the console (issue 14, screens 4, 6, 7; CAT-3, CAL-3, HLJ-15,
// HLJ-42, AGG-4): an officer's entry returned with a comment in the
// browser, the comment on the officer's side, resubmitted, approved; a
// revocation request decided; a change's deadline extended on its policy
// basis; 督办 with its numbers and charts for the reviewer and the leader;
// the regulation profile for everyone. The approve / return dialog is
// driven by the keyboard alone. Screens in zh and en.
//
// Two things a clock would bring are set in the store directly (sqlite3):
// a change's due date and a dataset's refresh due date, put in the past;
// the server's own sweeper (every second here) then marks them overdue
// and stale as it would after those days.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, browserMissing, checked, cli, launch, newPage, pressTabTo, shot, signInAPI, signInTo, sql, startServer, until } from './harness.mjs';

const signIn = (page, username) => signInTo(page, username, password);

const skip = browserMissing() || false;
const password = 'Staff#2026-pass';

function entryBody(name, group) {
  return {
    name,
    summary: `${name}，按月归集`,
    classification: { category: '3', subcategory: '01', group },
    format: '数据库',
    update_cycle: 'monthly',
    share_type: 'unconditional',
    open_type: 'not_open', open_conditions: '涉及个人信息，不予开放',
    grade: 'general',
    items: [
      { name: '统一社会信用代码', type: 'C', length: 18, sensitivity: 1, key: true },
      { name: '登记机关', type: 'C', length: 60, sensitivity: 1 },
    ],
  };
}

describe('review, supervision, profile', { skip }, () => {
  let server;
  let browser;
  let officer;
  let reviewer;
  const ids = {};
  before(async () => {
    server = await startServer(['--sweep-interval', '1s']);
    browser = await launch();
    const admin = await signInAPI(server, 'admin', server.adminPassword, 'Govdata#2026-Root');
    await api(server, 'POST', '/api/v1/regions', { token: admin, body: { code: '350000', name: '福建省' } });
    await api(server, 'POST', '/api/v1/regions', { token: admin, body: { code: '350100', name: '福州市' } });
    const bureau = await api(server, 'POST', '/api/v1/departments', {
      token: admin,
      body: { name: '福州市大数据管理局', credit_code: '11350100MB00000012', region_code: '350100', level: 'city', bureau: true },
    });
    const market = await api(server, 'POST', '/api/v1/departments', {
      token: admin,
      body: { name: '福州市市场监督管理局', credit_code: '11350100MB00000201', region_code: '350100', level: 'city' },
    });
    const user = (name, roles, dept, login) =>
      cli(server, ['user', 'create', '--name', name, '--roles', roles, '--department', String(dept), '--password', 'Issued#2026-pw', '--data', server.data, login]);
    user('王审核', 'reviewer', bureau.id, 'shenhe');
    user('李专员', 'officer', market.id, 'bianmu');
    user('赵领导', 'leader', market.id, 'lingdao');
    officer = await signInAPI(server, 'bianmu', 'Issued#2026-pw', password);
    reviewer = await signInAPI(server, 'shenhe', 'Issued#2026-pw', password);
    await signInAPI(server, 'lingdao', 'Issued#2026-pw', password);

    const create = async (name, group) => (await api(server, 'POST', '/api/v1/catalog', { token: officer, body: entryBody(name, group) })).id;
    const publish = async (id) => {
      await api(server, 'POST', `/api/v1/catalog/${id}/submit`, { token: officer });
      await api(server, 'POST', `/api/v1/catalog/${id}/review`, { token: reviewer, body: { decision: 'approve' } });
    };
    // To be reviewed in the browser.
    ids.fresh = await create('企业登记信息', '001');
    await api(server, 'POST', `/api/v1/catalog/${ids.fresh}/submit`, { token: officer });
    // Published, then its revocation asked for.
    ids.revoke = await create('个体工商户名录', '002');
    await publish(ids.revoke);
    await api(server, 'POST', `/api/v1/catalog/${ids.revoke}/revoke`, { token: officer, body: { reason: '该业务已并入全省统一系统' } });
    // Published with data, its refresh now overdue: a stale dataset.
    ids.stale = await create('食品经营许可信息', '003');
    await publish(ids.stale);
    await api(server, 'POST', `/api/v1/catalog/${ids.stale}/data`, {
      token: officer,
      body: { rows: [{ 统一社会信用代码: '91350100MA00000011', 登记机关: '福州市市场监督管理局' }] },
    });
    sql(server, `UPDATE datasets SET due_at = due_at - ${40 * 86400} * 1000000 WHERE entry_id = ${ids.stale}`);
    // Published, then changed: the change's file step, past its due date.
    ids.change = await create('广告经营单位信息', '004');
    await publish(ids.change);
    const changed = await api(server, 'PATCH', `/api/v1/catalog/${ids.change}`, { token: officer, body: { summary: '增加户外广告登记' } });
    const past = new Date(Date.now() - 12 * 86400_000).toISOString().slice(0, 10);
    sql(server, `UPDATE workflow_instances SET due_date = '${past}' WHERE id = ${changed.workflow.id}`);
    sql(server, `UPDATE workflow_steps SET due_date = '${past}' WHERE instance_id = ${changed.workflow.id} AND seq = ${changed.workflow.step_seq}`);
    await until(async () => (await api(server, 'GET', '/api/v1/supervision/overdue', { token: reviewer })).items.length > 0, 'the overdue change');
    await until(async () => (await api(server, 'GET', '/api/v1/supervision/stale-datasets', { token: reviewer })).items.length > 0, 'the stale dataset');
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the reviewer returns, approves, decides a revocation and extends a deadline; 督办 shows the numbers', async () => {
    const page = await newPage(browser);
    await page.goto(server.url + '/');
    await signIn(page, 'shenhe');

    // The queue from the menu, the entry with its due date marked.
    const menu = page.getByRole('navigation', { name: '主菜单' });
    const group = menu.locator('.ant-menu-submenu-title').filter({ hasText: '数据资源目录' });
    if ((await group.getAttribute('aria-expanded')) !== 'true') await group.click();
    await menu.getByRole('link', { name: '目录审核', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: '目录审核' }).waitFor();
    const queue = page.getByRole('table', { name: '新编目录' });
    const row = queue.getByRole('row').filter({ hasText: '企业登记信息' });
    await row.getByText(/还剩 \d+ 个工作日|今天到期/).waitFor();
    await checked(page, 'review queue');
    await shot(page, 'review-queue-zh');

    // Returned with a comment, by the keyboard alone.
    await row.getByRole('link', { name: '企业登记信息', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: '企业登记信息' }).waitFor();
    await page.getByText('首次提交审核').waitFor();
    await page.getByTestId('review-due').waitFor();
    await checked(page, 'entry to review');
    await shot(page, 'review-entry-zh');
    await page.getByRole('button', { name: '退回修改' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: '退回修改' });
    await dialog.waitFor();
    await dialog.getByLabel('退回意见（需修改的内容）').waitFor();
    await pressTabTo(page, '退回修改'); // from the comment, past 取消, to the dialog's own button
    await page.keyboard.press('Enter');
    await dialog.getByText('必填', { exact: true }).waitFor(); // a return needs its comment
    await dialog.getByLabel('退回意见（需修改的内容）').focus();
    await page.keyboard.type('请补充登记机关的代码及更新方式');
    await checked(page, 'return dialog');
    await shot(page, 'review-return-zh');
    await pressTabTo(page, '退回修改');
    await page.keyboard.press('Enter');
    await page.getByText('已退回修改，提供部门将在待办中看到审核意见。').waitFor();
    await page.getByRole('table', { name: '新编目录' }).getByText('没有待审核的新编目录').waitFor();

    // The officer's side: the comment, and the fix step in the officer's to-do list.
    const versions = await api(server, 'GET', `/api/v1/catalog/${ids.fresh}/versions`, { token: officer });
    assert.equal(versions.find((v) => v.comment)?.comment, '请补充登记机关的代码及更新方式');
    const officerTasks = await api(server, 'GET', '/api/v1/tasks', { token: officer });
    assert.ok(officerTasks.items.some((x) => x.instance.subject_id === String(ids.fresh)), 'the return is in the officer\'s to-do list');
    // The officer fixes it after its fix deadline: a late step in the on-time figures.
    const fix = officerTasks.items.find((x) => x.instance.subject_id === String(ids.fresh)).instance;
    const late = new Date(Date.now() - 20 * 86400_000).toISOString().slice(0, 10);
    sql(server, `UPDATE workflow_instances SET due_date = '${late}' WHERE id = ${fix.id}`);
    sql(server, `UPDATE workflow_steps SET due_date = '${late}' WHERE instance_id = ${fix.id} AND seq = ${fix.step_seq}`);
    await api(server, 'PATCH', `/api/v1/catalog/${ids.fresh}`, { token: officer, body: { share_method: '接口' } });
    await api(server, 'POST', `/api/v1/catalog/${ids.fresh}/submit`, { token: officer });

    // Back in the queue; approved, by the keyboard alone.
    await page.getByRole('button', { name: '刷新' }).click();
    await page.getByRole('table', { name: '新编目录' }).getByRole('link', { name: '企业登记信息', exact: true }).click();
    await page.getByRole('button', { name: '审核通过' }).focus();
    await page.keyboard.press('Enter');
    const approve = page.getByRole('dialog', { name: '审核通过并发布' });
    await approve.waitFor();
    await page.keyboard.type('同意发布');
    await pressTabTo(page, '审核通过');
    await page.keyboard.press('Enter');
    await page.getByText('已审核通过，目录已发布。').waitFor();
    assert.equal((await api(server, 'GET', `/api/v1/catalog/${ids.fresh}`, { token: officer })).status, 'published');
    const left = await api(server, 'GET', '/api/v1/tasks', { token: reviewer });
    assert.ok(!left.items.some((x) => x.instance.subject_id === String(ids.fresh)), 'the task has left the reviewer\'s to-do list');

    // A revocation request, approved.
    await page.locator('.ant-segmented').getByText('撤销申请', { exact: true }).click();
    await page.getByRole('table', { name: '撤销申请' }).getByRole('link', { name: '个体工商户名录', exact: true }).click();
    await page.getByText('同意后目录即撤销').waitFor();
    await page.getByRole('button', { name: '同意撤销' }).click();
    const revoke = page.getByRole('dialog', { name: '同意撤销目录' });
    await revoke.getByRole('button', { name: '同意撤销' }).click();
    await page.getByText('已同意撤销。').waitFor();
    await page.getByRole('table', { name: '撤销申请' }).getByText('没有待决定的撤销申请').waitFor();
    assert.equal((await api(server, 'GET', `/api/v1/catalog/${ids.revoke}`, { token: reviewer })).status, 'revoked');

    // 督办: the overdue change, on-time rates, the stale dataset, each charted.
    const superGroup = menu.locator('.ant-menu-submenu-title').filter({ hasText: '督办' });
    if ((await superGroup.getAttribute('aria-expanded')) !== 'true') await superGroup.click();
    await menu.getByRole('link', { name: '督办', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: '督办' }).waitFor();
    const overdue = page.getByRole('table', { name: '逾期事项' });
    await overdue.getByRole('row').filter({ hasText: '广告经营单位信息' }).filter({ hasText: '目录变更' }).waitFor();
    const rates = page.getByRole('table', { name: '各部门按时办结率' });
    await rates.getByRole('row').filter({ hasText: '福州市大数据管理局' }).getByText('100%').waitFor();
    await rates.getByRole('row').filter({ hasText: '福州市市场监督管理局' }).getByText('0%', { exact: true }).waitFor();
    await page.getByRole('table', { name: '数据更新不及时' }).getByRole('row').filter({ hasText: '食品经营许可信息' }).waitFor();
    for (const label of ['逾期事项按类型的条形图', '各部门按时办结率的条形图', '更新不及时的数据集按部门的条形图']) {
      const chart = page.getByRole('img', { name: new RegExp(label) });
      await chart.locator('svg').waitFor();
    }
    await checked(page, 'supervision');
    await shot(page, 'supervision-reviewer-zh');

    // From the overdue change to its extension, on its policy basis.
    const before = (await api(server, 'GET', `/api/v1/catalog/${ids.change}`, { token: reviewer })).workflow.due;
    await overdue.getByRole('link', { name: '广告经营单位信息', exact: true }).click();
    await page.getByText('当前环节由提供部门办理').waitFor();
    await page.getByRole('button', { name: '延长期限' }).click();
    const extend = page.getByRole('dialog', { name: '延长办理期限' });
    await extend.getByText(/可延长一次，延长 5 个工作日/).waitFor();
    await extend.getByRole('button', { name: /同意延长/ }).click();
    await extend.getByText('必填', { exact: true }).waitFor();
    await extend.getByLabel('政策依据').fill('因上级部门调整广告登记口径，依本部门政策文件延期');
    await checked(page, 'extension dialog');
    await shot(page, 'review-extend-zh');
    await extend.getByRole('button', { name: /同意延长/ }).click();
    await extend.waitFor({ state: 'hidden' });
    const afterDue = (await api(server, 'GET', `/api/v1/catalog/${ids.change}`, { token: reviewer })).workflow.due;
    assert.notEqual(afterDue, before, 'the due date moved on');
    await page.getByTestId('review-due').getByText(afterDue).waitFor();
    // A second extension is refused, in the user's language.
    await page.getByRole('button', { name: '延长期限' }).click();
    await extend.getByLabel('政策依据').fill('再次延期');
    await extend.getByRole('button', { name: /同意延长/ }).click();
    await extend.getByText('此步骤的期限已延长过一次').waitFor();
    await extend.getByRole('button', { name: '取消' }).click();

    // The same screens in English.
    await page.evaluate(() => localStorage.setItem('govdata.lang', 'en'));
    await page.goto(server.url + '/supervision');
    await page.getByRole('table', { name: 'On-time rate by department' }).getByText('100%').first().waitFor();
    await page.getByRole('img', { name: /on-time rate/ }).locator('svg').waitFor();
    await checked(page, 'supervision (en)');
    await shot(page, 'supervision-reviewer-en');
    await page.goto(server.url + '/entries/review');
    await page.locator('.ant-segmented').getByText('Changes', { exact: true }).click();
    await page.getByRole('table', { name: 'Changes' }).getByText('No changes wait for review.').waitFor();
    await checked(page, 'review queue (en)');
    await shot(page, 'review-queue-en');
    await page.goto(server.url + `/entries/review/${ids.change}`);
    await page.getByRole('tab', { name: 'Compare with published version' }).waitFor();
    await checked(page, 'change to review (en)');
    await shot(page, 'review-entry-change-en');
    await page.evaluate(() => localStorage.removeItem('govdata.lang'));
    await page.context().close();
  });

  test('a leader opens 督办 and sees the department\'s overdue steps, on-time rate and stale datasets; anyone reads the profile', async () => {
    const page = await newPage(browser);
    await page.goto(server.url + '/');
    await signIn(page, 'lingdao');
    const menu = page.getByRole('navigation', { name: '主菜单' });
    const group = menu.locator('.ant-menu-submenu-title').filter({ hasText: '督办' });
    if ((await group.getAttribute('aria-expanded')) !== 'true') await group.click();
    await menu.getByRole('link', { name: '督办', exact: true }).click();
    await page.getByRole('heading', { level: 2, name: '本部门数据更新不及时' }).waitFor();
    await page.getByRole('table', { name: '数据更新不及时' }).getByRole('row').filter({ hasText: '食品经营许可信息' }).waitFor();
    await page.getByRole('img', { name: /更新不及时的数据集按更新周期的条形图/ }).locator('svg').waitFor();
    // HLJ-42: the leader supervises what the department owes, too.
    await page.getByRole('table', { name: '逾期事项' }).waitFor();
    await page.getByRole('table', { name: '各部门按时办结率' }).waitFor();
    await checked(page, 'supervision (leader)');
    await shot(page, 'supervision-leader-zh');

    // The regulation profile, from the workbench.
    const work = menu.locator('.ant-menu-submenu-title').filter({ hasText: '工作台' });
    if ((await work.getAttribute('aria-expanded')) !== 'true') await work.click();
    await menu.getByRole('link', { name: '法规规则集', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: '法规规则集' }).waitFor();
    const review = page.locator('section[aria-labelledby="workflow-catalog_review"]');
    await review.getByText('主管部门审核').first().waitFor();
    await review.getByText('5 个工作日').first().waitFor();
    await page.getByRole('table', { name: '期限与时限' }).getByRole('row').filter({ hasText: '撤销目录的数据过渡期' }).getByText('6 个月').waitFor();
    await page.locator('section[aria-labelledby="workflow-catalog_change"]').getByText(/可延长一次：5 个工作日/).waitFor();
    await checked(page, 'profile');
    await shot(page, 'profile-zh');
    await page.locator('section[aria-labelledby="workflow-catalog_change"]').scrollIntoViewIfNeeded();
    await shot(page, 'profile-workflows-zh');
    await page.evaluate(() => localStorage.setItem('govdata.lang', 'en'));
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Regulation profile' }).waitFor();
    await page.getByRole('table', { name: 'Periods and deadlines' }).waitFor();
    await checked(page, 'profile (en)');
    await shot(page, 'profile-en');
    await page.locator('section[aria-labelledby="workflow-share_conditional"]').scrollIntoViewIfNeeded();
    await shot(page, 'profile-workflows-en');
    await page.goto(server.url + '/supervision');
    await page.getByRole('img', { name: /stale datasets by update cycle/ }).locator('svg').waitFor();
    await shot(page, 'supervision-leader-en');
    await page.evaluate(() => localStorage.removeItem('govdata.lang'));
    await page.context().close();
  });
});
