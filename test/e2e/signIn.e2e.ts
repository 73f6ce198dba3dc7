// Issue 15 through the real browser: the packaged extension in code-server (Chromium), a sandbox pod
// that refuses Basic, "Sign In" opens the identity domain's page in a new tab (vscode.env.openExternal),
// the person signs in there, the identity domain redirects to code-server's callback (the URL
// vscode.env.asExternalUri gave), which hands it to the extension's URI handler; then a status, the
// Accounts menu showing the session, and "Sign Out" from it.
import { strict as assert } from 'node:assert';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { selfSignedRsa } from '../../src/core/plan/oracleJwt';
import { e2eConfig, Workbench } from './workbench';

const ENV = 'idcs-pod';
const CLIENT = 'oli-vscode-ui';

async function hook(base: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(new URL(`/__sandbox/${path}`, base), body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`sandbox hook ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** The path code-server's workbench receives external callbacks on (asExternalUri's target), read from its page. */
async function callbackUrl(codeServerUrl: string): Promise<string> {
  const html = await (await fetch(`${codeServerUrl}/`)).text();
  const decoded = html.replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  const raw = /"callbackRoute"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(decoded)?.[1];
  const route = raw !== undefined ? (JSON.parse(`"${raw}"`) as string) : '/callback';
  const url = new URL(route, `${codeServerUrl}/`);
  return `${url.origin}${url.pathname}`;
}

describe('Sign in through the browser: OAuth with the identity domain (UI, packaged .vsix, a pod without Basic)', function () {
  const cfg = e2eConfig();
  const pod = process.env.OLI_E2E_NOBASIC_URL;
  // The pod's identity domain, on another host than the pod (scripts/vscode-e2e/sandbox.ts).
  const identityDomain = process.env.OLI_E2E_NOBASIC_IDENTITY_DOMAIN;
  const folder = join(dirname(cfg.workspace), 'sign-in-workspace');
  let wb: Workbench;

  before(async function () {
    if (!pod || !identityDomain) throw new Error('OLI_E2E_NOBASIC_URL is not set: run the suite through npm run test:vscode.');
    const info = await hook(pod, 'info');
    const callback = await callbackUrl(cfg.url);
    console.log(`      code-server's callback URL (registered as the application's redirect URL): ${callback}`);
    // The integrated application in the identity domain: its redirect URL is code-server's callback.
    await hook(pod, 'oauth-apps', { clientId: CLIENT, redirectUris: [callback] });
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'coursera.cer'), selfSignedRsa('Coursera (sign-in e2e)', 30).certificatePem);
    const plan = {
      version: 1,
      provider: 'coursera',
      auth: 'jwt',
      environments: { [ENV]: { url: pod, auth: { method: 'oauth', identityDomain, clientId: CLIENT, scope: `${info.scope} offline_access` } } },
      defaultEnvironment: ENV,
      integrationUser: { userName: 'user.coursera', email: 'user.coursera@example.com' },
      jobRole: { name: 'XX_COURSERA_CONTENT_PROVIDER_JOB' },
      learnerIdentifier: 'email',
      jwt: { issuer: 'https://coursera.e2e.invalid/issuer', certificate: 'coursera.cer' },
      catalogProfile: 'Coursera Catalog',
      visibility: 'public',
    };
    writeFileSync(join(folder, 'oracle-learning.json'), JSON.stringify(plan, null, 2));
    wb = await Workbench.open({ ...cfg, workspace: folder });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.screenshot(`99-failed-${this.currentTest.title.replace(/\W+/g, '-')}`).catch(() => undefined);
  });

  after(async () => {
    if (wb?.pageErrors.length) console.log(`page errors (first 5):\n  ${wb.pageErrors.slice(0, 5).join('\n  ')}`);
    await wb?.close();
  });

  it('signs in through the identity domain page in the browser (PKCE), back through the URI handler', async () => {
    await wb.activityBarItem('Oracle Learning').waitFor({ timeout: 90_000 });
    await wb.activityBarItem('Oracle Learning').click();
    await wb.page.locator('.statusbar-item', { hasText: `${ENV} (not signed in)` }).first().waitFor({ timeout: 60_000 });
    const context = wb.page.context();
    const popup = context.waitForEvent('page', { timeout: 60_000 });
    await wb.runCommand('Oracle Learning: Sign In');
    // A browser may hold the new tab back (no user gesture left): VS Code then asks, and Open is one.
    const openAnyway = wb.page.locator('.monaco-dialog-box .monaco-button', { hasText: /^Open$/ }).first();
    const page: Page = await Promise.race([
      popup,
      openAnyway.waitFor({ timeout: 60_000 }).then(async () => {
        await openAnyway.click();
        return popup;
      }),
    ]);
    await page.waitForLoadState();
    await page.locator('input[name="username"]').waitFor({ timeout: 30_000 }).catch(async (err: unknown) => {
      await page.screenshot({ path: join(cfg.shots, '99-failed-sign-in-popup.png') }).catch(() => undefined);
      throw new Error(`the sign-in tab shows ${page.url()}: ${(await page.content().catch(() => '')).slice(0, 600)} (${(err as Error).message})`);
    });
    assert.match(await page.title(), /identity domain/);
    await page.locator('input[name="username"]').fill(cfg.sandboxUser);
    await page.locator('input[name="password"]').fill(cfg.sandboxPassword);
    await page.screenshot({ path: join(cfg.shots, '11-identity-domain-sign-in-page.png') });
    await page.locator('button[value="allow"]').click();
    await wb.toast(`Signed in to "${ENV}" as ${cfg.sandboxUser}, OAuth with the identity domain`).waitFor({ timeout: 60_000 });
    if (!page.isClosed()) await page.close();
    await wb.page.locator('.statusbar-item', { hasText: ENV }).first().waitFor();
    assert.ok(!(await wb.page.locator('.statusbar-item', { hasText: `${ENV} (not signed in)` }).count()));
    assert.ok(!(await wb.page.content()).includes(cfg.sandboxPassword), 'the password never reaches VS Code');
  });

  it('runs a status with the session (the pod refuses Basic)', async () => {
    await wb.widenSideBar(620);
    await wb.runCommand('Oracle Learning: Refresh Status');
    await wb.treeRow('Integration user for Coursera').waitFor({ timeout: 60_000 });
    // Read from the pod (the extension-host suite may have created the user on this pod already: any read status will do).
    await wb.page.locator('.monaco-list-row[aria-label*="Learner identity mapping, done"]').first().waitFor({ timeout: 60_000 });
    const row = wb.page.locator('.monaco-list-row', { hasText: ENV }).first();
    assert.match(await row.innerText(), /OAuth, token until/);
    const failures = (await hook(pod!, 'auth-failures')).items as { reason: string }[];
    assert.ok(!failures.some((f) => f.reason === 'basic-disabled'), 'nothing was sent with Basic');
    await wb.page.mouse.move(5, 5);
    await wb.screenshot('12-signed-in-with-oauth-status');
  });

  it('the Accounts menu shows the session; "Sign Out" there forgets it', async () => {
    const accounts = wb.page.locator('.activitybar .action-item .action-label[aria-label^="Accounts"]').first();
    await accounts.click();
    const entry = wb.page.locator('.monaco-menu .action-item', { hasText: `${cfg.sandboxUser}: ${ENV}` }).first();
    await entry.waitFor({ timeout: 30_000 });
    assert.match(await entry.innerText(), /token until .*renewed by itself/);
    await wb.screenshot('13-accounts-menu-oracle-fusion-session');
    await entry.hover();
    const signOut = wb.page.locator('.monaco-menu .action-item', { hasText: /^Sign Out$/ }).last();
    await signOut.waitFor({ timeout: 15_000 });
    await signOut.hover();
    await wb.page.waitForTimeout(300);
    // VS Code's menus act on the focused item: Enter on "Sign Out".
    await wb.page.keyboard.press('Enter');
    // VS Code may ask before signing an account out of the extensions that used it.
    const confirm = wb.page.locator('.monaco-dialog-box .monaco-button', { hasText: /^Sign Out$/ }).first();
    await confirm.waitFor({ timeout: 10_000 }).then(
      () => confirm.click(),
      () => undefined,
    );
    await wb.page.locator('.statusbar-item', { hasText: `${ENV} (not signed in)` }).first().waitFor({ timeout: 30_000 });
  });
});
