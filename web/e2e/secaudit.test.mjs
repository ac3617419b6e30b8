// The secadmin, the auditor and any signed-in user at their own screens
// (issue 15, screens 5, 6, 7), in the demo world (govdata demo: a grant
// with a bound system credential, sealed sensitive items, an audit log):
//   - the secadmin changes the mask of a level and sees the server's
//     preview change before saving, is refused an unknown item with the
//     server's message, saves; looks up an export's trace mark; opens the
//     data keys' status (SHR-5, SEC-5, SEC-2);
//   - the auditor filters the audit log by action and result, opens a
//     record, verifies the chain and exports a checkpoint (SEC-1);
//   - a user sets its e-mail, is refused a weak password with the policy's
//     message in Chinese, changes it, and ends another of its sessions by
//     the keyboard alone: that session's token then gets 401 (ORG-3, ORG-4).
// Screens in zh and en at 1366×768.
//
// The export trace is written into the store with sqlite3, as the data
// service writes it on a signed export: the demo's grant serves by API,
// not by file, and the trace page reads the stored row whoever made it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { api, browserMissing, checked, demoPassword, demoServer, launch, newPage, pressTabTo, shot, signInTo, sql } from './harness.mjs';

const skip = browserMissing() || false;
const trace = 'GD-E2ETRACE7Q3K';

async function login(server, username, password = demoPassword) {
  const s = await api(server, 'POST', '/api/v1/auth/login', { body: { username, password } });
  return s.token;
}

async function signIn(page, server, username, password = demoPassword) {
  await page.goto(server.url + '/');
  await signInTo(page, username, password);
}

