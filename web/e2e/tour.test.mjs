// A tour of the whole console in the demo world (govdata demo): a
// department's officer, the bureau's reviewer, a department's leader, the
// sysadmin, the secadmin and the auditor each open every page of their menu
// and the main detail pages (an entry, a dataset, an application, a grant), in
// Chinese and in English, at 1366×768. Each page is checked as the other
// browser tests check theirs (no CSP violation or script error, no serious
// axe-core finding, no raw message key) and photographed into GOVDATA_SHOTS.
// It runs only when GOVDATA_SHOTS is set:
//
//   GOVDATA_SHOTS=/work/shots/tour node --test e2e/tour.test.mjs
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { api, axeViolations, browserMissing, demoPassword, demoServer, launch, newPage, problems, settled, shot } from './harness.mjs';

const skip = process.env.GOVDATA_SHOTS ? browserMissing() || false : 'GOVDATA_SHOTS is not set: no tour';
const password = demoPassword;
const messages = JSON.parse(readFileSync(new URL('../src/locales/zh.json', import.meta.url), 'utf8'));

/** uscc completes a unified social credit code with its check character (GB 32100-2015). */
function uscc(first17) {
  const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  const sum = [...first17].reduce((n, c, i) => n + chars.indexOf(c) * weights[i], 0);
  return first17 + chars[(31 - (sum % 31)) % 31];
}

async function token(server, username) {
  const s = await api(server, 'POST', '/api/v1/auth/login', { body: { username, password } });
  return s.token;
}

/** settle waits until the page has drawn what it loads: a heading, no spinner, no request running. */
async function settle(page) {
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  await page.waitForLoadState('networkidle');
  await page.locator('.ant-spin-spinning, .ant-skeleton-active').first().waitFor({ state: 'detached' });
  await page.mouse.move(1360, 760);
}

