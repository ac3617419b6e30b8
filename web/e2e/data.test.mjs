// 挂接数据 as a department's officer works it (issue 14, screen 5; AGG-1…6):
// a published entry's dataset; a CSV with one bad row uploaded by keyboard
// alone, its progress and quality report, the rejected rows downloaded, the
// row fixed and the file accepted; the rows, one found by its key, and its
// history; a large upload cancelled while it runs (the browser's upload
// throttled so that it is still running when the cancel comes); an HTTP
// source the test serves, checked (its columns, the item none supplies),
// mapped and pulled; a maintenance request filed, approved by the bureau
// and carried out by the officer on the request's page. Screens in zh and en.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { api, browserMissing, checked, fuzhou, launch, newPage, shot, signIn, startServer } from './harness.mjs';

const skip = browserMissing() || false;
const password = 'Staff#2026-pass';

/** tabTo presses Tab until the focused element matches, as a keyboard user would. */
async function tabTo(page, matches, what) {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(matches)) return;
  }
  throw new Error(`Tab never reached ${what}`);
}

const id = (n) => `35010219800101${String(n).padStart(4, '0')}`;
const csv = (rows) => '证件号,姓名,人数\n' + rows.map((r) => r.join(',')).join('\n') + '\n';

describe('data (officer)', { skip }, () => {
  let server;
  let browser;
  let officer;
  let reviewer;
  let entry;
  let provider;
  let providerRows;
  const dir = mkdtempSync(join(tmpdir(), 'govdata-data-'));
  before(async () => {
    // Sources may reach this host: the test serves the provider's endpoint.
    server = await startServer(['--source-deny', '']);
    browser = await launch();
    ({ officer, reviewer } = await fuzhou(server, password, { officer: 'zhuanyuan' }));
    entry = await api(server, 'POST', '/api/v1/catalog', {
      token: officer,
      body: {
        name: '户籍人口统计',
        summary: '按身份证号归集的户籍人口统计',
        format: '数据库',
        update_cycle: 'monthly',
        classification: { category: '3', subcategory: '01', group: '002' },
        share_type: 'unconditional',
        open_type: 'not_open', open_conditions: '涉及个人信息，不予开放',
        grade: 'general',
        items: [
          { name: '证件号', type: 'C', length: 18, sensitivity: 1, key: true },
          { name: '姓名', type: 'C', length: 20, sensitivity: 1, rules: { required: true } },
          { name: '人数', type: 'N', length: 10, sensitivity: 1 },
        ],
      },
    });
    await api(server, 'POST', `/api/v1/catalog/${entry.id}/submit`, { token: officer });
    await api(server, 'POST', `/api/v1/catalog/${entry.id}/review`, { token: reviewer, body: { decision: 'approve' } });

    // The provider's endpoint: its count column is named num.
    providerRows = [
      { 证件号: id(1), 姓名: '张三', num: 4 },
      { 证件号: id(2), 姓名: '李四', num: 5 },
      { 证件号: id(7), 姓名: '赵六', num: 2 },
    ];
    provider = createServer((req, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ rows: providerRows }));
    });
    await new Promise((r) => provider.listen(0, '127.0.0.1', r));
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    provider?.close();
  });

  test('an officer uploads, reads the report, fixes, browses rows, cancels, sets a source, files maintenance', async () => {
    const page = await newPage(browser);
    await page.goto(server.url + '/');
    await signIn(page, 'zhuanyuan', password);
    await page.waitForURL(/\/tasks$/);

    // 挂接数据 from the menu: the published entry, no data yet.
    const menu = page.getByRole('navigation', { name: '主菜单' });
    const group = menu.locator('.ant-menu-submenu-title').filter({ hasText: '数据归集' });
    if ((await group.getAttribute('aria-expanded')) !== 'true') await group.click();
    await menu.getByRole('link', { name: '挂接数据', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: '挂接数据' }).waitFor();
    const list = page.getByRole('table', { name: '挂接数据' });
    await list.getByRole('link', { name: '户籍人口统计' }).waitFor();
    await list.getByText('尚未归集').waitFor();
    await checked(page, 'datasets');
    await shot(page, 'data-list-zh');

    // The upload by keyboard alone: choose the file, start, download the rejected rows.
    const bad = join(dir, '人口-有误.csv');
    writeFileSync(bad, csv([[id(1), '张三', 3], [id(2), '李四', '很多'], [id(3), '王五', 2]]));
    await page.goto(server.url + `/data/${entry.id}?tab=upload`);
    await page.getByRole('heading', { level: 1, name: '户籍人口统计' }).waitFor();
    await page.getByText('点击选择文件').waitFor();
    await checked(page, 'upload tab');
    await shot(page, 'data-upload-zh');
    // Listening for the chooser first: the browser is told to hand it over before it opens.
    const choosing = page.waitForEvent('filechooser');
    await tabTo(page, () => document.activeElement?.getAttribute('role') === 'button' && document.activeElement.classList.contains('ant-upload'), 'the file chooser');
    await page.keyboard.press('Enter');
    const chooser = await choosing;
    await chooser.setFiles(bad);
    await page.getByText('已选择：人口-有误.csv').waitFor();
    await tabTo(page, () => document.activeElement?.textContent?.includes('开始上传'), 'the start button');
    await page.keyboard.press('Enter');
    const result = page.getByTestId('upload-result');
    await result.getByText('有 1 行未通过校验，整批拒收').waitFor();
    const violations = page.getByRole('table', { name: '问题明细' });
    await violations.getByRole('row').filter({ hasText: '人数' }).filter({ hasText: '类型不符' }).waitFor();
    await checked(page, 'upload report');
    await shot(page, 'data-report-zh');
    await tabTo(page, () => document.activeElement?.textContent?.includes('下载问题数据'), 'the rejected rows');
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    const rejected = readFileSync(await download.path(), 'utf8');
    assert.match(rejected, /很多/, `rejected rows: ${rejected}`);
    assert.match(rejected, /类型不符/, `rejected rows: ${rejected}`);

    // The row fixed, the file uploaded again: accepted whole.
    const good = join(dir, '人口.csv');
    writeFileSync(good, csv([[id(1), '张三', 3], [id(2), '李四', 5], [id(3), '王五', 2]]));
    await page.locator('input[type=file]').setInputFiles(good);
    await page.getByText('已选择：人口.csv').waitFor();
    await page.getByRole('button', { name: '开始上传' }).click();
    await result.getByText('已写入 3 行').waitFor();
    await page.getByTestId('dataset-state').getByText('共 3 行').waitFor();
    // One row changes: its earlier version goes to the history.
    const change = join(dir, '人口-更正.csv');
    writeFileSync(change, csv([[id(1), '张三', 4]]));
    await page.locator('input[type=file]').setInputFiles(change);
    await page.getByText('已选择：人口-更正.csv').waitFor();
    await page.getByRole('button', { name: '开始上传' }).click();
    await result.getByText('已写入 1 行').waitFor();

    // The rows: one found by its key, and its history.
    await page.getByRole('tab', { name: '数据', exact: true }).click();
    const rows = page.getByRole('table', { name: '数据' });
    await rows.getByRole('cell', { name: '王五' }).waitFor();
    await page.getByLabel('查询值').fill(id(1));
    await page.getByRole('button', { name: '查询' }).click();
    await rows.getByRole('cell', { name: '王五' }).waitFor({ state: 'detached' });
    await rows.getByRole('row').filter({ hasText: '张三' }).getByRole('button', { name: '历史版本' }).click();
    const history = page.getByRole('dialog');
    await history.getByRole('table', { name: '历史版本' }).getByRole('row').filter({ hasText: '张三' }).filter({ hasText: '修改' }).waitFor();
    await checked(page, 'row history');
    await shot(page, 'data-history-zh');
    await history.getByRole('button', { name: '关闭' }).click();

    // The batches: provenance and a report.
    await page.getByRole('tab', { name: '批次', exact: true }).click();
    const batches = page.getByRole('table', { name: '批次' });
    await batches.getByRole('row').filter({ hasText: '人口-有误.csv' }).getByText('已拒收').waitFor();
    await batches.getByRole('row').filter({ hasText: '人口-更正.csv' }).getByText('已写入').waitFor();
    await checked(page, 'batches');
    await shot(page, 'data-batches-zh');
    await batches.getByRole('row').filter({ hasText: '人口-有误.csv' }).getByRole('link').click();
    await page.getByRole('heading', { level: 1, name: /^批次 \d+$/ }).waitFor();
    await page.getByRole('table', { name: '问题明细' }).getByText('类型不符').waitFor();
    await checked(page, 'batch page');
    await shot(page, 'data-batch-zh');

    // A large upload, cancelled while it runs: the browser sends it slowly.
    const big = join(dir, '人口-全量.csv');
    writeFileSync(big, csv(Array.from({ length: 30000 }, (_, i) => [id(100 + i), '某某', i % 9])));
    await page.goto(server.url + `/data/${entry.id}?tab=upload`);
    await page.locator('input[type=file]').setInputFiles(big);
    await page.getByText('已选择：人口-全量.csv').waitFor();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 64 * 1024 });
    await page.getByRole('button', { name: '开始上传' }).click();
    const progress = page.getByTestId('batch-progress');
    await progress.getByText(/^批次 \d+$/).waitFor();
    await progress.getByRole('progressbar').waitFor();
    await shot(page, 'data-progress-zh');
    await progress.getByRole('button', { name: '取消本批次' }).click();
    await result.getByText('批次已取消，未写入任何数据').waitFor({ timeout: 20_000 });
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await page.getByTestId('dataset-state').getByText('共 3 行').waitFor();

    // A source: the provider's endpoint, checked, its column mapped, pulled.
    await page.getByRole('tab', { name: '数据源' }).click();
    await page.getByText('尚未配置数据源').waitFor();
    await page.getByLabel('地址').fill(`http://127.0.0.1:${provider.address().port}/rows`);
    await page.getByRole('button', { name: '保存数据源' }).click();
    await page.getByText('数据源已保存').waitFor();
    await page.getByRole('button', { name: '检查连接' }).click();
    const check = page.getByTestId('source-check');
    await check.getByText('连接成功').waitFor();
    await check.getByText('读取样例 3 行').waitFor();
    await checked(page, 'source check');
    await shot(page, 'data-source-zh');
    // Its count column has another name: mapped, then pulled.
    await page.getByLabel('人数 对应的来源字段').fill('num');
    await page.getByRole('button', { name: '保存数据源' }).click();
    await page.getByText('数据源已保存').last().waitFor();
    await page.getByRole('button', { name: '立即拉取' }).click();
    await page.getByTestId('run-result').getByText('已写入 3 行').waitFor();
    await page.getByText('最近拉取').waitFor();
    const pulled = await api(server, 'GET', `/api/v1/catalog/${entry.id}/rows?where=${encodeURIComponent('证件号:' + id(7))}`, { token: officer });
    assert.equal(pulled.items[0].values['人数'], '2');
    await page.getByTestId('dataset-state').getByText('共 3 行').waitFor();

    // Maintenance: a change of one row, selected by its key.
    await page.getByRole('tab', { name: '数据维护' }).click();
    await page.getByRole('button', { name: '申请数据维护' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: '提交申请' }).click();
    await dialog.getByText('必填').first().waitFor();
    await dialog.getByLabel('理由').fill('户籍迁入后人数有误，按派出所核实结果更正');
    await dialog.getByLabel('第 1 项修改 条件 1 值').fill(id(7));
    await dialog.getByLabel('第 1 项修改 新值 1 信息项').click();
    await page.locator('.ant-select-item-option').filter({ hasText: '人数' }).click();
    await dialog.getByLabel('第 1 项修改 新值 1', { exact: true }).fill('3');
    await checked(page, 'maintenance form');
    await shot(page, 'data-maintenance-form-zh');
    await dialog.getByRole('button', { name: '提交申请' }).click();
    await page.getByText(/已提交数据维护申请 \d+/).waitFor();
    const requests = page.getByRole('table', { name: '数据维护' });
    await requests.getByRole('row').filter({ hasText: '户籍迁入后人数有误' }).getByText('办理中').waitFor();
    await checked(page, 'maintenance list');
    await requests.getByRole('link', { name: /^申请 \d+$/ }).click();
    await page.getByRole('heading', { level: 1, name: /^数据维护申请 \d+$/ }).waitFor();
    const request = Number(page.url().match(/\/data\/maintenance\/(\d+)$/)[1]);
    await page.getByText('主管部门审批维护申请').waitFor();
    assert.equal(await page.getByRole('button', { name: '实施修改' }).count(), 0, 'the approval is the bureau’s, not the officer’s');
    await checked(page, 'maintenance request');
    await shot(page, 'data-maintenance-zh');

    // The bureau approves; the officer makes the change on the request's page.
    await api(server, 'POST', `/api/v1/maintenance/${request}/decide`, { token: reviewer, body: { action: 'approve' } });
    await page.reload();
    await page.getByText('待您办理：数据提供部门实施修改').waitFor();
    await page.getByTestId('deadline').waitFor();
    await shot(page, 'data-maintenance-change-zh');
    await page.getByRole('button', { name: '实施修改' }).click();
    await page.getByText('已办理').waitFor();
    await page.getByRole('table', { name: '办理记录' }).getByRole('row').filter({ hasText: '实施修改' }).waitFor();
    await page.getByText('修改批次').waitFor();
    await checked(page, 'maintenance changed');
    const changed = await api(server, 'GET', `/api/v1/catalog/${entry.id}/rows?where=${encodeURIComponent('证件号:' + id(7))}`, { token: officer });
    assert.equal(changed.items[0].values['人数'], '3');

    // The same screens in English.
    await page.evaluate(() => localStorage.setItem('govdata.lang', 'en'));
    await page.goto(server.url + '/data');
    await page.getByRole('heading', { level: 1, name: 'Mounted data' }).waitFor();
    await page.getByRole('table', { name: 'Mounted data' }).getByRole('link', { name: '户籍人口统计' }).waitFor();
    await checked(page, 'datasets (en)');
    await shot(page, 'data-list-en');
    await page.goto(server.url + `/data/${entry.id}?tab=upload`);
    await page.getByText('Click to choose a file').waitFor();
    await page.locator('input[type=file]').setInputFiles(bad);
    await page.getByRole('button', { name: 'Start upload' }).click();
    await page.getByTestId('upload-result').getByText('1 rows failed the checks').waitFor();
    await checked(page, 'upload report (en)');
    await shot(page, 'data-report-en');
    await page.getByRole('tab', { name: 'Batches' }).click();
    await page.getByRole('table', { name: 'Batches' }).getByText('Cancelled').waitFor();
    await checked(page, 'batches (en)');
    await shot(page, 'data-batches-en');
    await page.getByRole('tab', { name: 'Source' }).click();
    await page.getByText('Current source').waitFor();
    await checked(page, 'source (en)');
    await shot(page, 'data-source-en');
    await page.goto(server.url + `/data/maintenance/${request}`);
    await page.getByRole('heading', { level: 1, name: /^Maintenance request \d+$/ }).waitFor();
    await checked(page, 'maintenance request (en)');
    await shot(page, 'data-maintenance-en');
    await page.evaluate(() => localStorage.removeItem('govdata.lang'));
    await page.context().close();
  });
});
