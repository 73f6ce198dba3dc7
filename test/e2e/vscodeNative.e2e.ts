// Issue 13 in a real VS Code (code-server + Chromium) with the packaged .vsix: the Inspector keeps its
// inputs and results through hide/show and after a window reload (never a private key), honest
// verdicts as the user reads them, the step page driven by the keyboard (attest from the page), the
// History view, the plan's Problems, and the settings in use (refresh on open, after a reload).
// Screenshots: test/e2e/screenshots/native-ui-*.png.
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { selfSignedRsa } from '../../src/core/plan/oracleJwt';
import { e2eConfig, Workbench } from './workbench';

const ENV = 'pod';
const USER = 'user.coursera.native';
const ROLE = 'XX_COURSERA_NATIVE_CONTENT_PROVIDER_JOB';
const SAMPLE = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'oracle', 'jwt-token-relay-sample.json'), 'utf8')) as { token: string };

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run through 'npm run test:vscode'.`);
  return v;
}

describe('Issue 13 in VS Code (UI, packaged .vsix): kept and restored pages, honest verdicts, the step page by keyboard, settings in use', function () {
  const base = e2eConfig();
  const folder = join(dirname(base.workspace), 'native-workspace');
  const settingsPath = env('OLI_E2E_USER_SETTINGS');
  let settingsBefore: string | undefined;
  let wb: Workbench;

  const userSettings = (patch: Record<string, unknown>) => {
    const current = existsSync(settingsPath) ? (JSON.parse(readFileSync(settingsPath, 'utf8') || '{}') as Record<string, unknown>) : {};
    for (const [k, v] of Object.entries(patch)) if (v === undefined) delete current[k];
    else current[k] = v;
    writeFileSync(settingsPath, JSON.stringify(current, null, 2));
  };

  before(async () => {
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder, { recursive: true });
    settingsBefore = existsSync(settingsPath) ? readFileSync(settingsPath, 'utf8') : undefined;
    const keys = selfSignedRsa('Coursera issuer (native e2e)', 365);
    writeFileSync(join(folder, 'coursera.cer'), keys.certificatePem);
    writeFileSync(join(folder, 'provider-with-key.pem'), `${keys.certificatePem}\n${keys.privateKeyPem}`);
    const plan = {
      version: 1,
      provider: 'coursera',
      auth: 'jwt',
      environments: { [ENV]: { url: base.sandboxUrl } },
      defaultEnvironment: ENV,
      integrationUser: { userName: USER, email: `${USER}@example.com` },
      jobRole: { name: ROLE },
      learnerIdentifier: 'email',
      jwt: { issuer: 'https://coursera.native.invalid/issuer', certificate: 'coursera.cer' },
      catalogProfile: 'Coursera Catalog',
      visibility: 'public',
    };
    writeFileSync(join(folder, 'oracle-learning.json'), JSON.stringify(plan, null, 2));
    wb = await Workbench.open({ ...base, workspace: folder });
    const icon = wb.activityBarItem('Oracle Learning');
    await icon.waitFor({ timeout: 90_000 });
    await icon.click();
    await wb.page.locator('.welcome-view-content', { hasText: 'has no credentials yet' }).first().waitFor({ timeout: 60_000 });
    await wb.runCommand('Oracle Learning: Set Credentials');
    await wb.answer(base.sandboxUser, { waitForPrompt: 'Administrator user name' });
    await wb.answer(base.sandboxPassword, { waitForPrompt: 'Password of' });
    await wb.toast(`Credentials of "${ENV}" saved`).waitFor({ timeout: 60_000 });
    await wb.runCommand('Notifications: Clear All Notifications');
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.screenshot(`native-ui-99-failed-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 60)}`).catch(() => undefined);
  });

  after(async () => {
    await wb?.close();
    if (settingsBefore === undefined) rmSync(settingsPath, { force: true });
    else writeFileSync(settingsPath, settingsBefore);
  });

  const inspector = () => wb.webview();

  it("Oracle's sample token in the Inspector: the verdict keeps what could not be checked apart from what failed", async () => {
    await wb.runCommand('Oracle Learning: Open Inspector');
    await inspector().locator('vscode-tab-header').nth(1).click();
    await inspector().locator('#jwt-input textarea').fill(SAMPLE.token);
    // The plan's certificate and integration user would be used for empty fields: the page's own values are given.
    await inspector().locator('#jwt-certificate textarea').fill('');
    await inspector().locator('#jwt-issuer input').fill('www.oracle.com');
    await inspector().locator('#jwt-user input').fill('SALES_ADMIN');
    await inspector().locator('#jwt-inspect').click();
    const verdict = inspector().locator('#jwt-result #verdict');
    await verdict.waitFor({ timeout: 60_000 });
    // With the plan's certificate (coursera.cer) the x5t cannot match: that is a failure, not "not checked".
    assert.match(await verdict.innerText(), /x5t-matches-certificate|not verified/);
    await wb.screenshot('native-ui-01-inspector-jwt-with-plan-certificate');
  });

  it('without any certificate (the plan\'s moved aside): "decoded, not verified (4 checks need the inbound certificate); 1 failed: exp"', async () => {
    const cert = join(folder, 'coursera.cer');
    const pem = readFileSync(cert, 'utf8');
    rmSync(cert);
    try {
      await inspector().locator('#jwt-inspect').click();
      const verdict = inspector().locator('#jwt-result #verdict[data-verdict="not-verified"]');
      await verdict.waitFor({ timeout: 60_000 });
      assert.equal((await verdict.innerText()).replace(/^–\s*/, ''), 'decoded, not verified (4 checks need the inbound certificate); 1 failed: exp');
      assert.equal(await inspector().locator('#jwt-checks li[data-status="not-checked"]').count(), 4);
      assert.equal(await inspector().locator('#jwt-checks li[data-status="fail"]').count(), 1);
      await inspector().locator('#jwt-result #verdict').scrollIntoViewIfNeeded();
      await wb.screenshot('native-ui-02-inspector-jwt-not-verified');
    } finally {
      writeFileSync(cert, pem);
    }
  });

  it('hide and show: the token, the fields and the verdict are still there (setState)', async () => {
    await wb.runCommand('Oracle Learning: Open Plan File');
    await wb.page.locator('.tab.active', { hasText: 'oracle-learning.json' }).waitFor({ timeout: 30_000 });
    await wb.page.locator('.tab', { hasText: 'Inspector' }).first().click();
    await inspector().locator('#jwt-result #verdict[data-verdict="not-verified"]').waitFor({ timeout: 30_000 });
    assert.equal(await inspector().locator('#jwt-input textarea').inputValue(), SAMPLE.token);
    assert.equal(await inspector().locator('#jwt-issuer input').inputValue(), 'www.oracle.com');
  });

  it('a certificate pasted with its private key: inspected, but the key is never kept (the field is not saved)', async () => {
    await inspector().locator('vscode-tab-header').nth(0).click();
    await inspector().locator('#certificate-input textarea').fill(readFileSync(join(folder, 'provider-with-key.pem'), 'utf8'));
    await inspector().locator('#certificate-inspect').click();
    await inspector().locator('#certificate-result [data-problem="private-key-present"]').waitFor({ timeout: 60_000 });
  });

  it('after a window reload the Inspector is back (the serializer), with its token and verdict; the private key is not', async () => {
    await wb.runCommand('Developer: Reload Window');
    await wb.page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    await wb.page.locator('.tab', { hasText: 'Inspector' }).first().waitFor({ timeout: 90_000 });
    await wb.page.locator('.tab', { hasText: 'Inspector' }).first().click();
    await inspector().locator('#app[data-state="ready"]').waitFor({ timeout: 60_000 });
    await inspector().locator('vscode-tab-header').nth(1).click();
    await inspector().locator('#jwt-result #verdict[data-verdict="not-verified"]').waitFor({ timeout: 30_000 });
    assert.equal(await inspector().locator('#jwt-input textarea').inputValue(), SAMPLE.token);
    await inspector().locator('vscode-tab-header').nth(0).click();
    const cert = await inspector().locator('#certificate-input textarea').inputValue();
    assert.ok(!/PRIVATE KEY/.test(cert), 'no private key kept in the webview state');
    assert.ok(!(await wb.page.content()).includes('PRIVATE KEY-----\nMII'), 'nor anywhere in the page');
    await wb.screenshot('native-ui-03-inspector-restored-after-reload');
  });

  it('the step page by keyboard: select a step in the tree, Tab to the evidence note, type it, Tab to Attest, Enter', async () => {
    await wb.runCommand('View: Close All Editors');
    await wb.runCommand('Oracle Learning: Refresh Status');
    // Once the status is read (a row clicked while the tree is being rebuilt may select nothing).
    const row = wb.page.locator('.monaco-list-row[aria-label^="Single sign-on between Oracle Learning and Coursera, blocked"]').first();
    await row.waitFor({ timeout: 60_000 });
    await wb.page.waitForTimeout(1000);
    await row.click();
    const page = wb.webview();
    await page.locator('#app[data-step="sso"]').waitFor({ timeout: 60_000 });
    for (const id of ['oracle', 'checks', 'guidance', 'evidence', 'history']) assert.ok(await page.locator(`section#${id} h2`).isVisible(), `section ${id}`);
    // Keyboard only from here: into the page, to the note, then to Attest.
    await page.locator('#refresh').focus();
    let reached = false;
    for (let i = 0; i < 12 && !reached; i++) {
      await wb.page.keyboard.press('Tab');
      reached = await page.locator('#note').evaluate((n) => n === document.activeElement || n.contains(document.activeElement));
    }
    assert.ok(reached, 'the note is reachable with Tab');
    await wb.page.keyboard.type('SAML app checked in the IdP; a test learner signed in (keyboard only)');
    await wb.page.keyboard.press('Tab');
    await wb.page.keyboard.press('Enter');
    await page.locator('#attest-result[data-ok="true"]').waitFor({ timeout: 60_000 });
    await page.locator('#status[data-status="attested"]').waitFor({ timeout: 60_000 });
    await page.locator('#history-table tr[data-action="attest"]').first().waitFor({ timeout: 30_000 });
    await wb.page.mouse.move(5, 400);
    await wb.screenshot('native-ui-04-step-page-attested-by-keyboard');
  });

  it('the History view lists the runs with who and when; a click opens the requests made', async () => {
    await wb.runCommand('Oracle Learning: Show History');
    const entry = wb.page.locator('.part.panel .monaco-list-row[aria-label^="Status read"]').first();
    await entry.waitFor({ timeout: 30_000 });
    assert.match((await entry.getAttribute('aria-label')) ?? '', /VS Code/);
    await entry.click();
    await wb.page.locator('.tab.active', { hasText: /status-.*\.md/ }).waitFor({ timeout: 30_000 });
    await wb.page.mouse.move(5, 400);
    await wb.screenshot('native-ui-05-history-and-requests');
  });

  it('refresh on open (a setting): after a reload the status is read by itself', async () => {
    userSettings({ 'oracleLearning.refreshOnOpen': true });
    const before = JSON.parse(readFileSync(join(folder, '.oracle-learning', `${ENV}.state.json`), 'utf8')) as { history: unknown[] };
    await wb.runCommand('Developer: Reload Window');
    await wb.page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    const deadline = Date.now() + 60_000;
    let after = before.history.length;
    while (Date.now() < deadline && after === before.history.length) {
      await wb.page.waitForTimeout(500);
      after = (JSON.parse(readFileSync(join(folder, '.oracle-learning', `${ENV}.state.json`), 'utf8')) as { history: unknown[] }).history.length;
    }
    assert.ok(after > before.history.length, 'a status read after the reload, by itself');
    userSettings({ 'oracleLearning.refreshOnOpen': undefined });
  });
});
