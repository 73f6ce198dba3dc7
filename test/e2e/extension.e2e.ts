// The packaged extension (.vsix) installed in code-server, driven through the workbench UI in Chromium
// against the sandbox pod. Screenshots go to test/e2e/screenshots/ (the best are copied to docs/images/).
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';
import { selfSignedRsa, signOracleJwt } from '../../src/core/plan/oracleJwt';
import { e2eConfig, Workbench } from './workbench';

const ENV = 'sandbox-pod';
// Names of its own, so this suite does not meet what the integration suite created in the same sandbox.
const USER = 'user.coursera.ui';
const ROLE = 'XX_COURSERA_UI_CONTENT_PROVIDER_JOB';
const ISSUER = 'https://coursera.e2e.invalid/issuer';
const P12_PASSWORD = 'e2e-p12-password';

async function hook(base: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(new URL(`/__sandbox/${path}`, base), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`sandbox hook ${path}: ${res.status} ${await res.text()}`);
}

describe('Oracle Learning extension in code-server (UI, packaged .vsix)', function () {
  const cfg = e2eConfig();
  let wb: Workbench;
  let learnerEmail = '';

  before(async () => {
    // The user's repository: a plan (no secrets) and the certificate Coursera gave them.
    const keys = selfSignedRsa('Coursera issuer (e2e)', 365);
    writeFileSync(join(cfg.workspace, 'coursera.cer'), keys.certificatePem);
    // A token as Coursera would send it, but with the trusted issuer off by one trailing space.
    writeFileSync(join(cfg.workspace, 'coursera-token.jwt'), await signOracleJwt({ privateKeyPem: keys.privateKeyPem, certificatePem: keys.certificatePem, issuer: `${ISSUER} `, userName: USER }));
    // The same certificate with its key, as a password-protected PKCS#12 (opens in the certificate editor).
    const p12 = forge.pkcs12.toPkcs12Asn1(forge.pki.privateKeyFromPem(keys.privateKeyPem), [forge.pki.certificateFromPem(keys.certificatePem)], P12_PASSWORD, { algorithm: '3des' });
    writeFileSync(join(cfg.workspace, 'coursera.p12'), Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary'));
    const plan = {
      version: 1,
      provider: 'coursera',
      auth: 'jwt',
      environments: { [ENV]: { url: cfg.sandboxUrl } },
      defaultEnvironment: ENV,
      integrationUser: { userName: USER, email: `${USER}@example.com`, givenName: 'Coursera', familyName: 'Integration' },
      jobRole: { name: ROLE, displayName: 'Coursera Content Provider (UI test)' },
      learnerIdentifier: 'email',
      jwt: { issuer: ISSUER, certificate: 'coursera.cer' },
      catalogProfile: 'Coursera Catalog',
      visibility: 'public',
    };
    writeFileSync(join(cfg.workspace, 'oracle-learning.json'), JSON.stringify(plan, null, 2));
    // What the admin did in the Security Console (simulated by a test-only hook): the job role exists.
    await hook(cfg.sandboxUrl, 'roles', { name: ROLE, displayName: plan.jobRole.displayName, category: 'JOB', duties: ['ORA_WLF_LEARNING_CONTENT_PROVIDER_DUTY'] });
    // An xAPI completion as Coursera would send it, for a learner of the seeded tenant.
    const auth = 'Basic ' + Buffer.from(`${cfg.sandboxUser}:${cfg.sandboxPassword}`).toString('base64');
    const res = await fetch(`${cfg.sandboxUrl}/hcmRestApi/scim/Users?count=10&startIndex=2&attributes=userName,emails,active`, { headers: { authorization: auth } });
    const users = ((await res.json()) as { Resources: { active: boolean; emails?: { value: string; primary?: boolean }[] }[] }).Resources;
    const email = users.find((u) => u.active && u.emails?.some((e) => e.primary))!.emails!.find((e) => e.primary)!.value;
    const statement = {
      id: '6690e6c9-3ef0-4ed3-8b37-7f3964730bee',
      actor: { objectType: 'Agent', name: 'A learner', mbox: `mailto:${email}` },
      verb: { id: 'http://adlnet.gov/expapi/verbs/completed', display: { 'en-US': 'completed' } },
      object: { objectType: 'Activity', id: 'https://www.coursera.org/learn/machine-learning', definition: { name: { 'en-US': 'Machine Learning' } } },
      result: { completion: true, success: true, duration: 'PT12H30M', score: { scaled: 0.92 } },
      timestamp: '2026-03-14T09:26:53.000Z',
    };
    writeFileSync(join(cfg.workspace, 'completion.json'), JSON.stringify(statement, null, 2));
    learnerEmail = email;
    wb = await Workbench.open(cfg);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.screenshot(`99-failed-${this.currentTest.title.replace(/\W+/g, '-')}`).catch(() => undefined);
  });

  after(async () => {
    if (wb?.pageErrors.length) console.log(`page errors (first 5):\n  ${wb.pageErrors.slice(0, 5).join('\n  ')}`);
    await wb?.close();
  });

  it('opens the Oracle Learning container: the welcome view asks for credentials', async () => {
    const icon = wb.activityBarItem('Oracle Learning');
    await icon.waitFor({ timeout: 90_000 });
    await icon.click();
    await wb.page.locator('.welcome-view-content', { hasText: 'has no credentials yet' }).first().waitFor({ timeout: 60_000 });
    await wb.page.locator('.statusbar-item', { hasText: `${ENV} (no credentials)` }).first().waitFor();
    await wb.screenshot('01-welcome-no-credentials');
  });

  it('sets the credentials through input boxes; the status bar shows the environment', async () => {
    await wb.runCommand('Oracle Learning: Set Credentials');
    await wb.answer(cfg.sandboxUser, { waitForPrompt: 'Administrator user name' });
    await wb.answer(cfg.sandboxPassword, { waitForPrompt: 'Password of' });
    await wb.toast(`Credentials of "${ENV}" saved`).waitFor({ timeout: 30_000 });
    const status = wb.page.locator('.statusbar-item', { hasText: ENV }).first();
    await status.waitFor();
    assert.ok(!(await status.innerText()).includes('credentials failed'));
    const html = await wb.page.content();
    assert.ok(!html.includes(cfg.sandboxPassword), 'the password is nowhere in the page');
  });

  it('refreshes: the steps appear with at least three different status decorations', async () => {
    // A wider side bar, so the screenshots show the descriptions.
    await wb.widenSideBar(620);
    await wb.runCommand('Oracle Learning: Refresh Status');
    await wb.treeRow('Integration user for Coursera').waitFor({ timeout: 60_000 });
    // The integration user waits for the job role (a guided step nobody attested yet).
    await wb.page.locator('.monaco-list-row[aria-label*="Integration user for Coursera, blocked"]').first().waitFor({ timeout: 60_000 });
    // Expand a step with findings so its sub-checks show too.
    await wb.treeRow('Job role with only the Learning Content Provider duty').click();
    // The credentials just set also start an automatic refresh (debounced): its rows show "checking…"
    // for a moment, so the decorations are read until they settle (60 s at most).
    const readStatusIcons = async () => {
      const icons = await wb.page
        .locator('.monaco-list-row .custom-view-tree-node-item-icon.codicon')
        .evaluateAll((els) => els.map((e) => Array.from(e.classList).find((c) => c.startsWith('codicon-') && c !== 'codicon-loading')));
      return new Set(icons.filter((i) => ['codicon-pass-filled', 'codicon-warning', 'codicon-error', 'codicon-debug-pause', 'codicon-verified-filled', 'codicon-circle-slash'].includes(i ?? '')));
    };
    let statusIcons = await readStatusIcons();
    for (const until = Date.now() + 60_000; statusIcons.size < 3 && Date.now() < until; statusIcons = await readStatusIcons()) await wb.page.waitForTimeout(500);
    assert.ok(statusIcons.size >= 3, `status icons in the tree: ${[...statusIcons].join(', ')}`);
    const badges = await wb.page.locator('.monaco-list-row .monaco-decoration-itemColor, .monaco-list-row .label-description').count();
    assert.ok(badges > 0);
    await wb.page.mouse.move(5, 5);
    await wb.screenshot('02-integration-tree-statuses');
  });

  it('attests a guided step with a note from the palette', async () => {
    await wb.runCommand('Oracle Learning: Attest Guided Step');
    await wb.pick('Job role with only the Learning Content Provider duty');
    await wb.answer('Security Console: role hierarchy holds only Learning Content Provider; allowed from all IPs.', { waitForPrompt: 'Evidence' });
    await wb.page.locator('.monaco-list-row[aria-label*="Job role with only the Learning Content Provider duty, attested"]').first().waitFor({ timeout: 60_000 });
  });

  it('runs a step from the command palette and watches it turn done', async () => {
    await wb.runCommand('Oracle Learning: Run Step');
    await wb.quickInput().locator('.quick-input-list .monaco-list-row', { hasText: 'Integration user for Coursera' }).first().waitFor();
    await wb.screenshot('03-run-step-quick-pick');
    await wb.pick('Integration user for Coursera');
    await wb.page.locator('.monaco-list-row[aria-label*="Integration user for Coursera, done"]').first().waitFor({ timeout: 60_000 });
    await wb.toast('Integration user for Coursera: done').waitFor({ timeout: 30_000 });
    const row = wb.page.locator('.monaco-list-row[aria-label*="Integration user for Coursera, done"]').first();
    assert.equal(await row.locator('.codicon-pass-filled').count(), 1);
    await wb.screenshot('04-step-run-from-palette-done');
  });

  it('opens the inspector on the provider certificate: verified', async () => {
    await wb.page.keyboard.press('Escape');
    await wb.page.keyboard.press('Control+P');
    await wb.quickInput().locator('.quick-input-box input').fill('coursera.cer');
    await wb.quickInput().locator('.quick-input-list .monaco-list-row', { hasText: 'coursera.cer' }).first().waitFor();
    await wb.page.keyboard.press('Enter');
    await wb.page.locator('.tab', { hasText: 'coursera.cer' }).first().waitFor();
    await wb.page.waitForTimeout(500);
    await wb.runCommand('Oracle Learning: Inspect Selection');
    const result = wb.webview().locator('#certificate-result h2[data-ok="true"]');
    await result.waitFor({ timeout: 60_000 });
    const text = await wb.webview().locator('#certificate-result').innerText();
    assert.match(text, /Coursera issuer \(e2e\)/);
    assert.match(text, /RSA 2048/);
    await wb.screenshot('05-inspector-certificate-verified');
  });

  async function openFile(name: string): Promise<void> {
    await wb.page.keyboard.press('Escape');
    await wb.page.keyboard.press('Control+P');
    await wb.quickInput().locator('.quick-input-box input').fill(name);
    await wb.quickInput().locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
    await wb.page.keyboard.press('Enter');
    await wb.page.locator('.tab', { hasText: name }).first().waitFor();
    await wb.page.waitForTimeout(500);
  }

  it('inspects a failing JWT: the check list shows which checks fail, with their ids', async () => {
    await wb.runCommand('View: Close All Editors');
    await openFile('coursera-token.jwt');
    await wb.runCommand('Oracle Learning: Inspect Selection');
    const iss = wb.webview().locator('#jwt-checks li[data-check="iss"][data-ok="false"]');
    await iss.waitFor({ timeout: 60_000 });
    assert.equal(await wb.webview().locator('#jwt-result h2[data-ok="false"]').count(), 1);
    // Checked against the plan: the signature verifies with coursera.cer, only the issuer differs.
    assert.equal(await wb.webview().locator('#jwt-checks li[data-check="signature"][data-ok="true"]').count(), 1);
    assert.equal(await wb.webview().locator('#jwt-checks li[data-ok="false"]').count(), 1);
    assert.match(await wb.webview().locator('#jwt-against').innerText(), /coursera\.cer/);
    await wb.webview().locator('#jwt-result h2').scrollIntoViewIfNeeded();
    await wb.screenshot('06-inspector-jwt-failing');
  });

  it('reads an xAPI statement the way Oracle does, and says whether the completion would land', async () => {
    const email = learnerEmail;
    await wb.runCommand('View: Close All Editors');
    await openFile('completion.json');
    await wb.runCommand('Oracle Learning: Inspect Selection');
    await wb.webview().locator('#xapi-result h2[data-ok="true"]').waitFor({ timeout: 60_000 });
    const text = await wb.webview().locator('#xapi-result').innerText();
    for (const want of [email, 'https://www.coursera.org/learn/machine-learning', '2026-03-14T09:26:53.000Z', '45000 s', '0.92']) assert.ok(text.includes(want), `${want} in ${text}`);
    assert.equal(await wb.webview().locator('#xapi-result [data-action="completion"]').count(), 1);
    // Connected to the sandbox pod: would this completion land there?
    await wb.webview().locator('#xapi-explain').click();
    const blocked = wb.webview().locator('#xapi-explanation [data-lands="false"] [data-reason="unknown-content"]');
    await blocked.waitFor({ timeout: 60_000 });
    await wb.webview().locator('#xapi-result h2').scrollIntoViewIfNeeded();
    await wb.screenshot('07-inspector-xapi-statement');
  });

  it('opens a password-protected PKCS#12 in the certificate editor; the password is asked in an input box', async () => {
    await wb.runCommand('View: Close All Editors');
    await wb.page.keyboard.press('Control+P');
    await wb.quickInput().locator('.quick-input-box input').fill('coursera.p12');
    await wb.quickInput().locator('.quick-input-list .monaco-list-row', { hasText: 'coursera.p12' }).first().waitFor();
    await wb.page.keyboard.press('Enter');
    await wb.answer(P12_PASSWORD, { waitForPrompt: 'protected by a password' });
    const result = wb.webview().locator('#certificate-result h2[data-ok="true"]');
    await result.waitFor({ timeout: 60_000 });
    const text = await wb.webview().locator('#certificate-result').innerText();
    assert.match(text, /Coursera issuer \(e2e\)/);
    assert.match(text, /PKCS12/);
    assert.ok(!(await wb.page.content()).includes(P12_PASSWORD), 'the password is not in the workbench page');
    await wb.page.mouse.move(5, 300);
    await wb.screenshot('08-certificate-editor-pkcs12');
  });
});
