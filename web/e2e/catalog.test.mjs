// The catalog as an officer who has never seen the API works it (issue 14,
// screen 3; CAT-1…3, CAT-5, CAT-6): an entry written in the editor with
// every required field and its items, the server's field error shown at
// the field; twenty more imported from the server's own Excel template
// (downloaded through the page) and a file with errors whose cells are
// listed; one submitted; search by one and two Chinese characters; a
// returned entry's comment and deadline; a change whose versions compare
// side by side; a revocation asked with a reason. Screens in zh and en.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { api, browserMissing, checked, fuzhou, launch, newPage, shot, signIn, startServer } from './harness.mjs';
import { fillSheet, headers, unzip, zip } from './xlsx.mjs';

const skip = browserMissing() || false;
const password = 'Staff#2026-pass';

/** rowsFor orders a sheet's values by its header keys ("资源名称 (name)"). */
function rowsFor(head, objects) {
  const keys = head.map((h) => h.match(/\(([^)]+)\)\s*$/)?.[1] ?? '');
  return objects.map((o) => keys.map((k) => (k in o ? String(o[k]) : '')));
}

describe('catalog (officer)', { skip }, () => {
  let server;
  let browser;
  let officer;
  let reviewer;
  const dir = mkdtempSync(join(tmpdir(), 'govdata-catalog-'));
  before(async () => {
    server = await startServer();
    browser = await launch();
    ({ officer, reviewer } = await fuzhou(server, password));
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('an officer catalogs, imports, submits, searches, follows a return, changes and compares, asks to revoke', async () => {
    const page = await newPage(browser);
    await page.goto(server.url + '/');
    await signIn(page, 'bianmu', password);
    await page.waitForURL(/\/tasks$/);

    // The catalog from the menu: empty, saying what to do next.
    const menu = page.getByRole('navigation', { name: '主菜单' });
    const group = menu.locator('.ant-menu-submenu-title').filter({ hasText: '数据资源目录' });
    if ((await group.getAttribute('aria-expanded')) !== 'true') await group.click();
    await menu.getByRole('link', { name: '目录项', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: '目录项' }).waitFor();
    await page.getByText('本部门还没有目录项').waitFor();
    await checked(page, 'empty catalog');
    await shot(page, 'catalog-empty-zh');

    // A new entry in the editor, every required field and two items.
    await page.getByRole('button', { name: '新建目录项' }).click();
    await page.getByRole('heading', { level: 1, name: '新建目录项' }).waitFor();
    await page.getByLabel('资源名称').fill('人口基础信息');
    await page.getByLabel('资源摘要').fill('全市户籍人口与常住人口的基础信息');
    await page.getByLabel('项', { exact: true }).fill('1'); // one digit: the server refuses it at the field
    await page.getByLabel('目', { exact: true }).fill('002');
    await page.getByLabel('资源格式').fill('数据库');
    // HLJ-33: not opened (the default), so the reason is stated.
    await page.getByLabel('不予开放理由').fill('涉及个人信息，依法不予开放');
    await page.getByLabel('第 1 项 信息项名称').fill('公民身份号码');
    await page.getByLabel('第 1 项 长度').fill('18');
    await page.getByLabel('第 1 项 为主键').check();
    await page.getByRole('button', { name: '添加信息项' }).click();
    await page.getByLabel('第 2 项 信息项名称').fill('姓名');
    await page.getByLabel('第 2 项 说明').fill('户籍登记的姓名');
    await page.getByRole('button', { name: '第 2 项 质量规则' }).click();
    await page.getByLabel('第 2 项 必填').check();
    await checked(page, 'entry editor');
    await shot(page, 'catalog-editor-zh');
    await page.getByRole('button', { name: '保存草稿' }).click();
    // The server's message, under the field it names.
    const sub = page.locator('.ant-form-item').filter({ has: page.getByLabel('项', { exact: true }) });
    await sub.getByText('应为 2 位数字').waitFor();
    await shot(page, 'catalog-editor-error-zh');
    await page.getByLabel('项', { exact: true }).fill('01');
    await page.getByRole('button', { name: '保存草稿' }).click();
    await page.waitForURL(/\/entries\/\d+$/);
    await page.getByRole('heading', { level: 1, name: '人口基础信息' }).waitFor();
    await page.getByText('草稿', { exact: true }).first().waitFor();
    await page.getByRole('cell', { name: '公民身份号码' }).waitFor();
    const first = Number(page.url().match(/\/entries\/(\d+)$/)[1]);

    // The template, downloaded through the page, filled with twenty entries.
    await page.goto(server.url + '/entries');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '下载导入模板' }).click()]);
    const template = readFileSync(await download.path());
    const files = unzip(template);
    const entries = Array.from({ length: 20 }, (_, i) => ({
      key: String(i + 1),
      name: i % 2 ? `社保缴费记录第${i + 1}批` : `企业登记信息第${i + 1}批`,
      summary: '按月归集的业务数据',
      'classification.category': '3',
      'classification.subcategory': '01',
      'classification.group': String(100 + i),
      format: '电子表格',
      update_cycle: '每月',
      share_type: '无条件共享',
      open_type: '不予开放',
      open_conditions: '涉及商业秘密',
      grade: '一般数据',
    }));
    const items = entries.flatMap((e) => [
      { entry_key: e.key, name: '统一社会信用代码', type: 'C', length: '18', sensitivity: '1', key: '是' },
      { entry_key: e.key, name: '缴费金额', type: 'Y', length: '12', sensitivity: '2' },
    ]);
    fillSheet(files, '资源', rowsFor(headers(unzip(template), '资源'), entries));
    fillSheet(files, '信息项', rowsFor(headers(unzip(template), '信息项'), items));
    const good = join(dir, 'twenty.xlsx');
    writeFileSync(good, zip(files));

    // A file with errors first: its cells are listed, nothing is created.
    const badFiles = unzip(template);
    const bad = entries.slice(0, 2).map((e) => ({ ...e }));
    bad[0]['classification.category'] = '9';
    bad[1].name = '';
    fillSheet(badFiles, '资源', rowsFor(headers(badFiles, '资源'), bad));
    fillSheet(badFiles, '信息项', rowsFor(headers(badFiles, '信息项'), items.slice(0, 4)));
    const badPath = join(dir, 'bad.xlsx');
    writeFileSync(badPath, zip(badFiles));
    await page.locator('input[type=file]').setInputFiles(badPath);
    const errors = page.getByRole('table', { name: '导入错误' });
    await errors.waitFor();
    const cells = await errors.locator('tbody tr').allInnerTexts();
    assert.ok(cells.length >= 2, `error rows: ${cells}`);
    assert.ok(cells.some((r) => /资源\s+2\s+D\s+/.test(r)), `no error at 资源 row 2 column D: ${JSON.stringify(cells)}`);
    assert.ok(cells.some((r) => /资源\s+3\s+B\s+/.test(r)), `no error at 资源 row 3 column B: ${JSON.stringify(cells)}`);
    await checked(page, 'import errors');
    await shot(page, 'catalog-import-errors-zh');

    await page.locator('input[type=file]').setInputFiles(good);
    await page.getByText('已导入 20 条目录项').waitFor();
    await page.getByText('共 21 条').waitFor();
    await checked(page, 'catalog with entries');
    await shot(page, 'catalog-list-zh');

    // Search: one character, two characters.
    const search = page.getByRole('searchbox', { name: '搜索目录' }).or(page.getByLabel('搜索目录'));
    await search.fill('人');
    await search.press('Enter');
    await page.getByText('共 1 条').waitFor();
    await page.getByRole('link', { name: '人口基础信息' }).waitFor();
    await search.fill('社保');
    await search.press('Enter');
    await page.getByText('共 10 条').waitFor();
    await page.getByRole('link', { name: '社保缴费记录第2批' }).waitFor();
    await shot(page, 'catalog-search-zh');

    // Submit the entry written in the editor.
    await page.goto(server.url + `/entries/${first}`);
    await page.getByRole('button', { name: '提交审核' }).click();
    await page.getByText('审核中', { exact: true }).first().waitFor();
    await page.getByText('办理期限').waitFor();
    await checked(page, 'entry in review');

    // A returned entry: the reviewer's comment and its fix deadline as the API counts it.
    const list = await api(server, 'GET', '/api/v1/catalog?q=' + encodeURIComponent('企业登记信息第1批'), { token: officer });
    const returned = list.items[0];
    await api(server, 'POST', `/api/v1/catalog/${returned.id}/submit`, { token: officer });
    await api(server, 'POST', `/api/v1/catalog/${returned.id}/review`, { token: reviewer, body: { decision: 'return', comment: '请补充共享方式' } });
    const tasks = await api(server, 'GET', '/api/v1/tasks', { token: officer });
    const task = tasks.items.find((x) => x.instance.subject_id === String(returned.id));
    await page.goto(server.url + `/entries/${returned.id}`);
    await page.getByTestId('review-comment').getByText('请补充共享方式').waitFor();
    const deadline = page.getByTestId('deadline');
    await deadline.getByText(task.instance.due).waitFor();
    await deadline.getByText(`还剩 ${task.working_days_left} 个工作日`).or(deadline.getByText('今天到期')).waitFor();
    await checked(page, 'returned entry');
    await shot(page, 'catalog-returned-zh');

    // Published, then changed: the versions side by side.
    await api(server, 'POST', `/api/v1/catalog/${first}/review`, { token: reviewer, body: { decision: 'approve' } });
    await page.goto(server.url + `/entries/${first}`);
    await page.getByRole('button', { name: '申请变更' }).click();
    await page.getByText('变更将形成新版本').waitFor();
    await page.getByLabel('资源名称').fill('人口基础信息（含常住人口）');
    await page.getByLabel('共享方式').first().fill('接口');
    await page.getByRole('button', { name: '保存并提交审核' }).click();
    await page.waitForURL(new RegExp(`/entries/${first}$`));
    await page.getByRole('tab', { name: /版本/ }).click();
    const compare = page.getByRole('table', { name: '版本对比' });
    await compare.getByRole('row').filter({ hasText: '人口基础信息（含常住人口）' }).filter({ hasText: '资源名称' }).waitFor();
    await compare.getByRole('row').filter({ hasText: '共享方式' }).getByText('接口').waitFor();
    await checked(page, 'versions');
    await shot(page, 'catalog-versions-zh');

    // A revocation, asked with its reason.
    await api(server, 'POST', `/api/v1/catalog/${first}/review`, { token: reviewer, body: { decision: 'approve' } });
    await page.goto(server.url + `/entries/${first}`);
    await page.getByRole('button', { name: '申请撤销' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: '提交撤销申请' }).click();
    await dialog.getByText('必填').waitFor();
    await dialog.getByLabel('撤销理由').fill('该业务已并入全省统一系统');
    await shot(page, 'catalog-revoke-zh');
    await dialog.getByRole('button', { name: '提交撤销申请' }).click();
    await page.getByText('已提交撤销申请').waitFor();
    await page.getByText('目录撤销').first().waitFor();

    // The same screens in English.
    await page.evaluate(() => localStorage.setItem('govdata.lang', 'en'));
    await page.goto(server.url + '/entries');
    await page.getByRole('heading', { level: 1, name: 'Catalog entries' }).or(page.getByRole('heading', { level: 1 })).first().waitFor();
    await page.getByText('Total: 22').or(page.getByText('Total: 21')).waitFor();
    await checked(page, 'catalog (en)');
    await shot(page, 'catalog-list-en');
    await page.goto(server.url + '/entries/new');
    await page.getByRole('button', { name: 'Save draft' }).waitFor();
    await shot(page, 'catalog-editor-en');
    await page.goto(server.url + `/entries/${returned.id}`);
    await page.getByTestId('review-comment').waitFor();
    await shot(page, 'catalog-returned-en');
    await page.goto(server.url + `/entries/${first}`);
    await page.getByRole('tab', { name: /Versions/ }).click();
    await page.getByRole('table', { name: 'Compare versions' }).waitFor();
    await checked(page, 'versions (en)');
    await shot(page, 'catalog-versions-en');
    await page.evaluate(() => localStorage.removeItem('govdata.lang'));
    await page.context().close();
  });
});
