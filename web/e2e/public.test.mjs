// Public accounts (OPN-2, HLJ-43) in the browser: a person registers on the
// portal, the confirmation mail is caught by a small SMTP server of the
// test's own, the link confirms the address, the person signs in, creates
// an API key (shown once) and revokes it. The sysadmin confirms another
// account by hand, the bureau's reviewer suspends it — its holder is told
// why at sign-in and by mail — and resumes it, and the holder reads the
// message in the account's inbox.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { browserMissing, checked, fuzhou, launch, newPage, shot, signInTo, startServer, until } from './harness.mjs';

const skip = browserMissing() || false;
const password = 'Govdata#2026-pw';
const portalPassword = 'Portal-Pass-2026';

/**
 * smtpServer is just enough SMTP (RFC 5321) for govdata's mailer without
 * TLS or authentication: it keeps every message as {to, subject, body},
 * the body decoded from its base64 transfer encoding.
 */
function smtpServer() {
  const mails = [];
  const server = createServer((sock) => {
    let buf = '';
    let data = null;
    let to = [];
    sock.write('220 test SMTP\r\n');
    sock.on('data', (chunk) => {
      buf += chunk.toString('latin1');
      for (;;) {
        if (data !== null) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          data += buf.slice(0, end);
          buf = buf.slice(end + 5);
          mails.push(parseMail(to, data));
          data = null;
          to = [];
          sock.write('250 OK\r\n');
          continue;
        }
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') sock.write('250-test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n');
        else if (verb === 'HELO') sock.write('250 test\r\n');
        else if (verb === 'RCPT') {
          to.push(line.match(/<([^>]*)>/)?.[1] ?? '');
          sock.write('250 OK\r\n');
        } else if (verb === 'DATA') {
          data = '';
          sock.write('354 go on\r\n');
        } else if (verb === 'QUIT') {
          sock.end('221 bye\r\n');
          return;
        } else sock.write('250 OK\r\n'); // MAIL, RSET, NOOP
      }
    });
    sock.on('error', () => {});
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ addr: `127.0.0.1:${server.address().port}`, mails, close: () => server.close() })),
  );
}

/** parseMail decodes the plain-text part and the subject of a message. */
function parseMail(to, raw) {
  const [head, ...rest] = raw.split('\r\n\r\n');
  const body = rest.join('\r\n\r\n');
  const subject = (head.match(/^Subject: (.*(?:\r\n[ \t].*)*)/m)?.[1] ?? '')
    .replace(/\r\n[ \t]/g, ' ')
    .replace(/=\?UTF-8\?([BQ])\?([^?]*)\?=/gi, (_, enc, text) =>
      enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : decodeURIComponent(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, '%$1')),
    );
  const b64 = /Content-Transfer-Encoding: base64/i.test(head);
  const text = b64 ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8') : Buffer.from(body, 'latin1').toString('utf8');
  return { to, subject, body: text };
}