describe('tour of the demo world', { skip }, () => {
  let server;
  let browser;
  const found = [];
  let ids;
  before(async () => {
    server = await demoServer();
    browser = await launch();
    const officer = await token(server, 'market.officer');
    const reviewer = await token(server, 'reviewer');
    const list = async (tok, q = '') => (await api(server, 'GET', `/api/v1/catalog${q}`, { token: tok })).items;
    const mine = await list(officer);
    const pick = (items, f) => items.find(f)?.id;
    ids = {
      published: pick(mine, (e) => e.status === 'published' && e.department_id === 3),
      returned: pick(mine, (e) => e.status === 'returned'),
      inReview: pick(await list(reviewer), (e) => e.status === 'in_review'),
    };
    // The demo's share applications and grant, and an entry of another
    // department the market's officer may apply for.
    const apps = (await api(server, 'GET', '/api/v1/applications', { token: reviewer })).items;
    ids.granted = pick(apps, (a) => a.state === 'approved');
    ids.waiting = pick(apps, (a) => a.state === 'open');
    ids.grant = (await api(server, 'GET', '/api/v1/grants', { token: reviewer })).items[0]?.id;
    // The consumer's own: another department's application or grant is a 404 to it.
    const consumer = await token(server, 'hrss.officer');
    ids.consumerApp = (await api(server, 'GET', '/api/v1/applications?side=applicant', { token: consumer })).items[0]?.id;
    ids.consumerGrant = (await api(server, 'GET', '/api/v1/grants?side=consumer', { token: consumer })).items[0]?.id;
    assert.ok(ids.consumerApp && ids.consumerGrant, 'the demo gives the HRSS officer an application and a grant');
    ids.foreign = pick(await list(officer, '?status=published'), (e) => e.department_id !== 3 && e.share_type !== 'not_shared');
    // A report with a rejected row, as an officer's first try often has.
    const entry = await api(server, 'GET', `/api/v1/catalog/${ids.published}`, { token: officer });
    const head = entry.items.map((i) => i.name).join(',');
    const row = (code, capital) => [code, '福州示例商贸有限公司', '有限责任公司', '陈示例', capital, '2020-05-01', '存续', '福州市鼓楼区示例路1号', '350102'].join(',');
    const dir = mkdtempSync(join(tmpdir(), 'govdata-tour-csv-'));
    const file = join(dir, '市场主体登记信息-补录.csv');
    writeFileSync(file, `${head}\n${row(uscc('91350102MA2TUR015'), '100')}\n${row(uscc('91350102MA2TUR026'), '很多')}\n`);
    ids.file = file;
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    if (found.length) console.log(found.join('\n'));
  });

  async function visit(page, role, lang, name, path, then) {
    await page.goto(server.url + path);
    await settle(page);
    if (then) {
      await then(page);
      await settle(page);
    }
    const text = await page.locator('body').innerText();
    const keys = text.match(/\b[a-z]+\.[a-z][A-Za-z]+\b/g)?.filter((k) => k in messages) ?? [];
    if (keys.length) found.push(`${role} ${lang} ${name}: raw keys ${keys.join(', ')}`);
    for (const p of await problems(page)) found.push(`${role} ${lang} ${name}: ${p}`);
    for (const v of await axeViolations(page)) found.push(`${role} ${lang} ${name}: ${v}`);
    await shot(page, `${role}-${name}-${lang}`);
  }

  async function tour(role, username, lang, pages) {
    const page = await newPage(browser, { locale: lang === 'zh' ? 'zh-CN' : 'en-US' });
    await page.context().addInitScript((l) => localStorage.setItem('govdata.lang', l), lang);
    await page.goto(server.url + '/signin');
    await page.getByLabel(lang === 'zh' ? '用户名' : 'Username').fill(username);
    await page.getByLabel(lang === 'zh' ? '密码' : 'Password', { exact: true }).fill(password);
    if (role === 'officer') await shot(page, `signin-${lang}`);
    await page.getByRole('button', { name: lang === 'zh' ? '登录' : 'Sign in' }).click();
    await page.waitForURL(/\/tasks$/);
    // Every item of the role's menu, in the menu's order.
    const menu = page.getByRole('navigation').getByRole('menu').first();
    await menu.waitFor();
    const closed = menu.locator('.ant-menu-submenu-title[aria-expanded="false"]');
    while ((await closed.count()) > 0) await closed.first().click();
    const items = await menu.locator('.ant-menu-item a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    for (const href of items) await visit(page, role, lang, href.slice(1).replaceAll('/', '_') || 'home', href);
    for (const [name, path, then] of pages) await visit(page, role, lang, name, path, then);
    await page.context().close();
  }

  for (const lang of ['zh', 'en']) {
    test(`officer (${lang})`, async () => {
      await tour('officer', 'market.officer', lang, [
        ['entry', `/entries/${ids.published}`],
        ['entry-versions', `/entries/${ids.published}`, (p) => p.getByRole('tab', { name: /版本|Versions/ }).click()],
        ['entry-returned', `/entries/${ids.returned}`],
        ['entry-edit', `/entries/${ids.returned}/edit`],
        ['entry-new', '/entries/new'],
        ['dataset-upload', `/data/${ids.published}?tab=upload`],
        [
          'dataset-report',
          `/data/${ids.published}?tab=upload`,
          async (p) => {
            await p.locator('input[type=file]').setInputFiles(ids.file);
            await p.getByRole('button', { name: /开始上传|Start upload/ }).click();
            await p.getByTestId('upload-result').getByRole('table').waitFor();
          },
        ],
        ['dataset-batches', `/data/${ids.published}?tab=batches`],
        ['dataset-rows', `/data/${ids.published}?tab=rows`],
        ['dataset-source', `/data/${ids.published}?tab=source`],
        ['dataset-maintenance', `/data/${ids.published}?tab=maintenance`],
        ['batch', '/data/batches/2'],
        ['apply', `/sharing/apply/${ids.foreign}`],
        ['account', '/account'],
      ]);
    });
    test(`consumer officer (${lang})`, async () => {
      await tour('consumer', 'hrss.officer', lang, [
        ['application', `/sharing/applications/${ids.consumerApp}`],
        ['grant', `/grants/${ids.consumerGrant}`],
      ]);
    });
    test(`reviewer (${lang})`, async () => {
      await tour('reviewer', 'reviewer', lang, [
        ['review-entry', `/entries/review/${ids.inReview}`],
        ['entry', `/entries/${ids.inReview}`],
        ['dataset', `/data/${ids.published}?tab=rows`],
        ['application-waiting', `/sharing/applications/${ids.waiting}`],
        ['grant', `/grants/${ids.grant}`],
      ]);
    });
    test(`leader (${lang})`, async () => {
      await tour('leader', 'hrss.leader', lang, [['entry', `/entries/${ids.inReview}`]]);
    });
    test(`admin (${lang})`, async () => {
      await tour('admin', 'admin', lang, []);
    });
    test(`secadmin (${lang})`, async () => {
      await tour('secadmin', 'security', lang, [['grant', `/grants/${ids.grant}`]]);
    });
    test(`auditor (${lang})`, async () => {
      await tour('auditor', 'auditor', lang, [['grant', `/grants/${ids.grant}`]]);
    });
  }

  // By keyboard alone: the main actions are reached with Tab, show a focus
  // ring, and a dialog keeps the focus inside until Escape gives it back.
  test('keyboard (officer)', async () => {
    const page = await newPage(browser);
    await page.goto(server.url + '/signin');
    await page.getByLabel('用户名').fill('market.officer');
    await page.getByLabel('密码', { exact: true }).fill(password);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/tasks$/);
    const focused = () => page.evaluate(() => (document.activeElement?.textContent ?? '').replace(/\s+/g, ''));
    const tabTo = async (name, back = false) => {
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
        if ((await focused()) === name) return;
      }
      throw new Error(`Tab never reached ${name}`);
    };
    const ring = () => page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);

    await page.goto(server.url + '/entries');
    await settle(page);
    await tabTo('新建目录项');
    assert.notEqual(await ring(), 'none', 'no focus ring on 新建目录项');
    await tabTo('导出');
    await tabTo('新建目录项', true);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/entries\/new$/);

    await page.goto(server.url + `/entries/${ids.published}`);
    await settle(page);
    await tabTo('申请撤销');
    assert.notEqual(await ring(), 'none', 'no focus ring on 申请撤销');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press(i < 8 ? 'Tab' : 'Shift+Tab');
      assert.ok(await page.evaluate(() => !!document.activeElement?.closest('[role=dialog]')), `Tab ${i + 1} left the dialog`);
    }
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await focused(), '申请撤销', 'the focus did not return to the button that opened the dialog');

    // The menu by keyboard: its items are reached and opened with Enter.
    await page.goto(server.url + '/tasks');
    await settle(page);
    await tabTo('我的待办');
    const arrowTo = async (name) => {
      for (let i = 0; i < 12; i++) {
        // The menu moves the focus a frame later: wait for it to move.
        await page.evaluate(() => (window.__was = document.activeElement));
        await page.keyboard.press('ArrowDown');
        await page.waitForFunction(() => document.activeElement !== window.__was);
        if ((await focused()) === name) return;
      }
      throw new Error(`the arrows never reached ${name} (at ${await focused()})`);
    };
    await arrowTo('数据归集');
    assert.notEqual(await ring(), 'none', 'no focus ring in the menu');
    await page.keyboard.press('Enter');
    await page.getByRole('navigation').getByRole('link', { name: '挂接数据' }).waitFor();
    await settled(page); // the group has finished opening
    await arrowTo('挂接数据');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/data$/);
    await page.context().close();
  });

  // The README's pictures (docs/screenshots), in Chinese: the catalog, a
  // change under review with its comparison, an upload's quality report,
  // 督办 with its chart, the profile's workflows.
  test('README screenshots', async () => {
    const officer = await token(server, 'market.officer');
    await api(server, 'PATCH', `/api/v1/catalog/${ids.published}`, {
      token: officer,
      body: { summary: '福州市登记的企业等市场主体的名称、类型、法定代表人、注册资本、成立日期、登记状态、住所和经营范围，依法向社会公示。', update_cycle: 'weekly' },
    });
    await api(server, 'POST', `/api/v1/catalog/${ids.published}/submit`, { token: officer }).catch(() => undefined);
    const as = async (username) => {
      const page = await newPage(browser);
      await page.setViewportSize({ width: 1366, height: 960 });
      await page.goto(server.url + '/signin');
      await page.getByLabel('用户名').fill(username);
      await page.getByLabel('密码', { exact: true }).fill(password);
      await page.getByRole('button', { name: '登录' }).click();
      await page.waitForURL(/\/tasks$/);
      return page;
    };
    const top = async (page, locator) => {
      await locator.evaluate((el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 72));
      await page.mouse.move(1360, 760);
      await settled(page);
    };

    const reviewer = await as('reviewer');
    await reviewer.goto(server.url + '/entries?scope=all');
    await settle(reviewer);
    const all = reviewer.getByText('全部可见目录');
    if (await all.count()) {
      await all.click();
      await settle(reviewer);
    }
    await settled(reviewer);
    await shot(reviewer, 'readme-catalog-zh');

    await reviewer.goto(server.url + `/entries/review/${ids.published}`);
    await settle(reviewer);
    await top(reviewer, reviewer.getByRole('tablist'));
    await shot(reviewer, 'readme-review-diff-zh');

    await reviewer.goto(server.url + '/supervision');
    await settle(reviewer);
    await reviewer.getByRole('img', { name: /按时办结率/ }).locator('svg, canvas').first().waitFor();
    await settled(reviewer);
    await shot(reviewer, 'readme-supervision-zh');

    await reviewer.goto(server.url + '/profile');
    await settle(reviewer);
    await top(reviewer, reviewer.getByRole('heading', { level: 2, name: /流程|审批/ }).first());
    await shot(reviewer, 'readme-profile-zh');
    await reviewer.context().close();

    const page = await as('market.officer');
    await page.goto(server.url + `/data/${ids.published}?tab=upload`);
    await settle(page);
    await page.locator('input[type=file]').setInputFiles(ids.file);
    await page.getByRole('button', { name: '开始上传' }).click();
    const report = page.getByTestId('upload-result');
    await report.getByRole('table').waitFor();
    await top(page, report);
    await shot(page, 'readme-upload-report-zh');
    await page.context().close();
  });

  test('nothing found', () => {
    assert.deepEqual(found, []);
  });
});
