// The role × screen matrix, as http/matrix_test.go is the role × endpoint
// one: each role's menu shows exactly the screens it may use (PRODUCT.md
// §1, policy.go), every one of them opens without a refusal from the
// server, and a screen outside the menu opened by its address says "no
// permission" without asking the server. One account of each role in the
// demo world (govdata demo).
//
// The table is written out by hand on purpose: a change of who sees what
// must change this file, and a reviewer sees it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { browserMissing, demoPassword, demoServer, launch, newPage, problems } from './harness.mjs';

const skip = browserMissing() || false;

const everyone = ['/tasks', '/notifications', '/profile', '/entries'];

/** menus: the demo account of each role and the menu it must show, in order. */
const menus = {
  sysadmin: [
    'admin',
    [...everyone, '/opening/public-accounts', '/admin/users', '/admin/departments', '/admin/regions', '/admin/calendar', '/admin/webhooks'],
  ],
  secadmin: [
    'security',
    [
      ...everyone,
      '/grants',
      '/opening/grants',
      '/opening/public-accounts',
      '/admin/users',
      '/admin/calendar',
      '/security/credentials',
      '/security/masking',
      '/security/traces',
      '/security/keys',
    ],
  ],
  auditor: ['auditor', [...everyone, '/grants', '/opening/grants', '/security/traces', '/audit']],
  reviewer: [
    'reviewer',
    [...everyone, '/entries/review', '/data', '/sharing/applications', '/sharing/scenarios', '/grants', '/opening/applications', '/opening/grants', '/opening/withdrawals', '/opening/attributes', '/opening/public-accounts', '/supervision'],
  ],
  officer: [
    'police.officer',
    [...everyone, '/data', '/sharing/applications', '/sharing/scenarios', '/grants', '/opening/applications', '/opening/grants', '/opening/withdrawals', '/opening/attributes', '/supervision', '/security/credentials'],
  ],
  leader: ['police.leader', [...everyone, '/data', '/sharing/applications', '/sharing/scenarios', '/grants', '/opening/applications', '/opening/grants', '/opening/withdrawals', '/opening/attributes', '/supervision']],
  supervisor: ['police.supervisor', everyone],
};

/** Every screen of a menu: a role must be refused those not in its own. */
const allScreens = [...new Set(Object.values(menus).flatMap(([, m]) => m))];

describe('role × screen', { skip }, () => {
  let server;
  let browser;
  before(async () => {
    server = await demoServer();
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const [role, [username, want]] of Object.entries(menus)) {
    test(`${role}: the menu shows exactly its screens, each opens, the others say no permission`, async () => {
      const page = await newPage(browser);
      const refused = [];
      page.on('response', (r) => {
        if (r.url().includes('/api/') && r.status() === 403) refused.push(`${r.request().method()} ${new URL(r.url()).pathname}`);
      });
      await page.goto(server.url + '/signin');
      await page.getByLabel('用户名').fill(username);
      await page.getByLabel('密码', { exact: true }).fill(demoPassword);
      await page.getByRole('button', { name: '登录' }).click();
      await page.waitForURL(/\/tasks$/);

      const menu = page.getByRole('navigation').getByRole('menu').first();
      await menu.waitFor();
      const closed = menu.locator('.ant-menu-submenu-title[aria-expanded="false"]');
      while ((await closed.count()) > 0) await closed.first().click();
      const got = await menu.locator('.ant-menu-item a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      assert.deepEqual(got, want, `${role}'s menu`);

      for (const path of want) {
        await page.goto(server.url + path);
        await page.getByRole('heading', { level: 1 }).first().waitFor();
        await page.waitForLoadState('networkidle');
        assert.equal(await page.getByText('无权访问').count(), 0, `${role} is refused ${path}, which its menu shows`);
      }
      for (const path of allScreens.filter((p) => !want.includes(p))) {
        await page.goto(server.url + path);
        await page.getByText('无权访问').waitFor();
      }
      // Neither a screen of the menu nor one refused in the browser asks
      // the server for what it would refuse.
      assert.deepEqual(refused, [], `${role}: requests the server refused`);
      assert.deepEqual(await problems(page), []);
      await page.context().close();
    });
  }
});
