// Issue 7 item 3 in the real extension: plant a unique administrator password and a unique OAuth
// client secret, run the extension's commands against the sandbox pod with every log line captured
// (trace level included, whatever the channel's level), and find the values nowhere: the log, the
// plan, the state files, the reports, error messages and notifications, the dry-run document and the
// inspector's webview messages.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { OliExtensionApi } from '../../src/views/runtime';
import type { StepResult } from '../../src/core/plan/result';
import { api, EXTENSION_ID, hookAt, noBasicUrl, sandboxEnv, sandboxHook, waitFor, workspaceRoot } from './helpers';
import { consent } from '../helpers/identityDomainBrowser';

function allFiles(dir: string): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...allFiles(p));
    else out.push({ path: p, text: readFileSync(p).toString('latin1') });
  }
  return out;
}

type Notify = (message: string, ...rest: unknown[]) => Thenable<unknown>;

describe('secrets never leak (real extension host, every log level captured)', function () {
  this.timeout(120_000);
  const PASSWORD = `Pw-${randomBytes(12).toString('base64url')}-planted`;
  const WRONG_PASSWORD = `Wrong-${randomBytes(12).toString('base64url')}-planted`;
  const CLIENT_SECRET = `Cs-${randomBytes(12).toString('base64url')}-planted`;
  const PLANTED = [PASSWORD, WRONG_PASSWORD, CLIENT_SECRET];
  const ENV = 'leak';
  let a: OliExtensionApi;
  const lines: { line: string; level: string }[] = [];
  const notifications: string[] = [];
  const errors: string[] = [];
  const restore: (() => void)[] = [];
  const sb = sandboxEnv();
  const root = workspaceRoot();
  const lastError = () => a.registry.lastError;
  const exec = <T>(id: string, ...args: unknown[]) =>
    Promise.resolve(vscode.commands.executeCommand<T>(id, ...args)).then((r) => {
      if (a.registry.lastError) errors.push(JSON.stringify(a.registry.lastError));
      return r;
    });

  before(async () => {
    a = await api();
    const tap = a.log.tap((line, level) => lines.push({ line, level }));
    restore.push(() => tap.dispose());
    // Notifications: what the user would read (wrapped for the duration of the suite).
    const w = vscode.window as unknown as Record<string, Notify>;
    for (const name of ['showErrorMessage', 'showWarningMessage', 'showInformationMessage']) {
      const original = w[name]!;
      w[name] = (message: string, ...rest: unknown[]) => {
        notifications.push(message);
        return original.call(vscode.window, message, ...rest);
      };
      restore.push(() => (w[name] = original));
    }
    // The pod's side (what an administrator did in the Oracle UI): an administrator with the planted
    // password and an implementer's roles (SCIM, Learning setup, userAccounts), and a confidential
    // application with the planted client secret.
    const roles = ['ORA_FND_IT_SECURITY_MANAGER_JOB', 'ORA_WLF_LEARNING_ADMINISTRATOR_JOB', 'ORA_HRC_HUMAN_CAPITAL_MANAGEMENT_INTEGRATION_SPECIALIST_JOB'];
    await sandboxHook('users', { userName: 'leak.admin', email: 'leak.admin@example.com', password: PASSWORD, withPerson: false, roles });
    await sandboxHook('oauth-clients', { clientId: 'leak-client', clientSecret: CLIENT_SECRET, userName: 'user.coursera' });
  });

  after(() => {
    for (const r of restore.reverse()) r();
  });

  it('runs the commands with the planted secrets', async () => {
    await exec('oli.createPlan', {
      provider: 'coursera',
      auth: 'oauth',
      environments: [{ name: ENV, url: sb.url }],
      clientId: 'leak-client',
      tokenUrl: `${sb.url}/oauth2/v1/token`,
      scope: 'urn:opc:resource:fa:instanceid=100000001urn:opc:resource:consumer::all',
      overwrite: true,
    });
    assert.equal(a.model.activeEnvironment, ENV, JSON.stringify(a.registry.lastError));

    // A wrong password first: the error paths (401, "Update Credentials") must not echo it.
    const wrong = await exec<{ ok: boolean; message: string }>('oli.setCredentials', { environment: ENV, username: 'leak.admin', password: WRONG_PASSWORD });
    assert.equal(wrong?.ok, false);
    a.registry.lastError = undefined;
    await exec('oli.refresh', { environment: ENV });
    assert.equal(lastError()?.command, 'oli.refresh', 'the 401 surfaced as an error');

    const ok = await exec<{ ok: boolean; message: string }>('oli.setCredentials', { environment: ENV, username: 'leak.admin', password: PASSWORD });
    assert.equal(ok?.ok, true, ok?.message);
    await exec('oli.setCredentials', { environment: ENV, kind: 'oauth-client', clientId: 'leak-client', clientSecret: CLIENT_SECRET });
    const conn = await exec<{ ok: boolean }>('oli.testConnection', { environment: ENV });
    assert.equal(conn?.ok, true);

    const results = (await exec<StepResult[]>('oli.refresh', { environment: ENV }))!;
    const provider = results.find((r) => r.id === 'provider-credentials');
    assert.ok(provider?.checks?.some((c) => c.id === 'token'), 'the OAuth token request (with the client secret) was made');
    assert.ok(
      lines.some((l) => l.line.includes('/oauth2/v1/token')),
      'the token request is in the log (redacted)',
    );

    const run = await exec<StepResult>('oli.runStep', { step: 'integration-user', environment: ENV });
    assert.ok(run, JSON.stringify(a.registry.lastError));
    const dry = await exec<{ content: string }>('oli.dryRun', { environment: ENV });
    assert.ok(dry?.content);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await exec('oli.attestStep', { step: 'provider-account', environment: ENV }, 'Contract checked with the provider.');
    await exec('oli.exportReport', { file: 'leak-report.md', open: false, environment: ENV });
    await exec('oli.exportReport', { file: 'leak-report.json', open: false, environment: ENV });

    // Inspector messages: an xAPI statement explained against the pod (the stored credential is used).
    await exec('oli.openInspector', 'xapi');
    await waitFor('the inspector', () => a.inspector.isReady, 30_000);
    const view = a.inspector.webview! as unknown as { onMessage(raw: unknown): Promise<void> };
    await view.onMessage({ type: 'explain-xapi', text: JSON.stringify({ actor: { mbox: 'mailto:leak.admin@example.com' }, verb: { id: 'http://adlnet.gov/expapi/verbs/completed' }, object: { id: 'urn:leak:content' }, timestamp: new Date().toISOString() }) });
    assert.equal(a.inspector.journal.sent.at(-1)?.type, 'xapi-explanation', JSON.stringify(a.inspector.journal.sent.at(-1)));
    await exec('oli.inspectSelection', `{"actor":{"mbox":"mailto:x@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},"object":{"id":"urn:x"}}`);
    a.inspector.close();

    // The secrets were really used: they sit in SecretStorage.
    const stored = await a.credentials.get(ENV, sb.url);
    assert.equal(stored.admin?.kind === 'basic' ? stored.admin.password : undefined, PASSWORD);
    assert.equal(stored.providerClient?.clientSecret, CLIENT_SECRET);
    assert.ok(lines.some((l) => l.level === 'trace' && l.line.includes('oli.setCredentials arguments')), 'trace lines (command arguments) were captured');
  });

  it('finds them nowhere: log, files, reports, errors, notifications, webview messages', () => {
    const places: [string, string][] = [
      ['the log channel', lines.map((l) => l.line).join('\n')],
      ['command errors', errors.join('\n')],
      ['notifications', notifications.join('\n')],
      ['inspector messages', JSON.stringify(a.inspector.journal)],
      ['certificate editor messages', JSON.stringify(a.certificateEditor.journal)],
      ['settings', JSON.stringify(vscode.workspace.getConfiguration().inspect('oracleLearning') ?? {})],
      ...allFiles(root).map((f) => [f.path.slice(root.length + 1), f.text] as [string, string]),
    ];
    const files = places.map(([p]) => p);
    for (const needed of ['oracle-learning.json', join('.oracle-learning', `${ENV}.state.json`), 'leak-report.md', 'leak-report.json']) assert.ok(files.includes(needed), `${needed} was written`);
    assert.ok(lines.length > 30 && notifications.length > 3, `captured ${lines.length} log lines, ${notifications.length} notifications`);
    for (const [where, text] of places) {
      for (const secret of PLANTED) assert.ok(!text.includes(secret), `a planted secret (${secret.slice(0, 3)}…) is in ${where}`);
    }
  });
});

