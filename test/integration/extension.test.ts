// The extension in a real extension host, driven through its commands against the sandbox pod.
// The tests run in order: they build up one workspace (plan, environments, credentials, results).
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { OliExtensionApi } from '../../src/views/runtime';
import type { StepResult } from '../../src/core/plan/result';
import type { StepNode } from '../../src/views/treeNodes';
import { SecretStorageCredentialStore } from '../../src/views/secretStorageCredentialStore';
import { api, iconId, renderTree, sandboxEnv, sandboxHook, waitFor, workspaceRoot, EXTENSION_ID } from './helpers';

const DEMO_CERT = `-----BEGIN CERTIFICATE-----
MIIDCTCCAfGgAwIBAgIUQ7mBvG0y0Vn6M3nW6c7m0hN1R6cwDQYJKoZIhvcNAQEL
-----END CERTIFICATE-----`;

function allFilesText(dir: string): string {
  let out = '';
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, name.name);
    if (name.isDirectory()) out += allFilesText(p);
    else out += readFileSync(p, 'utf8');
  }
  return out;
}

describe('Oracle Learning extension (real extension host)', function () {
  this.timeout(60_000);
  let a: OliExtensionApi;
  const sb = sandboxEnv();
  const root = workspaceRoot();

  before(async () => {
    for (const f of readdirSync(root)) rmSync(join(root, f), { recursive: true, force: true });
    a = await api();
    await a.model.reload();
  });

  describe('activation and manifest', () => {
    it('never activates at start-up and registers every command', async () => {
      const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { activationEvents: string[]; contributes: { commands: { command: string }[]; viewsWelcome: unknown[]; walkthroughs: unknown[] } };
      assert.ok(!pkg.activationEvents.some((e) => e === '*' || e === 'onStartupFinished'), `start-up activation: ${pkg.activationEvents.join(', ')}`);
      assert.ok(pkg.activationEvents.includes('workspaceContains:oracle-learning.json'));
      const all = await vscode.commands.getCommands(true);
      const declared = pkg.contributes.commands.map((c) => c.command);
      assert.ok(declared.length >= 20);
      for (const id of declared) assert.ok(all.includes(id), `command ${id} is declared but not registered`);
      assert.deepEqual([...a.registry.registered].sort(), [...declared].sort(), 'every registered command is declared, and vice versa');
      assert.ok(pkg.contributes.viewsWelcome.length >= 4);
      assert.equal(pkg.contributes.walkthroughs.length, 1);
      assert.ok(pkg.activationEvents.includes('onCustomEditor:oli.certificateViewer'));
      const editors = (pkg.contributes as unknown as { customEditors: { viewType: string; priority: string; selector: { filenamePattern: string }[] }[] }).customEditors;
      assert.deepEqual(
        editors.map((e) => `${e.viewType} ${e.priority} ${e.selector.map((x) => x.filenamePattern).join(',')}`),
        ['oli.certificateViewer default *.{der,p12,pfx}', 'oli.certificateViewer.text option *.{cer,crt,pem}'],
      );
    });

    it('activates cheaply: a small shell bundle; the runtime (zod, axios, node-forge) loads after activation', () => {
      const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
      const shellPath = join(ext.extensionPath, 'dist', 'extension.js');
      const runtimePath = join(ext.extensionPath, 'dist', 'runtime.js');
      const shellJs = readFileSync(shellPath, 'utf8');
      assert.ok(shellJs.length < 64 * 1024, `dist/extension.js is ${shellJs.length} bytes: something heavy got into the activation bundle`);
      for (const heavy of ['ZodError', 'node-forge', 'axios', 'PlanEngine']) assert.ok(!shellJs.includes(heavy), `dist/extension.js bundles ${heavy}`);
      // Figures for the report (no timing assertion): a fresh require of each bundle in this extension host.
      const fresh = (path: string) => {
        delete require.cache[require.resolve(path)];
        const t0 = performance.now();
        require(path);
        return performance.now() - t0;
      };
      const shellLoadMs = fresh(shellPath);
      const runtimeLoadMs = fresh(runtimePath);
      const t = a.timings;
      console.log(
        `      activation: shell bundle load ${shellLoadMs.toFixed(1)} ms + activate() ${t.activateMs.toFixed(1)} ms = ${(shellLoadMs + t.activateMs).toFixed(1)} ms; ` +
          `after activation: runtime load ${t.runtimeLoadMs.toFixed(1)} ms (fresh require now: ${runtimeLoadMs.toFixed(1)} ms), runtime start ${t.runtimeStartMs.toFixed(1)} ms`,
      );
      assert.ok(t.activateMs >= 0 && t.runtimeLoadMs > 0);
    });

    it('shows no tree (the welcome view) while there is no plan', async () => {
      assert.equal(a.model.plan, undefined);
      assert.deepEqual(await a.tree.getChildren(), []);
      assert.equal(a.contextKeys.get('oli.hasPlan'), false);
      assert.equal(a.contextKeys.get('oli.hasFolder'), true);
      assert.equal(a.statusBar.item.text, '', 'no status bar item without a plan');
    });
  });

  describe('plan, environments and credentials', () => {
    it('creates a plan from the command arguments', async () => {
      const path = await vscode.commands.executeCommand<string>('oli.createPlan', {
        provider: 'coursera',
        auth: 'jwt',
        environments: [{ name: 'dev', url: sb.url }],
        issuer: 'https://coursera.example.invalid/issuer',
      });
      assert.equal(path, join(root, 'oracle-learning.json'));
      const plan = JSON.parse(readFileSync(path, 'utf8')) as { provider: string; environments: Record<string, { url: string }> };
      assert.equal(plan.provider, 'coursera');
      assert.equal(plan.environments.dev!.url, sb.url);
      assert.equal(a.model.activeEnvironment, 'dev');
      assert.equal(a.contextKeys.get('oli.hasPlan'), true);
      assert.equal(a.contextKeys.get('oli.hasCredentials'), false);
      assert.deepEqual(await a.tree.getChildren(), [], 'no credentials and no results: the "set credentials" welcome shows');
      assert.match(a.statusBar.item.text, /dev.*no credentials/);
    });

    it('rejects invalid arguments with a message, not a crash', async () => {
      const r = await vscode.commands.executeCommand('oli.addEnvironment', { name: 'bad name!', url: 'ftp://x' });
      assert.equal(r, undefined);
      assert.equal(a.registry.lastError?.command, 'oli.addEnvironment');
      assert.ok(!a.model.environments.includes('bad name!'));
    });

    it('stores wrong credentials, tests them and warns in the status bar', async () => {
      const r = await vscode.commands.executeCommand<{ ok: boolean; message: string }>('oli.setCredentials', { environment: 'dev', username: sb.user, password: 'not-the-password' });
      assert.equal(r.ok, false);
      assert.match(r.message, /401|auth/i);
      assert.ok(!r.message.includes('not-the-password'));
      assert.equal(a.model.connection('dev')?.ok, false);
      assert.match(a.statusBar.item.text, /\$\(warning\) dev \(credentials refused\)/);
      assert.ok(a.statusBar.item.backgroundColor instanceof vscode.ThemeColor);
    });

    it('a 401 during a run offers "Update Credentials"', async () => {
      await vscode.commands.executeCommand('oli.refresh');
      assert.equal(a.registry.lastError?.command, 'oli.refresh');
      assert.ok(a.registry.lastError?.actions.includes('oli.setCredentials'), JSON.stringify(a.registry.lastError));
      assert.ok(!a.registry.lastError!.message.includes('not-the-password'));
    });

    it('keeps the right credentials in SecretStorage only', async () => {
      const r = await vscode.commands.executeCommand<{ ok: boolean; message: string }>('oli.setCredentials', { environment: 'dev', username: sb.user, password: sb.password });
      assert.equal(r.ok, true, r.message);
      const stored = await a.credentials.get('dev', sb.url);
      assert.deepEqual(stored.admin, { kind: 'basic', username: sb.user, password: sb.password });
      assert.deepEqual(await a.credentials.keys(), [`oracle-learning/dev@${new URL(sb.url).origin}/admin`], 'bound to the environment and its pod');
      assert.equal(a.contextKeys.get('oli.hasCredentials'), true);
      assert.equal(a.contextKeys.get('oli.connectionOk'), true);
      assert.match(a.statusBar.item.text, /^\$\(cloud\) dev$/);
      assert.equal(a.statusBar.item.backgroundColor, undefined);
      assert.ok(!allFilesText(root).includes(sb.password), 'the password is in a workspace file');
      const settings = JSON.stringify(vscode.workspace.getConfiguration().inspect('oracleLearning') ?? {});
      assert.ok(!settings.includes(sb.password));
      assert.ok(!a.log.redact(`sent ${sb.password} here`).includes(sb.password), 'the log redacts the stored password');
    });
  });

  describe('status, decorations and runs', () => {
    let results: StepResult[];

    it('refreshes every step and renders environment → provider → steps → sub-checks', async () => {
      results = (await vscode.commands.executeCommand<StepResult[]>('oli.refresh'))!;
      const steps = a.model.profile!.steps;
      assert.equal(results.length, steps.length);
      const tree = await renderTree(a);
      const env = tree.find((t) => t.node.kind === 'environment')!;
      assert.equal(env.item.label, 'dev');
      assert.equal(env.depth, 0);
      const provider = tree.find((t) => t.node.kind === 'provider')!;
      assert.equal(provider.item.label, 'Coursera');
      const stepItems = tree.filter((t) => t.node.kind === 'step');
      assert.equal(stepItems.length, steps.length);
      assert.ok(stepItems.every((s) => s.depth === 2));
      for (const s of stepItems) {
        const r = results.find((x) => x.id === (s.node as StepNode).definition.id)!;
        assert.ok(String(s.item.description).length > 0);
        assert.ok(s.item.tooltip instanceof vscode.MarkdownString);
        assert.match((s.item.tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, ' '), /Last checked: \S/, 'tooltip has the last check time');
        assert.ok(iconId(s.item), 'each step has a ThemeIcon');
        if (r.status === 'done') assert.equal(iconId(s.item), 'pass-filled');
        if (r.status === 'failed') assert.equal(iconId(s.item), 'error');
        if (r.status === 'needs-action') assert.equal(iconId(s.item), 'warning');
      }
      const distinctIcons = new Set(stepItems.map((s) => iconId(s.item)));
      assert.ok(distinctIcons.size >= 3, `at least three status icons, got ${[...distinctIcons].join(', ')}`);
      assert.ok(tree.some((t) => t.node.kind === 'check' && t.depth === 3), 'sub-checks under steps');
      assert.ok(tree.some((t) => t.node.kind === 'guidance'), 'guided steps show their checklist');
      assert.ok(tree.some((t) => t.item.command?.command === 'oli.openInOracle'), 'guided steps show their deep link');
      assert.equal(a.contextKeys.get('oli.statusChecked'), true);
    });

    it('decorates steps by status and marks the parents with the worst child', async () => {
      const tree = await renderTree(a);
      const badges = new Set<string>();
      for (const t of tree.filter((x) => x.node.kind === 'step')) {
        const d = a.decorations.provideFileDecoration(t.item.resourceUri!);
        if (d?.badge) badges.add(d.badge);
      }
      assert.ok(badges.size >= 2, `status badges: ${[...badges].join(' ')}`);
      const worst = results.some((r) => r.status === 'failed') ? '✗' : '!';
      const env = tree.find((t) => t.node.kind === 'environment')!;
      assert.equal(a.decorations.provideFileDecoration(env.item.resourceUri!)?.badge, worst);
      const provider = tree.find((t) => t.node.kind === 'provider')!;
      assert.equal(a.decorations.provideFileDecoration(provider.item.resourceUri!)?.badge, worst);
      assert.ok(a.treeView.badge && a.treeView.badge.value > 0, 'the view badge counts the steps that need action');
    });

    it('runs a step from the command: a spinner while it runs, then done', async () => {
      await a.autoRefresh.idle(); // the status read again after the credential change, if still under way
      const plan = a.model.plan!;
      await sandboxHook('roles', { name: plan.jobRole.name, displayName: plan.jobRole.displayName ?? plan.jobRole.name, category: 'JOB', duties: ['ORA_WLF_LEARNING_CONTENT_PROVIDER_DUTY'] });
      await vscode.commands.executeCommand('oli.attestStep', { step: 'job-role' }, 'Role hierarchy holds only Learning Content Provider.');
      await sandboxHook('latency', { ms: 250 });
      try {
        const pending = vscode.commands.executeCommand<StepResult>('oli.runStep', { step: 'integration-user', environment: 'dev' });
        const spinning = await waitFor('the running spinner', async () => {
          const item = (await renderTree(a)).find((t) => t.node.kind === 'step' && (t.node as StepNode).definition.id === 'integration-user');
          return item && iconId(item.item) === 'loading~spin' ? item.item : undefined;
        });
        assert.equal(spinning.description, 'running…');
        assert.equal(a.running.get('dev', 'integration-user'), 'running…');
        const r = await pending;
        assert.equal(r?.status, 'done', r?.detail);
      } finally {
        await sandboxHook('latency', { ms: 0 });
      }
      assert.equal(a.running.get('dev', 'integration-user'), undefined, 'transient state cleared');
      const after = (await renderTree(a)).find((t) => t.node.kind === 'step' && (t.node as StepNode).definition.id === 'integration-user')!;
      assert.equal(iconId(after.item), 'pass-filled');
      assert.equal(a.model.result('dev', 'integration-user')?.status, 'done');
      const state = JSON.parse(readFileSync(join(root, '.oracle-learning', 'dev.state.json'), 'utf8')) as { lastResults: Record<string, { status: string }> };
      assert.equal(state.lastResults['integration-user']?.status, 'done', 'the state file records the result');
    });

    it('attests a guided step with a note', async () => {
      const r = await vscode.commands.executeCommand<StepResult>('oli.attestStep', { step: 'provider-account', environment: 'dev' }, 'Coursera contract C-42 allows the integration.');
      assert.equal(r?.status, 'attested');
      const item = (await renderTree(a)).find((t) => t.node.kind === 'step' && (t.node as StepNode).definition.id === 'provider-account')!;
      assert.equal(iconId(item.item), 'verified-filled');
      assert.match((item.item.tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, ' '), /C-42/);
      const state = readFileSync(join(root, '.oracle-learning', 'dev.state.json'), 'utf8');
      assert.match(state, /Coursera contract C-42/);
    });

    it('refuses to attest an automatic step and to run a guided one', async () => {
      await vscode.commands.executeCommand('oli.attestStep', { step: 'integration-user' }, 'nope');
      assert.equal(a.registry.lastError?.command, 'oli.attestStep');
      await vscode.commands.executeCommand('oli.runStep', { step: 'sso' });
      assert.equal(a.registry.lastError?.command, 'oli.runStep');
      assert.match(a.registry.lastError!.message, /guided/);
    });

    it('opens a redacted dry-run request plan as a document', async () => {
      const r = await vscode.commands.executeCommand<{ planned: number; content: string }>('oli.dryRun', { step: 'scheduled-processes', environment: 'dev' });
      assert.ok(r, JSON.stringify(a.registry.lastError));
      assert.match(r.content, /Dry run/);
      assert.ok(!r.content.includes(sb.password));
      const doc = vscode.window.activeTextEditor?.document;
      assert.equal(doc?.languageId, 'markdown');
      assert.equal(doc?.getText(), r.content);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    });

    it('checks learner identities from a file', async () => {
      const auth = 'Basic ' + Buffer.from(`${sb.user}:${sb.password}`).toString('base64');
      const res = await fetch(`${sb.url}/hcmRestApi/scim/Users?count=30&attributes=userName,emails,active`, { headers: { authorization: auth } });
      const body = (await res.json()) as { Resources: { active: boolean; emails?: { value: string; primary?: boolean }[] }[] };
      const emails = body.Resources.filter((u) => u.active).map((u) => u.emails?.find((e) => e.primary)?.value).filter((e): e is string => !!e).slice(0, 5);
      writeFileSync(join(root, 'learners.csv'), `email\n${emails.join('\n')}\nnobody.at.all@example.com\n`);
      const report = await vscode.commands.executeCommand<{ summary: { total: number; matched: number; missing: number } }>('oli.checkIdentities', { file: 'learners.csv', open: false });
      assert.ok(report, JSON.stringify(a.registry.lastError));
      assert.equal(report.summary.total, emails.length + 1);
      assert.equal(report.summary.missing, 1);
    });

    it('probes the environment read-only: a Markdown report, the summary in the tree, what it confirmed kept for status; tooltips say each finding\'s basis', async () => {
      const report = await vscode.commands.executeCommand<{ requests: number; summary: Record<string, number>; assumptions: { id: string; outcome: string }[] }>('oli.probeEnvironment', { environment: 'dev' });
      assert.ok(report, JSON.stringify(a.registry.lastError));
      assert.ok(report.assumptions.some((x) => x.id === 'sign-in' && x.outcome === 'confirmed'));
      const doc = vscode.window.activeTextEditor?.document;
      assert.equal(doc?.languageId, 'markdown');
      assert.match(doc!.getText(), /^# Probe of dev/m);
      assert.match(doc!.getText(), /Missing privileges of the administrator, per step/);
      assert.ok(!doc!.getText().includes(sb.password), 'no secret in the report');
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      const probe = await waitFor('the probe kept in the state', () => a.model.state('dev').probe);
      assert.match(probe.summary ?? '', /\d+ confirmed, \d+ contradicted, \d+ refused, \d+ not available/);
      const tree = await renderTree(a);
      const line = tree.find((t) => t.node.id.endsWith('/probe'));
      assert.ok(line, 'a one-line probe summary under the environment');
      assert.equal(line.depth, 1);
      assert.equal(line.item.label, `Probe: ${probe.summary}`);
      const check = tree.find((t) => t.node.kind === 'check')!;
      const text = (item: vscode.TreeItem) => (item.tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, ' ');
      assert.match(text(check.item), /Basis: (documented by Oracle|inferred|sandbox stand-in)/);
      const step = tree.find((t) => t.node.kind === 'step' && (t.node as StepNode).result?.basis)!;
      assert.match(text(step.item), /Basis: /);
    });

    it('exports the report without secrets', async () => {
      const path = await vscode.commands.executeCommand<string>('oli.exportReport', { file: 'report-dev.md', open: false });
      assert.equal(path, join(root, 'report-dev.md'));
      const text = readFileSync(path, 'utf8');
      assert.match(text, /integration-user|Integration user/i);
      assert.match(text, /C-42/);
      assert.ok(!text.includes(sb.password));
      const json = await vscode.commands.executeCommand<string>('oli.exportReport', { file: 'report-dev.json', open: false });
      const parsed = JSON.parse(readFileSync(json, 'utf8')) as { environment: { name: string }; steps: unknown[] };
      assert.equal(parsed.environment.name, 'dev');
      assert.equal(parsed.steps.length, a.model.profile!.steps.length);
    });
  });

  describe('credential store edge cases', () => {
    it('says clearly when the OS keyring is unavailable, and rejects a corrupt entry', async () => {
      const failing = new SecretStorageCredentialStore({
        get: () => Promise.reject(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')),
        store: () => Promise.reject(new Error('no keyring')),
        delete: () => Promise.reject(new Error('no keyring')),
        keys: () => Promise.reject(new Error('no keyring')),
        onDidChange: new vscode.EventEmitter<vscode.SecretStorageChangeEvent>().event,
      });
      await assert.rejects(failing.get('dev', 'https://pod.example.com'), (e: Error & { reason?: string }) => e.reason === 'keyring-unavailable' && /keyring/.test(e.message) && /--password-store=basic/.test(e.message));
      await assert.rejects(failing.set('dev', 'https://pod.example.com', 'admin', { kind: 'basic', username: 'u', password: 'p-secret' }), (e: Error) => !e.message.includes('p-secret'));
      const corrupt = new SecretStorageCredentialStore({
        get: (k: string) => Promise.resolve(k.endsWith('/admin') ? '{"kind":"basic"' : undefined),
        store: () => Promise.resolve(),
        delete: () => Promise.resolve(),
        keys: () => Promise.resolve([]),
        onDidChange: new vscode.EventEmitter<vscode.SecretStorageChangeEvent>().event,
      });
      await assert.rejects(corrupt.get('dev', 'https://pod.example.com'), (e: Error & { reason?: string }) => e.reason === 'corrupt' && /Set Credentials/.test(e.message));
    });
  });

  describe('environments', () => {
    it('adds, edits, selects and removes an environment; its secrets go with it', async () => {
      assert.equal(await vscode.commands.executeCommand('oli.addEnvironment', { name: 'prod', url: 'https://abcd.fa.us2.oraclecloud.com', production: true, select: false }), 'prod');
      assert.deepEqual(a.model.environments, ['dev', 'prod']);
      await vscode.commands.executeCommand('oli.setCredentials', { environment: 'prod', username: 'admin', password: 'prod-secret-123' });
      assert.ok((await a.credentials.keys()).includes('oracle-learning/prod@https://abcd.fa.us2.oraclecloud.com/admin'));
      await vscode.commands.executeCommand('oli.editEnvironment', { environment: 'prod', url: 'https://efgh.fa.us2.oraclecloud.com' });
      assert.equal(a.model.plan!.environments.prod!.url, 'https://efgh.fa.us2.oraclecloud.com');
      await vscode.commands.executeCommand('oli.selectEnvironment', { environment: 'prod' });
      assert.equal(a.model.activeEnvironment, 'prod');
      assert.match(a.statusBar.item.text, /prod/);
      assert.ok(a.statusBar.item.backgroundColor instanceof vscode.ThemeColor, 'production is coloured');
      assert.equal(await vscode.commands.executeCommand('oli.removeEnvironment', { environment: 'prod' }), 'prod');
      assert.deepEqual(a.model.environments, ['dev']);
      assert.equal(a.model.activeEnvironment, 'dev');
      assert.deepEqual(await a.credentials.keys(), [`oracle-learning/dev@${new URL(sb.url).origin}/admin`], 'the removed environment left no secret (for any of its pods)');
      assert.ok(!readFileSync(join(root, 'oracle-learning.json'), 'utf8').includes('prod-secret-123'));
    });
  });

  describe('inspector webview', () => {
    it('opens, completes the ready handshake and inspects a certificate selection', async () => {
      const { selfSignedRsa } = await import('../../src/core/plan/oracleJwt');
      const pem = selfSignedRsa('Inspector test issuer', 90).certificatePem;
      const doc = await vscode.workspace.openTextDocument({ content: pem, language: 'plaintext' });
      const editor = await vscode.window.showTextDocument(doc);
      editor.selection = new vscode.Selection(0, 0, doc.lineCount, 0);
      const msg = await vscode.commands.executeCommand<{ type: string; report?: { ok: boolean; certificates: { subject: string; x5t: string }[] } }>('oli.inspectSelection');
      assert.equal(msg?.type, 'certificate-result', JSON.stringify(msg ?? a.registry.lastError));
      assert.equal(msg.report!.ok, true);
      assert.match(msg.report!.certificates[0]!.subject, /Inspector test issuer/);
      await waitFor('the webview ready message', () => a.inspector.isReady, 30_000);
      assert.ok(a.inspector.received.some((m) => m.type === 'ready'));
      const bad = await vscode.commands.executeCommand<{ type: string }>('oli.inspectSelection', DEMO_CERT);
      assert.equal(bad?.type, 'error', 'a truncated certificate is reported, not thrown');
      a.inspector.close();
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    });
  });

  describe('local sandbox command', () => {
    it('starts the sandbox (its own process), adds and selects the "sandbox" environment with its credentials', async () => {
      const url = await vscode.commands.executeCommand<string>('oli.startSandbox');
      assert.match(url ?? '', /^http:\/\/127\.0\.0\.1:\d+$/, JSON.stringify(a.registry.lastError));
      try {
        assert.equal(a.model.activeEnvironment, 'sandbox');
        assert.equal(a.model.plan!.environments.sandbox!.url, url);
        assert.ok((await a.credentials.get('sandbox', url!)).admin);
        assert.equal(a.contextKeys.get('oli.sandboxRunning'), true);
        const results = await vscode.commands.executeCommand<StepResult[]>('oli.refresh');
        assert.equal(results?.length, a.model.profile!.steps.length, JSON.stringify(a.registry.lastError));
        assert.ok(existsSync(join(root, '.oracle-learning', 'sandbox.state.json')));
      } finally {
        assert.equal(await vscode.commands.executeCommand('oli.stopSandbox'), true);
      }
      assert.equal(a.contextKeys.get('oli.sandboxRunning'), false);
    });
  });
});
