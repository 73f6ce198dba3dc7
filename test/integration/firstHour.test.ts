// The first hour (issue 16) in a real extension host: practice mode on the local sandbox and only
// there, the sandbox as a process that outlives the window, states that say why, automatic refresh,
// messages for people, plain-text accessible names. Runs after extension.test.ts (same workspace).
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer } from 'node:net';
import { once } from 'node:events';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { OliExtensionApi } from '../../src/views/runtime';
import type { StepResult } from '../../src/core/plan/result';
import type { AutoRefreshRun } from '../../src/views/autoRefresh';
import type { EnvironmentNode, PracticeNode, StepNode, IntegrationNode } from '../../src/views/treeNodes';
import { LocalSandboxSession, SANDBOX_PLAN_URL } from '../../src/views/localSandbox';
import { isSatisfied } from '../../src/core/plan/stepIds';
import { api, renderTree, sandboxEnv, waitFor, workspaceRoot, EXTENSION_ID } from './helpers';

const SANDBOX = 'sandbox';

/** Resolves with the next automatic refresh that matches (a refresh nobody asked for by command). */
function nextAutoRefresh(a: OliExtensionApi, match: (r: AutoRefreshRun) => boolean = () => true, timeoutMs = 30_000): Promise<AutoRefreshRun> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no automatic refresh within ${timeoutMs} ms (last: ${JSON.stringify(a.autoRefresh.last)})`));
    }, timeoutMs);
    const sub = a.autoRefresh.onDidRun((r) => {
      if (!match(r)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(r);
    });
  });
}

async function children(a: OliExtensionApi, node?: IntegrationNode): Promise<IntegrationNode[]> {
  return a.tree.getChildren(node);
}

// Nodes are built by the extension's bundle, this suite is another: compare kinds, not classes.
const isEnv = (n: IntegrationNode, name: string): n is EnvironmentNode => n.kind === 'environment' && (n as EnvironmentNode).environment === name;
const isStep = (n: IntegrationNode): n is StepNode => n.kind === 'step';
const isPractice = (n: IntegrationNode): n is PracticeNode => n.kind === 'practice';

function label(a: OliExtensionApi, n: IntegrationNode): string {
  const l = a.tree.getTreeItem(n).label;
  return typeof l === 'string' ? l : (l?.label ?? '');
}

describe('The first hour (issue 16)', function () {
  this.timeout(90_000);
  let a: OliExtensionApi;
  const sb = sandboxEnv();
  const root = workspaceRoot();
  const planPath = join(root, 'oracle-learning.json');

  before(async () => {
    a = await api();
    await a.model.reload();
    if (!a.model.plan) {
      await vscode.commands.executeCommand('oli.createPlan', { provider: 'coursera', auth: 'jwt', environments: [{ name: 'dev', url: sb.url }], issuer: 'https://coursera.example.invalid/issuer', overwrite: true });
      await vscode.commands.executeCommand('oli.setCredentials', { environment: 'dev', username: sb.user, password: sb.password });
    }
  });

  after(async () => {
    // Never leave a sandbox process behind.
    await vscode.commands.executeCommand('oli.stopSandbox');
  });

  it('"Create Plan" is not offered once a plan exists (palette and welcome)', () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { menus: { commandPalette: { command: string; when: string }[] } } };
    const when = pkg.contributes.menus.commandPalette.find((m) => m.command === 'oli.createPlan')!.when;
    assert.match(when, /!oli\.hasPlan/);
    assert.equal(a.contextKeys.get('oli.hasPlan'), true);
  });

  describe('practice is never offered nor callable for another environment', () => {
    it('on "dev" (an emulator too, but not the sandbox this window started): no practice node, no palette entry, and the command refuses before any change', async () => {
      await vscode.commands.executeCommand('oli.selectEnvironment', { environment: 'dev' });
      const tree = await renderTree(a);
      assert.ok(!tree.some((t) => isPractice(t.node) && t.node.step.environment === 'dev'), 'no practice node under dev');
      assert.ok(!tree.some((t) => t.node.kind === 'step' && /:practice/.test(String(t.item.contextValue)) && (t.node as StepNode).environment === 'dev'));
      assert.equal(a.contextKeys.get('oli.practiceAvailable'), false);
      // Count the ESS requests on the test pod: a practice of the schedules would submit some.
      const auth = 'Basic ' + Buffer.from(`${sb.user}:${sb.password}`).toString('base64');
      const count = async () => ((await (await fetch(`${sb.url}/ess/rest/scheduler/v1/requests?limit=500`, { headers: { authorization: auth } })).json()) as { items: unknown[] }).items.length;
      const before = await count();
      const r = await vscode.commands.executeCommand('oli.practiceStep', { environment: 'dev', step: 'scheduled-processes' }, false);
      assert.equal(r, undefined);
      assert.equal(a.registry.lastError?.command, 'oli.practiceStep');
      assert.match(a.registry.lastError!.message, /local sandbox only/);
      assert.equal(await count(), before, 'nothing was submitted to the other pod');
    });
  });

  describe('the local sandbox: its own process, a stable plan URL, and a view that tells the truth', () => {
    let planAfterFirstStart = '';

    it('Start Local Sandbox: a separate process; the view reads the status by itself (no Refresh)', async () => {
      await vscode.commands.executeCommand('oli.stopSandbox');
      const refreshed = nextAutoRefresh(a, (r) => r.environment === SANDBOX);
      const url = await vscode.commands.executeCommand<string>('oli.startSandbox');
      assert.match(url ?? '', /^http:\/\/127\.0\.0\.1:\d+$/, JSON.stringify(a.registry.lastError));
      const record = a.sandbox.record!;
      assert.notEqual(record.pid, process.pid, 'the sandbox runs in its own process, not in the extension host');
      const info = (await (await fetch(`${url}/__sandbox/info`)).json()) as { emulator: boolean; pid: number };
      assert.deepEqual([info.emulator, info.pid], [true, record.pid]);
      const run = await refreshed;
      assert.ok(run.ok, JSON.stringify(run));
      assert.equal(a.contextKeys.get('oli.statusChecked'), true, 'every step has a status without a manual Refresh');
      assert.equal(a.statusBar.problem(SANDBOX), undefined, a.statusBar.item.text);
      assert.equal(JSON.parse(readFileSync(planPath, 'utf8')).environments.sandbox.url, SANDBOX_PLAN_URL, 'the plan keeps the stable URL');
      assert.equal(a.model.plan!.environments.sandbox!.url, url, 'the environment resolves to the live URL');
      planAfterFirstStart = readFileSync(planPath, 'utf8');
    });

    it('outlives its extension host: a new session (a reloaded window) reattaches to the same process', async () => {
      const record = a.sandbox.record!;
      const memento = { get: () => record, update: async () => undefined, keys: () => [] } as unknown as vscode.Memento;
      const reloaded = new LocalSandboxSession(memento, undefined, vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, a.log.for('sandbox'));
      try {
        assert.equal(await reloaded.attach(), true);
        assert.equal(reloaded.url, record.url);
        assert.equal(reloaded.offersPractice(SANDBOX, record.url), true);
        assert.equal(reloaded.offersPractice('dev', sb.url), false);
      } finally {
        reloaded.dispose(); // a reload disposes the session: the process must keep running
      }
      assert.equal(await a.sandbox.probe(), true, 'disposing a session does not stop the sandbox');
    });

    it('stopped, it says "the local sandbox is not running" with Start Local Sandbox; Refresh offers to start it', async () => {
      assert.equal(await vscode.commands.executeCommand('oli.stopSandbox'), true);
      const env = (await children(a)).find((n): n is EnvironmentNode => isEnv(n, SANDBOX))!;
      assert.equal(env.envKind, 'sandbox-stopped');
      assert.match(String(a.tree.getTreeItem(env).description), /local sandbox, not Oracle · not running$/);
      const kids = (await children(a, env)).map((n) => [label(a, n), a.tree.getTreeItem(n).command?.command]);
      assert.deepEqual(kids, [
        ['The local sandbox is not running', undefined],
        ['Start Local Sandbox', 'oli.startSandbox'],
      ]);
      assert.match(a.statusBar.item.text, /sandbox \(local sandbox not running\)/);
      assert.equal(a.statusBar.item.command, 'oli.startSandbox');
      await vscode.commands.executeCommand('oli.refresh');
      assert.match(a.registry.lastError?.message ?? '', /local sandbox is not running/);
      assert.deepEqual(a.registry.lastError?.actions, ['oli.startSandbox']);
    });

    it('Stop → Start: the state is right again without a Refresh, and the plan file is untouched', async () => {
      const refreshed = nextAutoRefresh(a, (r) => r.environment === SANDBOX);
      await vscode.commands.executeCommand('oli.startSandbox');
      assert.ok((await refreshed).ok);
      assert.equal(a.statusBar.problem(SANDBOX), undefined);
      assert.equal(a.model.connection(SANDBOX)?.ok, true);
      assert.equal(readFileSync(planPath, 'utf8'), planAfterFirstStart, 'no port is written into the plan');
    });
  });

  describe('practice actions on the local sandbox', () => {
    it('are offered in the checklists of the steps that need the Oracle UI, labelled as a simulation', async () => {
      assert.equal(a.contextKeys.get('oli.practiceAvailable'), true);
      const tree = await renderTree(a);
      const practice = tree.filter((t) => isPractice(t.node));
      const steps = new Set(practice.map((t) => (t.node as PracticeNode).step.definition.id));
      for (const id of ['provider-account', 'sso', 'job-role', 'external-provider', 'api-authentication', 'scheduled-processes']) assert.ok(steps.has(id as never), `practice for ${id}`);
      for (const p of practice) {
        assert.equal(p.node.parent?.kind, 'guidance', 'inside the checklist');
        assert.equal(p.item.label, 'Do this in the sandbox');
        assert.match(String(p.item.description), /simulates the Oracle page; not Oracle/);
        assert.match((p.item.tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, ' '), /simulation of the Oracle UI/);
      }
    });

    it('"Do this in the sandbox" on the job role: the role exists in the pod, and the attestation says it was practice', async () => {
      const { practiceNote } = await import('../../src/commands/practiceCommands');
      // The palette and the tree ask for the note in an input box prefilled with practiceNote(...); a test passes it.
      const r = await vscode.commands.executeCommand<{ simulated: string; result?: StepResult }>('oli.practiceStep', { environment: SANDBOX, step: 'job-role' }, practiceNote('job role created in the sandbox'));
      assert.ok(r, JSON.stringify(a.registry.lastError));
      assert.match(r.simulated, /^Security Console > Roles: job role XX_\w+ (created|already existed)/);
      assert.equal(r.result?.status, 'attested', r.result?.detail);
      assert.match(r.result!.attestation!.note, /^Practice on the local sandbox \(a simulation of the Oracle UI, not Oracle\)/);
      // The role is in the local sandbox (read through SCIM by the step's check).
      const roles = await a.controller.refreshStatus(SANDBOX);
      assert.equal(roles.find((x) => x.id === 'job-role')?.checks.find((c) => c.id === 'exists')?.outcome, 'pass');
    });

    it('with a note given, a guided practice attests at once; before its prerequisite it says what to do first', async () => {
      const early = await vscode.commands.executeCommand('oli.practiceStep', { environment: SANDBOX, step: 'external-provider' }, 'practice');
      if (early === undefined) assert.match(a.registry.lastError?.message ?? '', /integration user .* does not exist yet: run the integration user step first/);
      const sso = await vscode.commands.executeCommand<{ result?: StepResult }>('oli.practiceStep', { environment: SANDBOX, step: 'sso' }, 'Practice: SSO simulated.');
      assert.equal(sso?.result?.status, 'attested');
    });

    it('a blocked step names what it waits for by title', async () => {
      await vscode.commands.executeCommand('oli.refresh', { environment: SANDBOX });
      const blocked = a.model.profile!.steps.map((s) => a.model.result(SANDBOX, s.id)).filter((r): r is StepResult => r?.status === 'blocked');
      for (const r of blocked) {
        assert.match(r.detail, /^Waiting for "/);
        assert.doesNotMatch(r.detail, /Waiting for [a-z]+-[a-z-]+ \(/);
      }
    });

    it('"Open in Oracle" on the sandbox opens the sandbox\'s page for that Oracle page; on a pod, Oracle\'s', async () => {
      const url = await vscode.commands.executeCommand<string>('oli.openInOracle', { environment: SANDBOX, step: 'job-role' });
      assert.match(url ?? '', /\/fscmUI\/faces\/FuseWelcome#navigator-tools-security-console-roles$/);
      const html = await (await fetch(url!)).text();
      assert.match(html, /id="navigator-tools-security-console-roles"/);
      assert.match(html, /not Oracle/);
      const pod = await vscode.commands.executeCommand<string>('oli.openInOracle', { environment: 'dev', step: 'job-role' });
      assert.equal(pod, new URL('/fscmUI/faces/FuseWelcome', sb.url).toString(), 'no sandbox anchor elsewhere');
    });
  });

  describe('states that tell the truth', () => {
    it('the status bar and the environment row say why the last attempt failed, until the next success', async () => {
      const closed = createTcpServer().listen(0, '127.0.0.1');
      await once(closed, 'listening');
      const port = (closed.address() as { port: number }).port;
      closed.close();
      await vscode.commands.executeCommand('oli.addEnvironment', { name: 'gone', url: `http://127.0.0.1:${port}`, select: true });
      await vscode.commands.executeCommand('oli.setCredentials', { environment: 'gone', username: sb.user, password: 'not-the-password' });
      await vscode.commands.executeCommand('oli.refresh', { environment: 'gone' });
      assert.match(a.statusBar.item.text, /gone \(unreachable\)$/);
      const row = (await children(a)).find((n): n is EnvironmentNode => isEnv(n, 'gone'))!;
      assert.match(String(a.tree.getTreeItem(row).description), /· unreachable$/);
      assert.equal((a.tree.getTreeItem(row).iconPath as vscode.ThemeIcon).id, 'debug-disconnect');

      await vscode.commands.executeCommand('oli.editEnvironment', { environment: 'gone', url: sb.url });
      // Credentials are bound to their pod: set again for the new address (the stored ones are not sent there unasked).
      await vscode.commands.executeCommand('oli.setCredentials', { environment: 'gone', username: sb.user, password: 'not-the-password' });
      await vscode.commands.executeCommand('oli.refresh', { environment: 'gone' });
      assert.match(a.statusBar.item.text, /gone \(credentials refused\)$/);

      // TLS: a server whose certificate nobody trusts (never bypassed).
      const { selfSignedRsa } = await import('../../src/core/plan/oracleJwt');
      const pair = selfSignedRsa('127.0.0.1', 2);
      const tls = createHttpsServer({ key: pair.privateKeyPem, cert: pair.certificatePem }, (_req, res) => res.end('{}')).listen(0, '127.0.0.1');
      await once(tls, 'listening');
      try {
        await vscode.commands.executeCommand('oli.editEnvironment', { environment: 'gone', url: `https://127.0.0.1:${(tls.address() as { port: number }).port}` });
        await vscode.commands.executeCommand('oli.setCredentials', { environment: 'gone', username: sb.user, password: 'not-the-password' });
        await vscode.commands.executeCommand('oli.refresh', { environment: 'gone' });
        assert.match(a.statusBar.item.text, /gone \(TLS certificate not trusted\)$/);
        assert.equal((a.tree.getTreeItem((await children(a)).find((n) => isEnv(n, 'gone'))!).iconPath as vscode.ThemeIcon).id, 'lock');
      } finally {
        tls.close();
      }

      // The next success clears it.
      await vscode.commands.executeCommand('oli.editEnvironment', { environment: 'gone', url: sb.url });
      const ok = await vscode.commands.executeCommand<{ ok: boolean }>('oli.setCredentials', { environment: 'gone', username: sb.user, password: sb.password });
      assert.equal(ok?.ok, true);
      assert.match(a.statusBar.item.text, /^\$\(cloud\) gone$/);
      await vscode.commands.executeCommand('oli.removeEnvironment', { environment: 'gone' });
      await vscode.commands.executeCommand('oli.selectEnvironment', { environment: SANDBOX });
    });

    it('a plan edit (a renamed certificate) and a change of a file the plan names are read again by themselves', async () => {
      const original = readFileSync(planPath, 'utf8');
      const plan = JSON.parse(original) as { jwt: { certificate: string } };
      const cert = plan.jwt.certificate;
      const certPath = join(root, cert);
      if (!existsSync(certPath)) {
        // The plan of extension.test.ts names a certificate it never wrote: give it one first.
        const { selfSignedRsa } = await import('../../src/core/plan/oracleJwt');
        const first = nextAutoRefresh(a, (r) => r.reasons.some((x) => x.includes(cert)));
        writeFileSync(certPath, selfSignedRsa('Provider (integration test)', 30).certificatePem);
        await first;
      }
      const certText = readFileSync(certPath, 'utf8');
      const status = () => a.model.result(SANDBOX, 'provider-credentials')?.status;
      try {
        let run = nextAutoRefresh(a, (r) => r.reasons.includes('the plan changed'));
        writeFileSync(planPath, JSON.stringify({ ...plan, jwt: { ...plan.jwt, certificate: 'renamed.cer' } }, null, 2));
        await run;
        assert.equal(status(), 'failed', 'the renamed certificate is missing, without a Refresh');
        run = nextAutoRefresh(a, (r) => r.reasons.includes('the plan changed'));
        writeFileSync(planPath, original);
        await run;
        assert.equal(status(), 'done');
        run = nextAutoRefresh(a, (r) => r.reasons.some((x) => x.includes(cert)));
        writeFileSync(certPath, 'not a certificate');
        await run;
        assert.equal(status(), 'failed', 'the certificate file changed: read again');
      } finally {
        writeFileSync(certPath, certText);
        writeFileSync(planPath, original);
      }
      await waitFor('the restored certificate to be read again', () => status() === 'done', 30_000);
    });

    it('an invalid plan: the view says what is wrong, in VS Code terms, with Open Plan', async () => {
      const original = readFileSync(planPath, 'utf8');
      try {
        writeFileSync(planPath, '{ "version": 1, ');
        await waitFor('the plan error', () => a.model.planError);
        await waitFor('the view message', () => a.treeView.message);
        assert.match(a.treeView.message!, /not valid JSON/);
        assert.doesNotMatch(a.treeView.message!, /oli init/);
        assert.match(a.treeView.message!, /Create Plan/);
        const nodes = await children(a);
        assert.deepEqual(
          nodes.map((n) => [label(a, n), a.tree.getTreeItem(n).command?.command]),
          [
            ['Open Plan', 'oli.openPlan'],
            ['Show Log', 'oli.showLog'],
          ],
        );
      } finally {
        writeFileSync(planPath, original);
      }
      await waitFor('the valid plan', () => !!a.model.plan && !a.treeView.message);
    });
  });

  describe('accessibility', () => {
    it('every tree item and the status bar item have a plain-text accessible name', async () => {
      const tree = await renderTree(a);
      assert.ok(tree.length > 20);
      for (const t of tree) {
        const name = t.item.accessibilityInformation?.label ?? '';
        assert.ok(name.length > 0, `${String(t.item.label)} has an accessible name`);
        assert.doesNotMatch(name, /\*\*|\$\([a-z-]+\)|`|\]\(/, `plain text: ${name}`);
      }
      const bar = a.statusBar.item.accessibilityInformation?.label ?? '';
      assert.match(bar, /^Oracle Learning environment sandbox/);
      assert.doesNotMatch(bar, /\*\*|\$\(/);
    });

    it('every satisfied step still reads as such without colour (icon and word)', async () => {
      const tree = await renderTree(a);
      for (const t of tree.filter((x) => isStep(x.node) && !(x.node as StepNode).running)) {
        const s = (t.node as StepNode).status;
        assert.ok(String(t.item.description).startsWith(s === 'unknown' ? 'not checked' : s.replace('-', ' ')), String(t.item.description));
        if (isSatisfied(s)) assert.ok(a.decorations.provideFileDecoration(t.item.resourceUri!)?.color === undefined, 'no text colour');
      }
    });
  });
});
