// Issue 14 in the real extension host, against the sandbox pod: the Health section of an
// environment (Check Health), "Why Didn't This Land?" (the timeline webview), the environments
// matrix refreshed in parallel (one environment's failure kept in its column), Compare Two
// Environments, and the inbound certificate's warning in the status bar. Every health and why run
// lands in the environment's history.
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { OliExtensionApi } from '../../src/views/runtime';
import type { HealthReport } from '../../src/core/health/report';
import type { WhyReport } from '../../src/core/why/report';
import type { EnvironmentDiff } from '../../src/core/compare/diff';
import type { HealthFindingNode, HealthNode } from '../../src/views/healthNodes';
import { api, renderTree, sandboxEnv, sandboxHook, waitFor, workspaceRoot } from './helpers';

const ENV = 'ops';
const STANDBY = 'standby';
const DAY = 86_400_000;

describe('after the setup: health, why, environments side by side (real extension host)', function () {
  this.timeout(120_000);
  let a: OliExtensionApi;
  const sb = sandboxEnv();
  const root = workspaceRoot();
  const state = (env: string) => JSON.parse(readFileSync(join(root, '.oracle-learning', `${env}.state.json`), 'utf8'));

  before(async () => {
    a = await api();
    // The provider's certificate expires in 20 days: inside the 30-day warning.
    const cert = (await sandboxHook('certificates', { commonName: 'Coursera (expiring)', notAfter: new Date(Date.now() + 20 * DAY).toISOString() })) as { certificatePem: string };
    writeFileSync(join(root, 'coursera.cer'), cert.certificatePem);
    mkdirSync(join(root, '.oracle-learning'), { recursive: true });
    const plan = {
      version: 1,
      provider: 'coursera',
      auth: 'jwt',
      environments: { [ENV]: { url: sb.url }, [STANDBY]: { url: 'http://127.0.0.1:9' } },
      defaultEnvironment: ENV,
      integrationUser: { userName: 'user.coursera.ops', email: 'user.coursera.ops@example.com' },
      jobRole: { name: 'XX_COURSERA_OPS_JOB' },
      learnerIdentifier: 'email',
      jwt: { issuer: 'https://coursera.ops.invalid/issuer', certificate: 'coursera.cer' },
      catalogProfile: 'Coursera',
      visibility: 'public',
    };
    writeFileSync(join(root, 'oracle-learning.json'), JSON.stringify(plan, null, 2));
    await a.model.reload();
    await a.model.setActiveEnvironment(ENV);
    await vscode.commands.executeCommand('oli.setCredentials', { environment: ENV, username: sb.user, password: sb.password });
    await vscode.commands.executeCommand('oli.setCredentials', { environment: STANDBY, username: 'admin.standby', password: 'standby-password-1' });
  });

  it('warns in the status bar from 30 days before the inbound certificate expires', async () => {
    await a.certificateBar.update();
    const cert = await waitFor('the certificate warning', () => (a.certificateBar.current?.ok && a.certificateBar.current.level === 'warning' ? a.certificateBar.current : undefined));
    assert.ok(cert.ok && cert.info.daysRemaining <= 20);
    assert.match(a.certificateBar.item.text, /coursera\.cer: (19|20) day\(s\) left/);
    assert.equal(a.certificateBar.item.command, 'oli.certificateWarning');
  });

  it('Check Health fills the Health section of the environment with its findings, and records the run in the history', async () => {
    const before = (await renderTree(a)).find((r) => r.node.kind === 'health');
    assert.ok(before, 'a Health node under the environment, before any check');
    assert.match(String(before.item.description), /not checked/);
    const report = await vscode.commands.executeCommand<HealthReport>('oli.checkHealth', { environment: ENV });
    assert.ok(report, JSON.stringify(a.registry.lastError));
    const rows = await renderTree(a);
    // Kinds, not classes: this suite's bundle has its own copy of the classes.
    const health = rows.find((r) => r.node.kind === 'health' && (r.node as HealthNode).environment === ENV)!;
    assert.match(String(health.item.description), /(error|warning|unknown|all ok)/);
    const findings = rows.filter((r) => r.node.kind === 'health-finding');
    assert.equal(findings.length, report.findings.length);
    const cert = findings.find((r) => (r.node as HealthFindingNode).finding.id === 'certificate')!;
    assert.equal((cert.node as HealthFindingNode).finding.level, 'warning');
    assert.match(String(cert.item.description), /day\(s\) left, within the 30-day warning/);
    assert.match((cert.item.tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, ' '), /Basis: documented by Oracle/);
    const last = state(ENV).history.at(-1);
    assert.deepEqual([last.action, last.via], ['health', 'vscode']);
    assert.equal(state(ENV).health.at, report.at);
  });

  it("Why Didn't This Land? shows the timeline and the verdict in a webview, and records the run", async () => {
    const r = await vscode.commands.executeCommand<WhyReport>('oli.whyDidntLand', { environment: ENV, learner: 'nobody.ops@example.com', content: 'urn:coursera:course:ops', since: new Date(Date.now() - 6 * 3_600_000).toISOString() });
    assert.ok(r, JSON.stringify(a.registry.lastError));
    assert.equal(r.verdict.outcome, 'not-landed');
    assert.equal(r.verdict.link, 'learner');
    const html = a.operations.why.html;
    assert.match(html, /data-outcome="not-landed"/);
    assert.match(html, /<li class="broken first" data-link="learner" data-status="broken">/);
    assert.match(html, /nobody\.ops@example\.com/);
    assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
    const last = state(ENV).history.at(-1);
    assert.deepEqual([last.action, last.outcome, last.via], ['why', 'not-landed', 'vscode']);
    // A page never carries what the webview could send back as a command.
    assert.ok(!/command:/.test(html));
  });

  it('the environments matrix: refreshed in parallel, the unreachable environment said in its own column', async () => {
    const first = await vscode.commands.executeCommand<string>('oli.showEnvironments');
    assert.match(first, /<th class="env" data-env="ops">/);
    assert.match(first, /<th class="env" data-env="standby">/);
    const r = await vscode.commands.executeCommand<{ refreshed: string[]; failed: string[] }>('oli.refreshAllEnvironments');
    assert.deepEqual(r, { refreshed: [ENV], failed: [STANDBY] });
    const html = await waitFor('the matrix with ops refreshed', () => (/<td class="cell [a-z]+" data-env="ops" data-status="[a-z-]+"/.test(a.operations.matrix.html) ? a.operations.matrix.html : undefined));
    assert.match(html, /data-env="standby">standby<div class="muted">http:\/\/127\.0\.0\.1:9<\/div><div class="error" data-env-note>could not be read: /);
    assert.equal((html.match(/<tr class="[a-z]*" data-step="/g) ?? []).length, 11, 'one row per step');
    assert.deepEqual([state(ENV).history.at(-1).action, state(ENV).history.at(-1).via], ['status', 'vscode']);
  });

  it('Compare Two Environments: an environment that cannot be read does not hide the other', async () => {
    const d = await vscode.commands.executeCommand<EnvironmentDiff>('oli.diffEnvironments', { a: ENV, b: STANDBY });
    assert.ok(d.errors[STANDBY]);
    assert.equal(d.snapshots.length, 1);
    assert.equal(d.snapshots[0]!.environment, ENV);
    const doc = vscode.window.activeTextEditor?.document.getText() ?? '';
    assert.match(doc, /What ops holds:/);
    assert.ok(!doc.includes(sb.password) && !doc.includes('standby-password-1'));
  });
});
