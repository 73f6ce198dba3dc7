// Issue 15 in the real extension host, against a sandbox pod that refuses Basic: OAuth with the
// identity domain (authorization code + PKCE; the identity domain's page is driven here and its
// redirect delivered to the extension's URI handler, as the browser does: the UI suite does it in a
// real browser), and JWT with the administrator's own key; the sessions in the Accounts menu
// (AuthenticationProvider), the tree and the status bar; renewal; a refused renewal asking once to
// sign in again; Sign Out.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { OliExtensionApi } from '../../src/views/runtime';
import type { StepResult } from '../../src/core/plan/result';
import type { StoredOAuthSession } from '../../src/core/auth/oauthSession';
import type { EnvironmentNode } from '../../src/views/treeNodes';
import { consent } from '../helpers/identityDomainBrowser';
import { api, EXTENSION_ID, hookAt, noBasicUrl, renderTree, sandboxEnv, waitFor } from './helpers';

type Notify = (message: string, ...rest: unknown[]) => Thenable<unknown>;

describe('issue 15 in the extension host: sign in with OAuth (PKCE) or your own key, on a pod without Basic', function () {
  this.timeout(120_000);
  const pod = noBasicUrl();
  const sb = sandboxEnv();
  const origin = new URL(pod).origin;
  const CLIENT = 'oli-vscode-integration';
  let a: OliExtensionApi;
  let scope: string;
  const warnings: string[] = [];
  const restore: (() => void)[] = [];
  const lastError = () => a.registry.lastError;
  const failures = async (): Promise<{ reason: string }[]> => (await hookAt(pod, 'auth-failures')).items;
  const session = async (env: string): Promise<StoredOAuthSession> => JSON.parse((await a.accounts.store.read(`oracle-learning/${env}@${origin}/oauthSession`))!);

  before(async () => {
    a = await api();
    const w = vscode.window as unknown as Record<string, Notify>;
    const original = w.showWarningMessage!;
    w.showWarningMessage = (message: string, ...rest: unknown[]) => {
      warnings.push(message);
      return original.call(vscode.window, message, ...rest);
    };
    restore.push(() => (w.showWarningMessage = original));
    scope = `${(await hookAt(pod, 'info')).scope} offline_access`;
    // The integrated application in the identity domain (what its administrator registers): this window's redirect URL.
    const redirect = (await a.accounts.redirectUri()).split('?')[0]!;
    await hookAt(pod, 'oauth-apps', { clientId: CLIENT, redirectUris: [redirect] });
    // The person's browser: the identity domain's page, then back to VS Code (the URI handler).
    a.accounts.openBrowser = async (url) => {
      const c = await consent(url, sb.user, sb.password);
      if (c.status !== 302 || !c.location) throw new Error(`the sign-in page answered ${c.status}: ${c.html?.slice(0, 300)}`);
      const back = new URL(c.location);
      a.accounts.handleUri(vscode.Uri.parse(`${vscode.env.uriScheme}://${EXTENSION_ID}/did-authenticate?${back.searchParams.toString()}`));
      return true;
    };
    const path = await vscode.commands.executeCommand<string>('oli.createPlan', {
      provider: 'coursera',
      auth: 'jwt',
      environments: [
        { name: 'idcs', url: pod },
        { name: 'ownkey', url: pod },
      ],
      issuer: 'https://coursera.example.invalid/iss',
      overwrite: true,
    });
    assert.ok(path, JSON.stringify(a.registry.lastError));
    await a.model.setActiveEnvironment('idcs');
    // The job role exists (Security Console, a test-only hook), so the integration user can be created.
    await hookAt(pod, 'roles', { name: a.model.plan!.jobRole.name, displayName: 'Coursera provider (sign-in suite)', category: 'JOB', duties: ['ORA_WLF_LEARNING_CONTENT_PROVIDER_DUTY'] });
  });

  after(() => {
    for (const r of restore.reverse()) r();
  });

  it('signs in with OAuth (authorization code + PKCE) through the URI handler; the Accounts menu, the tree and the status bar say how and until when', async () => {
    a.registry.lastError = undefined;
    const r = await vscode.commands.executeCommand<{ ok: boolean; method: string; user: string }>('oli.signIn', { environment: 'idcs', method: 'oauth', identityDomain: pod, clientId: CLIENT, scope });
    assert.equal(r?.ok, true, JSON.stringify(a.registry.lastError));
    assert.equal(r?.user, sb.user);
    assert.deepEqual(a.model.plan!.environments.idcs!.auth, { method: 'oauth', identityDomain: pod, clientId: CLIENT, scope });
    // The Accounts menu lists the session of the provider "Oracle Fusion (identity domain)".
    const sessions = await a.accounts.oauth.getSessions();
    const mine = sessions.find((s) => s.scopes.includes('environment:idcs'));
    assert.ok(mine, JSON.stringify(sessions.map((s) => s.account.label)));
    assert.match(mine!.account.label, new RegExp(`^${sb.user}: idcs \\(${new URL(pod).host}\\), token until .+, renewed by itself$`));
    const presence = a.model.credentialPresence('idcs');
    assert.equal(presence.signIn?.method, 'oauth');
    // The status bar says it (its accessible name is the tooltip's plain text).
    assert.match(a.statusBar.item.accessibilityInformation?.label ?? '', new RegExp(`Signed in as ${sb.user}, OAuth with the identity domain ${pod.replace(/[.]/g, '\\.')} \\(token until .+, renewed by itself\\)`));
    // (This suite is bundled apart from the extension: nodes are told by their kind, not their class.)
    const env = (await renderTree(a)).find((n) => n.node.kind === 'environment' && (n.node as EnvironmentNode).environment === 'idcs')!;
    assert.match(String(env.item.description), /OAuth, token until/);
    assert.ok((await a.credentials.keys()).includes(`oracle-learning/idcs@${origin}/oauthSession`), 'kept in SecretStorage, bound to the pod');
  });

  it('every command uses the session on a pod that refuses Basic: refresh, test connection, run step', async () => {
    const before = (await failures()).length;
    const results = await vscode.commands.executeCommand<StepResult[]>('oli.refresh', { environment: 'idcs' });
    assert.equal(results?.length, a.model.profile!.steps.length, JSON.stringify(a.registry.lastError));
    const conn = await vscode.commands.executeCommand<{ ok: boolean; message: string }>('oli.testConnection', { environment: 'idcs' });
    assert.equal(conn?.ok, true, conn?.message);
    await vscode.commands.executeCommand('oli.attestStep', { step: 'job-role', environment: 'idcs' }, 'Security Console: the role holds only the Learning Content Provider duty (sign-in suite).');
    const run = await vscode.commands.executeCommand<StepResult>('oli.runStep', { step: 'integration-user', environment: 'idcs' });
    assert.equal(run?.status, 'done', JSON.stringify(run ?? a.registry.lastError));
    assert.equal((await failures()).length, before, 'not one request refused');
  });

  it('renews the access token after the pod refused it (and keeps the rotated refresh token)', async () => {
    const first = await session('idcs');
    await hookAt(pod, 'identity-domain/end-access-tokens', {});
    const results = await vscode.commands.executeCommand<StepResult[]>('oli.refresh', { environment: 'idcs' });
    assert.ok(results?.length, JSON.stringify(a.registry.lastError));
    const renewed = await session('idcs');
    assert.notEqual(renewed.accessToken, first.accessToken);
    assert.notEqual(renewed.refreshToken, first.refreshToken);
  });

  it('a refused renewal forgets the session and asks once to sign in again, whatever the number of commands', async () => {
    await hookAt(pod, 'identity-domain/revoke', {});
    await hookAt(pod, 'identity-domain/end-access-tokens', {});
    const before = (await failures()).length;
    warnings.length = 0;
    a.registry.lastError = undefined;
    await vscode.commands.executeCommand('oli.refresh', { environment: 'idcs' });
    assert.match(lastError()?.message ?? '', /refused to renew the OAuth session of "idcs"/);
    assert.ok(lastError()?.actions.includes('oli.signIn'), JSON.stringify(lastError()));
    await vscode.commands.executeCommand('oli.refresh', { environment: 'idcs' });
    await vscode.commands.executeCommand('oli.testConnection', { environment: 'idcs' });
    assert.equal(warnings.filter((m) => /session for "idcs" ended/.test(m)).length, 1, warnings.join(' | '));
    assert.equal((await failures()).length - before, 1, 'one refused token in all');
    assert.equal(await a.accounts.store.read(`oracle-learning/idcs@${origin}/oauthSession`), undefined);
    await waitFor('the status bar to say it', () => /not signed in/.test(a.statusBar.item.text));
  });

  it('signs in again, then "Sign Out" from the Accounts menu (the provider) forgets it', async () => {
    const r = await vscode.commands.executeCommand<{ ok: boolean }>('oli.signIn', { environment: 'idcs' });
    assert.equal(r?.ok, true, JSON.stringify(a.registry.lastError));
    const mine = (await a.accounts.oauth.getSessions(['environment:idcs']))[0]!;
    await a.accounts.oauth.removeSession(mine.id);
    assert.deepEqual(await a.accounts.oauth.getSessions(['environment:idcs']), []);
    await waitFor('the tree and the status bar to show it signed out', () => !a.model.credentialPresence('idcs').admin);
    a.registry.lastError = undefined;
    await vscode.commands.executeCommand('oli.refresh', { environment: 'idcs' });
    assert.match(lastError()?.message ?? '', /Not signed in to "idcs"/);
    assert.ok(lastError()?.actions.includes('oli.signIn'));
  });

  it("signs in with the administrator's own key: key pair, guided registration, one proving call, then commands", async () => {
    const asked: { issuer: string; alias: string; checklist: string[] }[] = [];
    a.accounts.confirmRegistration = async (q) => {
      asked.push({ issuer: q.key.issuer, alias: q.key.alias, checklist: q.checklist });
      // What the administrator does in Security Console > API Authentication (a test-only hook).
      await hookAt(pod, 'api-authentication-providers', { issuer: q.key.issuer, alias: q.key.alias, certificate: readFileSync(q.certificatePath, 'utf8') });
      return true;
    };
    await a.model.setActiveEnvironment('ownkey');
    const r = await vscode.commands.executeCommand<{ ok: boolean; method: string }>('oli.signIn', { environment: 'ownkey', method: 'jwt', userName: sb.user });
    assert.equal(r?.ok, true, JSON.stringify(a.registry.lastError));
    assert.equal(asked.length, 1);
    assert.match(asked[0]!.checklist.join('\n'), /API Authentication[\s\S]*Trusted Issuer: oli-admin\.[\s\S]*Certificate Alias: OLI_ADMIN_/);
    assert.deepEqual(a.model.plan!.environments.ownkey!.auth, { method: 'jwt' });
    const sessions = await a.accounts.jwt.getSessions(['environment:ownkey']);
    assert.equal(sessions.length, 1);
    assert.match(sessions[0]!.account.label, /key valid until \d{4}-\d{2}-\d{2}/);
    const before = (await failures()).length;
    const results = await vscode.commands.executeCommand<StepResult[]>('oli.refresh', { environment: 'ownkey' });
    assert.equal(results?.length, a.model.profile!.steps.length, JSON.stringify(a.registry.lastError));
    assert.equal((await failures()).length, before);
    assert.match(a.statusBar.item.accessibilityInformation?.label ?? '', /Signed in as .*JWT signed with your own key \(trusted issuer oli-admin\..*\) \(key valid until/);
    const out = await vscode.commands.executeCommand<{ ok: boolean; forgotten: string[] }>('oli.signOut', { environment: 'ownkey' });
    assert.deepEqual(out?.forgotten, [`the private key of ${sb.user}`]);
    assert.equal(a.model.credentialPresence('ownkey').admin, false);
  });
});