describe('public accounts', { skip }, () => {
  let server, browser, smtp;
  before(async () => {
    smtp = await smtpServer();
    server = await startServer([
      '--smtp-addr', smtp.addr, '--smtp-from', 'portal@example.gov.cn', '--smtp-tls', 'none', '--delivery-interval', '100ms',
    ]);
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    smtp?.close();
  });

  const mailTo = (addr, what) => until(() => smtp.mails.find((m) => m.to.includes(addr) && what(m)), `a mail to ${addr}`);

  test('a person registers, confirms by the mailed link, signs in, creates an API key and revokes it', async () => {
    const page = await newPage(browser);
    await page.goto(server.url + '/portal/register');
    await page.getByRole('heading', { level: 1, name: '注册' }).waitFor();
    await checked(page, 'the registration form');
    await shot(page, 'portal-register-zh');
    await page.getByLabel('名称').fill('张三');
    await page.getByLabel('电子邮箱').fill('zhang.san@example.com');
    await page.getByLabel('密码').fill(portalPassword);
    await page.getByRole('checkbox').check();
    await page.getByRole('button', { name: '注册' }).click();
    await page.getByText('已受理注册', { exact: true }).waitFor();
    await checked(page, 'the registration received');

    const mail = await mailTo('zhang.san@example.com', (m) => m.body.includes('/portal/confirm?token='));
    const token = mail.body.match(/token=([A-Z2-7]+)/)[1];
    await page.goto(server.url + '/portal/confirm?token=' + token);
    await page.getByText('邮箱已确认').waitFor();

    await page.goto(server.url + '/portal/signin');
    await page.getByLabel('电子邮箱').fill('Zhang.San@example.com');
    await page.getByLabel('密码').fill(portalPassword);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/\/portal\/account$/);
    await page.getByText('已确认').first().waitFor();
    await checked(page, 'the account');
    await shot(page, 'portal-account-zh');

    await page.getByRole('tab', { name: 'API 密钥' }).click();
    await page.waitForURL(/\/portal\/account\/keys$/);
    await page.getByRole('button', { name: '创建密钥' }).click();
    await page.getByLabel('密钥名称').fill('统计脚本');
    await page.getByRole('button', { name: '创建', exact: true }).click();
    await page.getByText('密钥仅显示这一次').waitFor();
    const key = (await page.locator('.govdata-mono').filter({ hasText: 'gdk_' }).first().textContent()).trim();
    assert.match(key, /^gdk_[A-Z2-7]{52}$/);
    await checked(page, 'the key shown once');
    await shot(page, 'portal-key-zh');
    // Shown once: after a reload only its prefix is left.
    await page.reload();
    await page.getByRole('cell', { name: '统计脚本' }).waitFor();
    assert.equal(await page.getByText(key).count(), 0, 'the key is shown again');
    await page.getByRole('button', { name: '吊销' }).click();
    await page.getByRole('tooltip').getByRole('button', { name: '吊销' }).click();
    await page.getByText('已吊销').waitFor();
    const res = await fetch(server.url + '/api/v1/public/me', { headers: { 'X-API-Key': key } });
    assert.equal(res.status, 401, 'a revoked key still works');

    // The same screens in English.
    const en = await newPage(browser, { locale: 'en-US' });
    await en.goto(server.url + '/portal/register');
    await en.getByRole('radio', { name: '自然人' }).waitFor();
    await en.getByRole('radiogroup', { name: '语言' }).getByText('English').click();
    await en.getByRole('heading', { level: 1, name: 'Register' }).waitFor();
    await checked(en, 'the registration form in English');
    await shot(en, 'portal-register-en');
    await page.context().close();
    await en.context().close();
  });

  test('the sysadmin confirms by hand, the reviewer suspends and resumes, the holder is told', async () => {
    const world = await fuzhou(server, password);
    const reg = await fetch(server.url + '/api/v1/public/auth/register', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ kind: 'organization', name: '某某数据科技有限公司', credit_code: '91350100M000100Y43', email: 'org@example.com', password: portalPassword, accept_terms: true, terms_version: '2026-1' }),
    });
    assert.equal(reg.status, 202, await reg.text());
    assert.ok(world.reviewer);

    const admin = await newPage(browser);
    await admin.goto(server.url + '/signin');
    await signInTo(admin, 'admin', 'Govdata#2026-Root');
    await admin.goto(server.url + '/opening/public-accounts');
    const row = admin.getByRole('row', { name: /org@example\.com/ });
    await row.getByText('未确认').waitFor();
    await checked(admin, 'the public accounts');
    await shot(admin, 'admin-public-accounts-zh');
    await row.getByRole('button', { name: '人工确认' }).click();
    await admin.getByRole('tooltip').getByRole('button', { name: '人工确认' }).click();
    await row.getByText(/由 .* 人工确认/).waitFor();
    await admin.context().close();

    const reviewer = await newPage(browser);
    await reviewer.goto(server.url + '/signin');
    await signInTo(reviewer, 'shenhe', password);
    await reviewer.goto(server.url + '/opening/public-accounts');
    const r2 = reviewer.getByRole('row', { name: /org@example\.com/ });
    await r2.getByRole('button', { name: '暂停' }).click();
    const dialog = reviewer.getByRole('dialog');
    await dialog.getByLabel('理由').fill('违规批量转售开放数据');
    await checked(reviewer, 'the suspension dialog');
    await dialog.getByRole('button', { name: '暂停' }).click();
    await r2.getByText('已暂停').waitFor();

    // The holder is told at sign-in and by mail.
    const user = await newPage(browser);
    await user.goto(server.url + '/portal/signin');
    await user.getByLabel('电子邮箱').fill('org@example.com');
    await user.getByLabel('密码').fill(portalPassword);
    await user.getByRole('button', { name: '登录' }).click();
    await user.getByRole('alert').getByText(/违规批量转售开放数据/).waitFor();
    await mailTo('org@example.com', (m) => m.body.includes('违规批量转售开放数据'));

    await r2.getByRole('button', { name: '恢复' }).click();
    await reviewer.getByRole('dialog').getByLabel('理由').fill('已整改');
    await reviewer.getByRole('dialog').getByRole('button', { name: '恢复' }).click();
    await r2.getByText('正常').waitFor();

    await user.getByRole('button', { name: '登录' }).click();
    await user.waitForURL(/\/portal\/account$/);
    await user.getByRole('tab', { name: '消息' }).click();
    await user.getByText('账号已被暂停使用', { exact: true }).waitFor();
    await user.getByText(/违规批量转售开放数据/).waitFor();
    await user.getByText('账号已恢复使用', { exact: true }).waitFor();
    await checked(user, 'the messages');
    await shot(user, 'portal-messages-zh');
    // The same in English: the messages in the account's language too.
    await user.getByRole('radiogroup', { name: '语言' }).getByText('English').click();
    await user.getByText('Your account is suspended', { exact: true }).waitFor();
    await checked(user, 'the messages in English');
    await shot(user, 'portal-messages-en');
    await user.getByRole('tab', { name: 'Overview' }).click();
    await user.getByText('Confirmed', { exact: true }).waitFor();
    await checked(user, 'the account in English');
    await shot(user, 'portal-account-en');
    await reviewer.getByRole('radiogroup', { name: '语言' }).getByText('English').click();
    await reviewer.getByRole('heading', { level: 1, name: 'Public accounts' }).waitFor();
    await checked(reviewer, 'the public accounts in English');
    await shot(reviewer, 'admin-public-accounts-en');
    await reviewer.context().close();
    await user.context().close();
  });
});
