// Issue 14 in the packaged extension, in code-server, driven through the workbench in Chromium: the
// Health section of an environment, "Why Didn't This Land?" from an xAPI statement in the Inspector
// (the timeline webview), and the environments matrix. Two sandbox pods of its own (test and prod),
// set up as after the Coursera setup; screenshots in test/e2e/screenshots/.
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { e2eConfig, Workbench } from './workbench';
import { COURSE, fleet, type Fleet } from '../unit/dayTwo.helpers';

const HOUR = 3_600_000;

describe('after the setup, in VS Code: health, why, environments side by side (UI, packaged .vsix)', function () {
  const cfg = e2eConfig();
  let wb: Workbench;
  let f: Fleet;
  let learner = '';
  const completedAt = new Date(Date.now() - 26 * HOUR).toISOString();

  /** The visible webview's document (a hidden one keeps its iframe). */
  const view = () => wb.page.frameLocator('iframe.webview.ready:visible').frameLocator('iframe#active-frame');

  before(async () => {
    const base = Date.now() - 3 * 24 * HOUR - 2 * HOUR;
    f = await fleet({ dir: cfg.workspace, test: { scheduleBase: base }, prod: { scheduleBase: base } });
    const t = f.test;
    // test: the bulk ingest failed today, the statements process since yesterday; the certificate expires in 20 days.
    await t.admin.essOutcome({ jobDefinitionId: t.jobs.bulkIngestToOscs!, state: 'ERROR', from: new Date(Date.now() - 20 * HOUR).toISOString(), description: 'ORA-20001: the search index could not be reached' });
    await t.admin.essOutcome({ jobDefinitionId: t.jobs.processLearningExperienceStatements!, state: 'ERROR', from: new Date(Date.now() - 30 * HOUR).toISOString(), description: 'ORA-06512: statements could not be read' });
    const soon = await t.admin.certificate({ commonName: 'Coursera (expiring)', notAfter: new Date(Date.now() + 20 * 24 * HOUR).toISOString() });
    writeFileSync(join(cfg.workspace, 'coursera-expiring.cer'), soon.certificatePem);
    const plan = JSON.parse(readFileSync(join(cfg.workspace, 'oracle-learning.json'), 'utf8'));
    plan.environments.test.certificate = 'coursera-expiring.cer';
    plan.defaultEnvironment = 'test';
    writeFileSync(join(cfg.workspace, 'oracle-learning.json'), JSON.stringify(plan, null, 2));
    // prod: its integration user was given another role (the setup differs from test).
    const p = f.prod.credentials.admin!;
    const auth = { authorization: `Basic ${Buffer.from(`${p.username}:${p.password}`).toString('base64')}`, 'content-type': 'application/json' };
    const user = (await (await fetch(`${f.prod.url}/hcmRestApi/scim/Users?filter=${encodeURIComponent('userName eq "user.coursera"')}`, { headers: auth })).json()).Resources[0];
    const hr = (await (await fetch(`${f.prod.url}/hcmRestApi/scim/Roles?filter=${encodeURIComponent('name eq "ORA_HRC_HUMAN_RESOURCE_SPECIALIST_JOB"')}`, { headers: auth })).json()).Resources[0];
    await fetch(`${f.prod.url}/hcmRestApi/scim/Roles/${hr.id}`, { method: 'PATCH', headers: auth, body: JSON.stringify({ members: [{ value: user.id, operation: 'ADD' }] }) });
    // A learner of test completed the course yesterday (Coursera's statement arrived; no run processed it).
    const ta = t.credentials.admin!;
    const users = (await (await fetch(`${t.url}/hcmRestApi/scim/Users?count=20&startIndex=3&attributes=userName,emails,active`, { headers: { authorization: `Basic ${Buffer.from(`${ta.username}:${ta.password}`).toString('base64')}` } })).json()).Resources as { active: boolean; emails?: { value: string; primary?: boolean }[] }[];
    learner = users.find((u) => u.active && u.emails?.some((e) => e.primary))!.emails!.find((e) => e.primary)!.value;
    await t.coursera.sendStatements([{ learner: { by: 'email', email: learner }, contentId: COURSE.externalContentId, title: COURSE.title, verb: 'completed', timestamp: completedAt, durationSeconds: 5400, scaledScore: 0.88 }]);
    writeFileSync(
      join(cfg.workspace, 'coursera-completion.json'),
      JSON.stringify({ id: '3b3a8d38-2f8c-4a6e-9d61-2c0f7d1a9e55', actor: { objectType: 'Agent', mbox: `mailto:${learner}` }, verb: { id: 'http://adlnet.gov/expapi/verbs/completed', display: { 'en-US': 'completed' } }, object: { objectType: 'Activity', id: COURSE.externalContentId, definition: { name: { 'en-US': COURSE.title } } }, result: { completion: true, duration: 'PT1H30M', score: { scaled: 0.88 } }, timestamp: completedAt }, null, 2),
    );
    wb = await Workbench.open(cfg);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.screenshot(`99-failed-${this.currentTest.title.replace(/\W+/g, '-')}`).catch(() => undefined);
  });

  after(async () => {
    await wb?.close();
    await f?.close();
  });

  async function setCredentials(env: string, user: { username: string; password: string }): Promise<void> {
    await wb.runCommand('Oracle Learning: Select Active Environment');
    await wb.pick(env);
    await wb.page.locator('.statusbar-item', { hasText: env }).first().waitFor();
    await wb.runCommand('Oracle Learning: Set Credentials');
    await wb.answer(user.username, { waitForPrompt: 'Administrator user name' });
    await wb.answer(user.password, { waitForPrompt: 'Password of' });
    await wb.toast(`Credentials of "${env}" saved`).waitFor({ timeout: 30_000 });
  }

  it('Check Health: the Health section of the environment lists its findings; the certificate warning is in the status bar', async () => {
    const icon = wb.activityBarItem('Oracle Learning');
    await icon.waitFor({ timeout: 90_000 });
    await icon.click();
    // The runtime is loaded (and the plan read) once the environments are in the tree.
    await wb.page.locator('.monaco-list-row', { hasText: f.prod.url }).first().waitFor({ timeout: 90_000 });
    await wb.widenSideBar(700);
    await setCredentials('prod', f.prod.credentials.admin!);
    await setCredentials('test', f.test.credentials.admin!);
    await wb.page.locator('.statusbar-item', { hasText: 'coursera-expiring.cer: ' }).first().waitFor({ timeout: 30_000 });
    await wb.runCommand('Oracle Learning: Check Health');
    await wb.toast('Health of "test"').waitFor({ timeout: 60_000 });
    const healthRow = wb.page.locator('.monaco-list-row[aria-label^="Health, error"]').first();
    await healthRow.waitFor({ timeout: 30_000 });
    if ((await healthRow.getAttribute('aria-expanded')) === 'false') await healthRow.click();
    await wb.treeRow(/ESS job to run Bulk ingest to OSCS: last run failed/).waitFor({ timeout: 30_000 });
    // The provider's eleven steps collapsed: the Health section is what this screenshot is about.
    await wb.treeRow(/^Coursera/).click();
    await wb.page.waitForTimeout(300);
    const rows = await wb.page.locator('.monaco-list-row').allInnerTexts();
    for (const want of ['Health', 'Process Learning Experience Statements: last run failed', 'Inbound certificate', 'Content sync', 'Last completion read back']) assert.ok(rows.some((r) => r.includes(want)), `${want} in ${rows.join(' | ')}`);
    assert.equal(await wb.page.locator('.monaco-list-row .codicon-error').count() >= 2, true);
    await wb.page.mouse.move(5, 5);
    await wb.screenshot('day2-01-health-section');
  });

  it("Why Didn't This Land? from an xAPI statement in the Inspector: the timeline names the first broken link", async () => {
    await wb.page.keyboard.press('Escape');
    await wb.page.keyboard.press('Control+P');
    await wb.quickInput().locator('.quick-input-box input').fill('coursera-completion.json');
    await wb.quickInput().locator('.quick-input-list .monaco-list-row', { hasText: 'coursera-completion.json' }).first().waitFor();
    await wb.page.keyboard.press('Enter');
    await wb.page.locator('.tab', { hasText: 'coursera-completion.json' }).first().waitFor();
    await wb.page.waitForTimeout(500);
    await wb.runCommand('Oracle Learning: Inspect Selection');
    await view().locator('#xapi-result h2[data-ok="true"]').waitFor({ timeout: 60_000 });
    await view().locator('#xapi-explain').click();
    await view().locator('#xapi-explanation [data-lands]').first().waitFor({ timeout: 60_000 });
    await view().locator('#xapi-why-0').click();
    // Prefilled from the statement: the learner, the content id, the completion time; the user confirms each.
    const steps = [learner, COURSE.externalContentId, completedAt];
    for (const [i, value] of steps.entries()) {
      const input = wb.quickInput().locator('.quick-input-box input');
      await input.waitFor({ state: 'visible' });
      // Step i+1 of 3 is shown (its title says so) with its prefilled value: only then is Enter its answer.
      const title = `(${i + 1}/${steps.length})`;
      await wb.page.waitForFunction(
        ([t, v]) =>
          !!document.querySelector('.quick-input-widget .quick-input-title')?.textContent?.includes(t!) &&
          (document.querySelector('.quick-input-widget .quick-input-box input') as HTMLInputElement | null)?.value === v,
        [title, value],
        { timeout: 15_000 },
      );
      await input.press('Enter');
      // Accepted when the widget moves on (the next step's title, or closed); one more Enter if a keystroke was lost.
      const movedOn = () => wb.page.waitForFunction((t) => !document.querySelector('.quick-input-widget .quick-input-title')?.textContent?.includes(t) || !(document.querySelector('.quick-input-widget') as HTMLElement | null)?.offsetParent, title, { timeout: 5_000 });
      await movedOn().catch(async () => {
        await input.press('Enter');
        await movedOn();
      });
    }
    const verdict = view().locator('#verdict[data-outcome="not-landed"]');
    await verdict.waitFor({ timeout: 60_000 });
    assert.match(await verdict.innerText(), /NOT LANDED\. Cause: 2 runs since the completion failed: request \d+ .*ORA-06512/);
    assert.equal(await view().locator('#timeline li.first[data-link="statements-process"]').count(), 1);
    for (const id of ['learner', 'content', 'provider', 'integration-user', 'credentials', 'delivery']) assert.equal(await view().locator(`#timeline li[data-link="${id}"][data-status="ok"]`).count(), 1, id);
    await wb.runCommand('Notifications: Clear All Notifications');
    await wb.page.mouse.move(5, 5);
    await wb.screenshot('day2-02-why-timeline');
  });

  it('the environments matrix: steps × environments with their decorations, refreshed in parallel', async () => {
    await wb.runCommand('View: Close All Editors');
    await wb.runCommand('Oracle Learning: Show Environments Side by Side');
    await view().locator('#matrix').waitFor({ timeout: 60_000 });
    await view().locator('button[data-action="refresh"]').click();
    await view().locator('td[data-env="prod"][data-status="failed"]').first().waitFor({ timeout: 60_000 });
    await view().locator('td[data-env="test"][data-status="done"]').first().waitFor({ timeout: 60_000 });
    // The cells arrive environment by environment and each arrival sets the page again (the frame
    // reloads): read the page once both have answered, polling through the reloads.
    const settled = async (what: string, read: () => Promise<number>, want: number) => {
      const until = Date.now() + 60_000;
      let got = await read().catch(() => -1);
      while (got !== want && Date.now() < until) {
        await wb.page.waitForTimeout(250);
        got = await read().catch(() => -1);
      }
      assert.equal(got, want, what);
    };
    await settled('the step that differs is marked', () => view().locator('tr[data-step="integration-user"].differs').count(), 1);
    await settled('one column per environment', () => view().locator('th.env').count(), 2);
    await settled('only that step differs', () => view().locator('tr.differs').count(), 1);
    await wb.runCommand('Notifications: Clear All Notifications');
    await wb.page.mouse.move(5, 5);
    await wb.screenshot('day2-03-environments-matrix');
  });
});