// Issue 15: the secrets of the other ways to sign in. An OAuth sign-in with the identity domain (the
// authorization code, access and refresh tokens, a renewed pair) and the administrator's own key
// (its private key, the tokens it signs) are found nowhere either: log (trace included), workspace
// files, notifications, command errors. They live in SecretStorage only.
describe('sign-in secrets never leak (OAuth with the identity domain, own key; real extension host)', function () {
  this.timeout(120_000);
  const pod = noBasicUrl();
  const origin = new URL(pod).origin;
  const sb = sandboxEnv();
  const root = workspaceRoot();
  const CLIENT = 'oli-vscode-secrets';
  let a: OliExtensionApi;
  const lines: string[] = [];
  const notifications: string[] = [];
  const errors: string[] = [];
  const seen = new Set<string>();
  const restore: (() => void)[] = [];
  const collect = async (): Promise<void> => {
    for (const slot of ['oauthSession', 'jwtKey']) {
      for (const env of ['leak-oauth', 'leak-key']) {
        const raw = await a.accounts.store.read(`oracle-learning/${env}@${origin}/${slot}`);
        if (!raw) continue;
        const v = JSON.parse(raw) as Record<string, string>;
        for (const k of ['accessToken', 'refreshToken']) if (v[k]) seen.add(v[k]!);
        if (v.privateKeyPem) for (const l of v.privateKeyPem.split('\n').filter((x) => x.length >= 24 && !x.startsWith('-----'))) seen.add(l);
      }
    }
  };
  const exec = async <T>(id: string, ...args: unknown[]): Promise<T | undefined> => {
    a.registry.lastError = undefined;
    const r = await vscode.commands.executeCommand<T>(id, ...args);
    if (a.registry.lastError) errors.push(JSON.stringify(a.registry.lastError));
    await collect();
    return r;
  };

  before(async () => {
    a = await api();
    const tap = a.log.tap((line) => lines.push(line));
    restore.push(() => tap.dispose());
    const w = vscode.window as unknown as Record<string, Notify>;
    for (const name of ['showErrorMessage', 'showWarningMessage', 'showInformationMessage']) {
      const original = w[name]!;
      w[name] = (message: string, ...rest: unknown[]) => {
        notifications.push(message);
        return original.call(vscode.window, message, ...rest);
      };
      restore.push(() => (w[name] = original));
    }
    const scopeInfo = await hookAt(pod, 'info');
    await hookAt(pod, 'oauth-apps', { clientId: CLIENT, redirectUris: [(await a.accounts.redirectUri()).split('?')[0]] });
    const previousOpen = a.accounts.openBrowser;
    a.accounts.openBrowser = async (url) => {
      const c = await consent(url, sb.user, sb.password);
      const back = new URL(c.location!);
      seen.add(back.searchParams.get('code')!);
      a.accounts.handleUri(vscode.Uri.parse(`${vscode.env.uriScheme}://${EXTENSION_ID}/did-authenticate?${back.searchParams.toString()}`));
      return true;
    };
    restore.push(() => (a.accounts.openBrowser = previousOpen));
    const previousConfirm = a.accounts.confirmRegistration;
    a.accounts.confirmRegistration = async (q) => {
      await hookAt(pod, 'api-authentication-providers', { issuer: q.key.issuer, alias: q.key.alias, certificate: readFileSync(q.certificatePath, 'utf8') });
      return true;
    };
    restore.push(() => (a.accounts.confirmRegistration = previousConfirm));
    await exec('oli.createPlan', { provider: 'coursera', auth: 'jwt', environments: [{ name: 'leak-oauth', url: pod }, { name: 'leak-key', url: pod }], issuer: 'https://coursera.example.invalid/iss', overwrite: true });
    await exec('oli.signIn', { environment: 'leak-oauth', method: 'oauth', identityDomain: pod, clientId: CLIENT, scope: `${scopeInfo.scope} offline_access` });
  });

  after(() => {
    for (const r of restore.reverse()) r();
  });

  it('signs in both ways and runs the commands with them', async () => {
    assert.equal(a.model.credentialPresence('leak-oauth').signIn?.method, 'oauth', JSON.stringify(errors));
    await exec('oli.refresh', { environment: 'leak-oauth' });
    await exec('oli.testConnection', { environment: 'leak-oauth' });
    await exec('oli.dryRun', { environment: 'leak-oauth' });
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await hookAt(pod, 'identity-domain/end-access-tokens', {});
    await exec('oli.refresh', { environment: 'leak-oauth' });
    await exec('oli.exportReport', { file: 'leak-signin-report.json', open: false, environment: 'leak-oauth' });
    await exec('oli.signIn', { environment: 'leak-key', method: 'jwt', userName: sb.user });
    assert.equal(a.model.credentialPresence('leak-key').signIn?.method, 'jwt', JSON.stringify(errors));
    await exec('oli.refresh', { environment: 'leak-key' });
    await exec('oli.testConnection', { environment: 'leak-key' });
    // The Accounts menu's sessions carry tokens (VS Code asks for them): they must not be logged either.
    await a.accounts.oauth.getSessions();
    await a.accounts.jwt.getSessions();
    await exec('oli.signOut', { environment: 'leak-oauth' });
    await exec('oli.signOut', { environment: 'leak-key' });
    assert.ok(seen.size >= 6, `secrets collected: ${seen.size}`);
  });

  it('finds none of them in the log, the workspace files, notifications or errors', () => {
    const places: [string, string][] = [
      ['the log channel', lines.join('\n')],
      ['command errors', errors.join('\n')],
      ['notifications', notifications.join('\n')],
      ...allFiles(root).map((f) => [f.path.slice(root.length + 1), f.text] as [string, string]),
    ];
    assert.ok(lines.length > 20, `captured ${lines.length} log lines`);
    for (const [where, text] of places) {
      for (const secret of seen) assert.ok(!text.includes(secret), `a sign-in secret (${secret.slice(0, 6)}…) is in ${where}`);
      if (where !== 'the log channel') assert.ok(!/PRIVATE KEY-----/.test(text), `a private key block is in ${where}`);
    }
  });
});
