// Issue 12 in the real extension host (a trusted workspace; Restricted Mode runs in its own
// code-server: restricted.trust.test.ts): credentials bound to their pod, asked once before a stored
// credential goes to a new host; a refused credential is not sent again by later refreshes; retries
// shown in the progress; the CLI and the extension writing one state file at once lose nothing.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { OliExtensionApi } from '../../src/views/runtime';
import type { RebindQuestion } from '../../src/views/integrationController';
import type { StepResult } from '../../src/core/plan/result';
import { api, sandboxEnv, sandboxHook, workspaceRoot, EXTENSION_ID } from './helpers';

async function sandboxGet<T>(path: string): Promise<T> {
  const res = await fetch(new URL(`/__sandbox/${path}`, sandboxEnv().url));
  return (await res.json()) as T;
}
const authFailureCount = async () => (await sandboxGet<{ items: unknown[] }>('auth-failures')).items.length;
const requestCount = async () => (await sandboxGet<{ requests: { total: number } }>('stats')).requests.total;

describe('issue 12 in the extension host: credentials bound to their pod, sign-in first, concurrent writers', function () {
  this.timeout(120_000);
  let a: OliExtensionApi;
  const sb = sandboxEnv();
  const root = workspaceRoot();
  // The same sandbox under another origin: what a plan edited (or pulled) to point elsewhere looks like.
  const otherUrl = sb.url.replace('127.0.0.1', 'localhost');
  const questions: RebindQuestion[] = [];
  let answer = false;
  const lastError = () => a.registry.lastError;

  before(async () => {
    a = await api();
    a.controller.confirmRebind = async (q) => {
      questions.push(q);
      return answer;
    };
    const path = await vscode.commands.executeCommand<string>('oli.createPlan', { provider: 'coursera', auth: 'jwt', environments: [{ name: 'bound', url: sb.url }], issuer: 'https://coursera.example.invalid/iss', overwrite: true });
    assert.ok(path, JSON.stringify(a.registry.lastError));
    await a.model.setActiveEnvironment('bound');
    const r = await vscode.commands.executeCommand<{ ok: boolean; message: string }>('oli.setCredentials', { environment: 'bound', username: sb.user, password: sb.password });
    assert.equal(r?.ok, true, r?.message);
  });

  it('a credential is stored for its environment and pod: the key names both', async () => {
    assert.ok((await a.credentials.keys()).includes(`oracle-learning/bound@${new URL(sb.url).origin}/admin`));
    assert.deepEqual(await a.credentials.get('bound', otherUrl), {}, 'not readable for another pod');
  });

  it('the plan now names another host: asked once, naming both hosts; declined, nothing is sent there', async () => {
    await vscode.commands.executeCommand('oli.editEnvironment', { environment: 'bound', url: otherUrl });
    const before = await requestCount();
    questions.length = 0;
    answer = false;
    assert.equal(await vscode.commands.executeCommand('oli.refresh'), undefined);
    assert.deepEqual(questions, [{ environment: 'bound', from: new URL(sb.url).origin, to: otherUrl }]);
    assert.match(a.registry.lastError?.message ?? '', /No administrator credentials for environment "bound"/);
    // Asked once: the next command does not ask again (and still sends nothing).
    await vscode.commands.executeCommand('oli.testConnection');
    assert.equal(questions.length, 1);
    assert.equal(await requestCount(), before, 'no request reached the new host');
  });

  it('confirmed, the credential moves to the new host (asked once more at most) and works there', async () => {
    a.controller.credentialsChanged(); // as after a new session: the declined answer is forgotten
    questions.length = 0;
    answer = true;
    const results = await vscode.commands.executeCommand<StepResult[]>('oli.refresh');
    assert.equal(results?.length, a.model.profile!.steps.length, JSON.stringify(a.registry.lastError));
    assert.equal(questions.length, 1);
    const keys = await a.credentials.keys();
    assert.ok(keys.includes(`oracle-learning/bound@${new URL(otherUrl).origin}/admin`), keys.join(', '));
    assert.ok(!keys.includes(`oracle-learning/bound@${new URL(sb.url).origin}/admin`), 'moved, not copied');
    await vscode.commands.executeCommand('oli.refresh');
    assert.equal(questions.length, 1, 'not asked again');
    await vscode.commands.executeCommand('oli.editEnvironment', { environment: 'bound', url: sb.url });
    answer = true;
    await vscode.commands.executeCommand('oli.testConnection');
  });

  it('credentials stored before they were bound to a pod are migrated once the user confirms (and never sent unasked)', async () => {
    const secrets = (a.credentials as unknown as { secrets: vscode.SecretStorage }).secrets;
    await vscode.commands.executeCommand('oli.addEnvironment', { name: 'legacy', url: sb.url, select: true });
    await secrets.store('oracle-learning/legacy/admin', JSON.stringify({ kind: 'basic', username: sb.user, password: sb.password }));
    questions.length = 0;
    answer = true;
    const r = await vscode.commands.executeCommand<{ ok: boolean; message: string }>('oli.testConnection', { environment: 'legacy' });
    assert.equal(r?.ok, true, JSON.stringify(r ?? a.registry.lastError));
    assert.deepEqual(questions, [{ environment: 'legacy', from: undefined, to: sb.url }]);
    const keys = await a.credentials.keys();
    assert.ok(keys.includes(`oracle-learning/legacy@${new URL(sb.url).origin}/admin`) && !keys.includes('oracle-learning/legacy/admin'), keys.join(', '));
    await vscode.commands.executeCommand('oli.removeEnvironment', { environment: 'legacy' });
    await a.model.setActiveEnvironment('bound');
  });

  it('a refused password is sent once: Test Connection, then refreshes, make one failed sign-in in all', async () => {
    const before = await authFailureCount();
    const wrong = await vscode.commands.executeCommand<{ ok: boolean; message: string }>('oli.setCredentials', { environment: 'bound', username: sb.user, password: 'not-the-password-1' });
    assert.equal(wrong?.ok, false);
    assert.match(wrong!.message, /the pod refused these credentials .*; \d+ more failures? may lock the account/i);
    for (let i = 0; i < 3; i++) {
      a.registry.lastError = undefined;
      await vscode.commands.executeCommand('oli.refresh');
      const err = lastError();
      assert.match(err?.message ?? '', /not sent again until you change them/);
      assert.ok(err?.actions.includes('oli.setCredentials'));
    }
    await vscode.commands.executeCommand('oli.testConnection');
    // Remembered next to the credential in SecretStorage: a new window (its sign-in gates forgotten) does not send it either.
    assert.ok((await a.credentials.keys()).includes(`oracle-learning/bound@${new URL(sb.url).origin}/admin.refused`));
    a.controller.signIns.clear();
    await vscode.commands.executeCommand('oli.refresh');
    assert.match(lastError()?.message ?? '', /not sent again until you change them/);
    assert.equal((await authFailureCount()) - before, 1, 'one failed sign-in, whatever the number of refreshes');
    const ok = await vscode.commands.executeCommand<{ ok: boolean; message: string }>('oli.setCredentials', { environment: 'bound', username: sb.user, password: sb.password });
    assert.equal(ok?.ok, true, ok?.message);
    assert.ok(!(await a.credentials.keys()).some((k) => k.endsWith('.refused')), 'set again: the refusal is forgotten');
  });

  it('retries are shown in the progress, one line each', async () => {
    // Three 503s (Retry-After: 0), then empty answers for everything.
    let hits = 0;
    const server: Server = createServer((_req, res) => {
      if (++hits <= 3) {
        res.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': '0' });
        res.end('{"title":"Service Unavailable"}');
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"Resources":[],"totalResults":0,"items":[],"count":0,"hasMore":false}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      await vscode.commands.executeCommand('oli.addEnvironment', { name: 'flaky', url, select: false });
      await a.credentials.set('flaky', url, 'admin', { kind: 'basic', username: 'u', password: 'flaky-password' });
      await a.model.refreshCredentialPresence('flaky');
      const progress: string[] = [];
      await a.controller.refreshStatus('flaky', { progress: (m) => progress.push(m) }).catch(() => undefined);
      const retries = progress.filter((m) => m.startsWith('Retrying: '));
      assert.deepEqual(
        retries.map((m) => m.replace(/ in \d+\.\d s$/, '')),
        [1, 2, 3].map((n) => `Retrying: GET /hcmRestApi/scim/Users: HTTP 503; retry ${n} of 4`),
        progress.join('\n'),
      );
      assert.ok(progress.indexOf(retries[0]!) > progress.findIndex((m) => /Signing in/.test(m)), 'said while signing in, in order');
    } finally {
      server.close();
      await vscode.commands.executeCommand('oli.removeEnvironment', { environment: 'flaky' });
    }
  });

  it('the CLI and the extension host write one state file at once: every attestation and result survives', async () => {
    const cli = join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist', 'cli.js');
    const env = { ...process.env, OLI_USERNAME: sb.user, OLI_PASSWORD: sb.password, OLI_ACTOR: 'cli.writer' };
    await sandboxHook('latency', { ms: 40 });
    try {
      const cliRuns = (['provider-account', 'sso', 'self-paced-learning'] as const).map((step) =>
        promisify(execFile)(process.execPath, [cli, 'attest', step, '--env', 'bound', '--note', `CLI: ${step} checked`], { cwd: root, env }).then(
          () => 0,
          (e: { code?: number; stderr?: string }) => (e.code === 1 ? 1 : `${e.code}: ${e.stderr}`),
        ),
      );
      const hostRuns = [
        vscode.commands.executeCommand<StepResult>('oli.attestStep', { step: 'job-role', environment: 'bound' }, 'VS Code: role hierarchy checked'),
        promisify(execFile)(process.execPath, [cli, 'status', '--env', 'bound'], { cwd: root, env }).catch(() => undefined),
      ];
      const codes = await Promise.all(cliRuns);
      await Promise.all(hostRuns);
      assert.ok(codes.every((c) => c === 0 || c === 1), `CLI exit codes: ${codes.join(', ')}`);
      await vscode.commands.executeCommand('oli.refresh');
    } finally {
      await sandboxHook('latency', { ms: 0 });
    }
    const state = JSON.parse(readFileSync(join(root, '.oracle-learning', 'bound.state.json'), 'utf8')) as { attestations: Record<string, { note: string; by: string }>; history: { action: string }[] };
    for (const step of ['provider-account', 'sso', 'self-paced-learning']) assert.equal(state.attestations[step]?.note, `CLI: ${step} checked`, `the CLI's attestation of ${step} was lost`);
    assert.equal(state.attestations['job-role']?.note, 'VS Code: role hierarchy checked', "the extension's attestation was lost");
    assert.ok(state.history.filter((h) => h.action === 'attest').length >= 4);
    assert.ok(state.history.some((h) => h.action === 'status'));
    // The model shows what is on disk (the CLI's attestations included).
    assert.equal(a.model.state('bound').attestations.sso?.note, 'CLI: sso checked');
  });

  it('learner values are escaped in the identity report (a control sequence never reaches the document)', async () => {
    writeFileSync(join(root, 'hostile.csv'), `email\nevil\u001b[2J@example.com\nx|y<img>@example.com\n`);
    const report = await vscode.commands.executeCommand<{ summary: { invalid: number } }>('oli.checkIdentities', { file: 'hostile.csv', environment: 'bound' });
    assert.ok(report, JSON.stringify(a.registry.lastError));
    assert.equal(report.summary.invalid, 1, 'the address with a control character is invalid');
    const doc = vscode.window.activeTextEditor?.document.getText() ?? '';
    assert.ok(!doc.includes('\u001b'));
    assert.match(doc, /\| 2 \| evil\\\\x1b\\\[2J@example\.com \| invalid \|/);
    assert.ok(!/(?<!\\)<img/.test(doc) && doc.includes('x\\|y\\<img\\>@example.com'), 'no raw HTML in the Markdown, no cell break');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