/** open goes to a console page and waits for its heading. */
async function open(page, server, path, heading) {
  await page.goto(server.url + path);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

describe('security, audit, account', { skip }, () => {
  let server;
  let browser;
  let grant;
  before(async () => {
    server = await demoServer();
    browser = await launch();
    // An export's trace, as the data service records it (see above).
    grant = JSON.parse(
      sql(
        server,
        `SELECT json_object('grant', g.id, 'credential', gc.credential_id, 'department', g.consumer_department_id, 'entry', g.entry_id)
         FROM grants g JOIN grant_credentials gc ON gc.grant_id = g.id ORDER BY g.id LIMIT 1`,
      ),
    );
    sql(
      server,
      `INSERT INTO export_traces (trace, grant_id, credential_id, consumer_department_id, entry_id, format, items, row_count, at)
       VALUES ('${trace}', ${grant.grant}, ${grant.credential}, ${grant.department}, ${grant.entry}, 'csv', '["公民身份号码","姓名"]', 1234, ${Date.now() * 1000})`,
    );
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the secadmin previews and saves a mask, traces an export, reads the key status', async () => {
    const page = await newPage(browser);
    await signIn(page, server, 'security');
    // From the menu, as a person would.
    await page.getByRole('menuitem', { name: '安全管理' }).click();
    await page.getByRole('link', { name: '脱敏策略' }).click();
    await page.getByRole('heading', { level: 1, name: '脱敏策略' }).waitFor();

    // Level 3 keeps the first and last character by default: 张三丰 → 张*丰, as the server masks it.
    const preview3 = page.getByTestId('preview-level:3');
    await preview3.getByText('张*丰').waitFor();
    await checked(page, 'masking');
    await shot(page, 'secaudit-masking-zh');

    // Redact level 3: the preview changes before anything is saved.
    await page.getByRole('combobox', { name: '3 级（敏感）的脱敏方式' }).click();
    await page.locator('.ant-select-item-option').filter({ hasText: '全部遮盖' }).click();
    await preview3.getByText('***', { exact: true }).waitFor();
    await page.getByText('有尚未保存的修改').waitFor();
    let saved = await api(server, 'GET', '/api/v1/masking', { token: await login(server, 'security') });
    assert.equal(saved.levels['3'].kind, 'keep', 'nothing is saved by a preview');
    // The sample value is the secadmin's own: the preview follows it.
    await page.getByRole('textbox', { name: '3 级（敏感）的示例值' }).fill('福州');
    await preview3.getByText('**', { exact: true }).waitFor();

    // An item's own mask: its entry found by name, the item picked from
    // the entry's items; a mask the rules refuse (keep nothing at either
    // end) is refused with the server's message, in Chinese.
    const entryBox = page.getByRole('combobox', { name: '目录项' });
    await entryBox.fill('常住人口');
    await page.locator('.ant-select-item-option').filter({ hasText: '常住人口基本信息' }).click();
    await page.getByRole('combobox', { name: '信息项名称' }).click();
    await page.locator('.ant-select-item-option').filter({ hasText: /^姓名（\d 级）$/ }).click();
    await page.getByRole('button', { name: '添加信息项' }).click();
    const itemRow = page.getByRole('row', { name: /\d+\/姓名/ });
    await itemRow.waitFor();
    await itemRow.getByRole('combobox', { name: /\/姓名的脱敏方式$/ }).click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: '保留首尾' }).click();
    await itemRow.getByLabel('保留前几位').fill('0');
    await itemRow.getByLabel('保留后几位').fill('0');
    await page.getByRole('button', { name: '保存脱敏策略' }).click();
    await page.locator('.ant-alert-error').filter({ hasText: /[\u4e00-\u9fa5]/ }).first().waitFor();
    await page.locator('.ant-form-item-explain-error').filter({ hasText: /至少保留一端/ }).first().waitFor();
    // The preview names the refused mask on its row; the others keep theirs.
    await itemRow.getByTestId(/^preview-item:/).getByText(/至少保留一端/).waitFor();
    await page.getByTestId('preview-level:4').getByText(/^\*+$/).waitFor();
    await checked(page, 'masking refused');
    await shot(page, 'secaudit-masking-refused-zh');
    await itemRow.getByRole('button', { name: /^移除信息项 \d+\/姓名 的单独设置$/ }).click();

    await page.getByRole('button', { name: '保存脱敏策略' }).click();
    await page.getByText('脱敏策略已保存').waitFor();
    saved = await api(server, 'GET', '/api/v1/masking', { token: await login(server, 'security') });
    assert.equal(saved.levels['3'].kind, 'redact');
    await checked(page, 'masking saved');

    // The trace of a leaked file: whom it was made for.
    await page.getByRole('link', { name: '导出追溯' }).click();
    await page.getByRole('heading', { level: 1, name: '导出追溯' }).waitFor();
    await page.getByRole('searchbox', { name: '追溯标记' }).or(page.getByRole('textbox', { name: '追溯标记' })).fill('GD-NOSUCHMARK');
    await page.keyboard.press('Enter');
    await page.locator('.ant-alert-error').filter({ hasText: /[\u4e00-\u9fa5]/ }).waitFor();
    await page.getByRole('searchbox', { name: '追溯标记' }).or(page.getByRole('textbox', { name: '追溯标记' })).fill(trace);
    await page.keyboard.press('Enter');
    const dept = await api(server, 'GET', `/api/v1/departments/${grant.department}`, { token: await login(server, 'security') });
    const result = page.getByLabel('追溯结果');
    await result.getByText(dept.name).waitFor();
    await result.getByText(`授权 #${grant.grant}`).waitFor();
    await result.getByText(`社会保险经办系统 (#${grant.credential})`).waitFor();
    await result.getByText('1,234').waitFor();
    await checked(page, 'trace');
    await shot(page, 'secaudit-trace-zh');

    // The data keys: algorithm, versions, sealed values; no key material.
    await page.getByRole('link', { name: '密钥状态' }).click();
    await page.getByRole('heading', { level: 1, name: '密钥状态' }).waitFor();
    await page.getByLabel('数据密钥概况').getByText('sm4-gcm').waitFor();
    await page.getByRole('table', { name: '密钥版本' }).getByText('当前').waitFor();
    await page.getByText('所有加密值均已使用当前版本密钥。').waitFor();
    const status = await api(server, 'GET', '/api/v1/keys', { token: await login(server, 'security') });
    assert.ok(status.sealed_values > 0, 'the demo seals its sensitive items');
    await page.getByLabel('数据密钥概况').getByText(new Intl.NumberFormat('en-US').format(status.sealed_values)).first().waitFor();
    await checked(page, 'keys');
    await shot(page, 'secaudit-keys-zh');
    await page.context().close();
  });

  test('the auditor filters the log, opens a record, verifies the chain, exports a checkpoint', async () => {
    const page = await newPage(browser);
    await signIn(page, server, 'auditor');
    await page.getByRole('menuitem', { name: '安全审计' }).click();
    await page.getByRole('link', { name: '审计日志' }).click();
    await page.getByRole('heading', { level: 1, name: '审计日志' }).waitFor();
    const table = page.getByRole('table', { name: '审计日志' });
    await table.locator('tbody tr.ant-table-row').first().waitFor();

    // A refused login to find among the successful ones.
    await api(server, 'POST', '/api/v1/auth/login', { body: { username: 'reviewer', password: 'Wrong#pass-2026' } }).catch(() => {});
    await page.getByLabel('操作', { exact: true }).fill('auth.login');
    await page.getByRole('combobox', { name: '结果' }).click();
    await page.locator('.ant-select-item-option').filter({ hasText: '失败' }).click();
    await page.getByRole('button', { name: '查询' }).click();
    await table.getByText('reviewer').first().waitFor();
    const actions = await table.locator('tbody tr.ant-table-row td:nth-child(4)').allTextContents();
    assert.ok(actions.length > 0 && actions.every((a) => a === 'auth.login'), `actions ${actions}`);
    const results = await table.locator('tbody tr.ant-table-row td:nth-child(6)').allTextContents();
    assert.ok(results.every((r) => r === '失败'), `results ${results}`);
    await checked(page, 'audit log filtered');
    await shot(page, 'secaudit-audit-zh');

    // One record in the drawer.
    await table.getByRole('button', { name: /^查看第 \d+ 条记录$/ }).first().click();
    const drawer = page.getByRole('dialog');
    await drawer.getByText(/^审计记录 #\d+$/).waitFor();
    await drawer.getByText('wrong password').waitFor();
    await checked(page, 'audit record');
    await shot(page, 'secaudit-audit-record-zh');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });

    // The chain holds.
    await page.getByRole('button', { name: '链校验' }).click();
    await page.getByRole('dialog').getByText('审计链完整').waitFor();
    await page.getByRole('dialog').getByText(/共校验 [\d,]+ 条记录，算法 sm3/).waitFor();
    await checked(page, 'chain verified');
    await shot(page, 'secaudit-audit-verify-zh');
    await page.locator('.ant-modal-footer').getByRole('button', { name: '关闭' }).click();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });

    // A checkpoint, downloaded, with how to check it later.
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: '导出检查点' }).click();
    const file = await download;
    assert.match(file.suggestedFilename(), /^govdata-checkpoint-\d+\.json$/);
    const cp = JSON.parse(readFileSync(await file.path(), 'utf8'));
    assert.ok(cp.seq > 0 && cp.signature && cp.public_key && cp.hash, `checkpoint ${JSON.stringify(cp)}`);
    await page.getByRole('dialog').getByText(`govdata audit verify --checkpoint ${file.suggestedFilename()}`).waitFor();
    await checked(page, 'checkpoint');
    await shot(page, 'secaudit-audit-checkpoint-zh');
    await page.context().close();
  });

  test('a user sets its e-mail and password and ends another session, that by keyboard', async () => {
    const page = await newPage(browser);
    await signIn(page, server, 'hrss.officer');
    // From the header's user menu.
    await page.getByRole('button', { name: /· 账号$/ }).click();
    await page.getByRole('menuitem', { name: '个人账号' }).click();
    await page.getByRole('heading', { level: 1, name: '个人账号' }).waitFor();
    await page.getByText('黄晓燕').first().waitFor();
    await page.getByText('数据专员').first().waitFor();

    await page.getByLabel('邮箱地址').fill('huang.xiaoyan@hrss.example.gov.cn');
    await page.getByRole('button', { name: '保存邮箱' }).click();
    await page.getByText('邮箱已保存').waitFor();
    const me = await api(server, 'GET', '/api/v1/auth/me', { token: await login(server, 'hrss.officer') });
    assert.equal(me.email, 'huang.xiaoyan@hrss.example.gov.cn');

    // A weak password: the policy's own message, in Chinese, under the field.
    await page.getByLabel('原密码').fill(demoPassword);
    await page.getByLabel('新密码', { exact: true }).fill('short');
    await page.getByLabel('确认新密码').fill('short');
    await page.getByRole('button', { name: '修改密码' }).click();
    await page.locator('.ant-form-item-explain-error').filter({ hasText: /^密码至少 \d+ 位$/ }).waitFor();
    await checked(page, 'weak password refused');
    await shot(page, 'secaudit-account-weak-zh');
    const changed = 'Hrss#Officer-2026';
    await page.getByLabel('新密码', { exact: true }).fill(changed);
    await page.getByLabel('确认新密码').fill(changed);
    await page.getByRole('button', { name: '修改密码' }).click();
    await page.getByText('密码已修改，其他会话已结束').waitFor();

    // Another session of the same user, elsewhere; ended from here by the keyboard alone.
    const elsewhere = await login(server, 'hrss.officer', changed);
    await api(server, 'GET', '/api/v1/auth/me', { token: elsewhere });
    await page.getByRole('button', { name: '刷新' }).focus();
    await page.keyboard.press('Enter');
    const sessions = page.getByRole('table', { name: '登录会话' });
    await sessions.getByRole('button', { name: /^结束会话：.* 登录$/ }).first().waitFor();
    assert.equal(await sessions.getByText('当前会话').count(), 1);
    await checked(page, 'account');
    await shot(page, 'secaudit-account-zh');
    await pressTabTo(page, /^结束会话：.* 登录\|/);
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').getByText('结束会话', { exact: true }).waitFor();
    await pressTabTo(page, /\|结束该会话$/);
    await page.keyboard.press('Enter');
    await page.getByText('会话已结束', { exact: true }).waitFor();
    await sessions.getByRole('button', { name: /^结束会话：.* 登录$/ }).waitFor({ state: 'detached' });
    const res = await fetch(server.url + '/api/v1/auth/me', { headers: { Authorization: `Bearer ${elsewhere}` } });
    assert.equal(res.status, 401, 'the ended session is refused');
    await checked(page, 'session ended');
    await page.context().close();
  });

  test('the screens in English', async () => {
    const page = await newPage(browser);
    await signIn(page, server, 'security');
    await page.evaluate(() => localStorage.setItem('govdata.lang', 'en'));
    for (const [path, heading, name] of [
      ['/security/masking', 'Masking policy', 'masking'],
      ['/security/traces', 'Export trace', 'trace'],
      ['/security/keys', 'Data keys', 'keys'],
      ['/account', 'My account', 'account'],
    ]) {
      await open(page, server, path, heading);
      await page.locator('.ant-spin-spinning').first().waitFor({ state: 'detached' });
      if (name === 'trace') {
        await page.getByRole('searchbox', { name: 'Trace mark' }).or(page.getByRole('textbox', { name: 'Trace mark' })).fill(trace);
        await page.keyboard.press('Enter');
        await page.getByLabel('Trace result').getByText(`Grant #${grant.grant}`).waitFor();
      }
      await checked(page, `${name} in English`);
      await shot(page, `secaudit-${name}-en`);
    }
    await page.context().close();
    const auditor = await newPage(browser);
    await signIn(auditor, server, 'auditor');
    await auditor.evaluate(() => localStorage.setItem('govdata.lang', 'en'));
    await open(auditor, server, '/audit', 'Audit log');
    await auditor.getByRole('table', { name: 'Audit log' }).locator('tbody tr.ant-table-row').first().waitFor();
    await auditor.locator('.ant-spin-spinning').first().waitFor({ state: 'detached' });
    await checked(auditor, 'audit in English');
    await shot(auditor, 'secaudit-audit-en');
    await auditor.context().close();
  });
});
