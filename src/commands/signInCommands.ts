import * as vscode from 'vscode';
import * as z from 'zod';
import { adminKeyValue } from '../core/auth/adminKey';
import { methodInfo, SIGN_IN_METHODS, signInLine, summarizeSignIn } from '../core/auth/methods';
import { credentialKey, refusedMarkerKey } from '../core/model/credentials';
import { environmentAuth, formatIssues, type EnvironmentAuth, type SignInMethod } from '../core/plan/planFile';
import type { SignInAccounts } from '../views/authProvider';
import { ask, environmentArg, pick, requireTrust, type CommandDeps } from './deps';
import { CommandPreconditionError, type CommandRegistry } from './registry';

const signInArgs = z.object({
  environment: z.string().optional(),
  method: z.enum(['oauth', 'jwt', 'basic']).optional(),
  identityDomain: z.string().optional(),
  clientId: z.string().optional(),
  scope: z.string().optional(),
  userName: z.string().optional(),
  issuer: z.string().optional(),
  newKey: z.boolean().optional(),
});

const httpsOrLoopback = (v: string): string | undefined => {
  try {
    const u = new URL(v.trim());
    if (u.protocol === 'https:' || (u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname))) return undefined;
  } catch {
    /* below */
  }
  return vscode.l10n.t('An https:// address, e.g. https://idcs-0123456789abcdef.identity.oraclecloud.com');
};

/**
 * "Sign In" and "Sign Out" of an environment, the ways the plan offers, most preferred first:
 * OAuth with the identity domain, the administrator's own JWT key, Basic (least preferred).
 */
export function registerSignInCommands(registry: CommandRegistry, deps: CommandDeps, accounts: SignInAccounts): void {
  const { model, controller } = deps;

  async function setAuth(env: string, auth: EnvironmentAuth): Promise<void> {
    const current = model.plan?.environments[env]?.auth;
    if (JSON.stringify(current ?? { method: 'basic' }) === JSON.stringify(auth)) return;
    await model.updatePlan((p) => {
      p.environments[env] = { ...p.environments[env]!, auth };
    });
    deps.log.for('credentials').info(`the plan now signs "${env}" in with ${auth.method} (no secret in the plan)`);
  }

  registry.add('oli.signIn', async (run, arg?: unknown) => {
    const env = controller.environment(environmentArg(arg));
    // Signing in sends to the identity domain and the pod: not from an untrusted folder's plan.
    requireTrust(vscode.l10n.t('Sign In'));
    const parsed = signInArgs.safeParse(arg && typeof arg === 'object' && !('toTreeItem' in arg) ? arg : {});
    if (!parsed.success) throw new CommandPreconditionError('invalid-input', vscode.l10n.t('Invalid Sign In arguments: {0}.', formatIssues(parsed.error)));
    const a = parsed.data;
    const { plan } = controller.requirePlan();
    const current = plan.environments[env]!.auth;
    let method: SignInMethod | undefined = a.method ?? current?.method;
    if (!method) {
      method = (
        await pick(
          SIGN_IN_METHODS.map((m) => ({ label: m.label, detail: m.detail, method: m.method })),
          { placeHolder: vscode.l10n.t('How do you sign in to "{0}"? (most preferred first)', env) },
        )
      ).method;
    }
    const url = plan.environments[env]!.url;
    if (method === 'basic') {
      if (current && current.method !== 'basic') await setAuth(env, { method: 'basic' });
      return vscode.commands.executeCommand('oli.setCredentials', { environment: env });
    }
    if (method === 'oauth') {
      const was = current?.method === 'oauth' ? current : undefined;
      const title = vscode.l10n.t('Sign in to "{0}" with its identity domain (OAuth)', env);
      const identityDomain = a.identityDomain ?? was?.identityDomain ?? (await ask({ title, prompt: vscode.l10n.t('URL of the OCI IAM identity domain of the pod'), validateInput: httpsOrLoopback })).trim().replace(/\/+$/, '');
      const clientId = a.clientId ?? was?.clientId ?? (await ask({ title, prompt: vscode.l10n.t('Client ID of the public integrated application (authorization code with PKCE; no secret)'), validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Required')) })).trim();
      const scope =
        a.scope ??
        was?.scope ??
        (
          await ask({
            title,
            prompt: vscode.l10n.t('Scope of the Fusion resource application (offline_access: a refresh token, so the session renews by itself)'),
            value: 'urn:opc:resource:fa:instanceid=<instance id>urn:opc:resource:consumer::all offline_access',
            validateInput: (v) => (v.trim() && !v.includes('<') ? undefined : vscode.l10n.t('Put the instance id of the pod in the scope')),
          })
        ).trim();
      await setAuth(env, { method: 'oauth', identityDomain, clientId, scope });
      await run.withProgress(vscode.l10n.t('Signing in to "{0}" (OAuth)', env), () => accounts.signInOAuth(env, { signal: run.signal, progress: run.progress }));
    } else {
      const issuer = a.issuer ?? (current?.method === 'jwt' ? current.issuer : undefined);
      await setAuth(env, { method: 'jwt', ...(issuer ? { issuer } : {}) });
      const existing = await adminKeyValue(accounts.store, env, url).read();
      const basic = (await deps.credentials.get(env, url)).admin;
      const userName =
        a.userName ??
        existing?.userName ??
        (
          await ask({
            title: vscode.l10n.t('Sign in to "{0}" with your own key (JWT)', env),
            prompt: vscode.l10n.t('Your user name on the pod: tokens signed with your key act as this user'),
            value: basic?.username ?? '',
            validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Required')),
          })
        ).trim();
      await run.withProgress(vscode.l10n.t('Signing in to "{0}" (your own key)', env), () => accounts.signInJwt(env, userName, { signal: run.signal, progress: run.progress, ...(a.newKey ? { newKey: true } : {}) }));
    }
    controller.credentialsChanged();
    await model.refreshCredentialPresence(env);
    const signed = model.credentialPresence(env).signIn ?? summarizeSignIn((await controller.credentialsOf(env)).admin);
    const line = signed ? signInLine(signed) : methodInfo(method).label;
    model.setConnection(env, { ok: true, message: vscode.l10n.t('Signed in to {0} as {1}.', url, line), at: new Date().toISOString() });
    deps.autoRefresh.request(env, 'it was signed in');
    void vscode.window.showInformationMessage(vscode.l10n.t('Signed in to "{0}" as {1}.', env, line));
    return { ok: true, environment: env, method, ...(signed ? { user: signed.user } : {}) };
  });

  registry.add('oli.signOut', async (_run, arg?: unknown) => {
    const env = controller.environment(environmentArg(arg));
    const { plan } = controller.requirePlan();
    const url = plan.environments[env]!.url;
    const method = environmentAuth(plan, env).method;
    const { session, key } = await accounts.signOut(env, url);
    let password = false;
    if (method === 'basic') {
      // Basic: the stored password is what signs in; Sign Out forgets it (the provider client's secret stays).
      password = (await deps.credentials.get(env, url)).admin !== undefined;
      await deps.context.secrets.delete(credentialKey(env, url, 'admin'));
      await deps.context.secrets.delete(refusedMarkerKey(env, url, 'admin'));
    }
    controller.credentialsChanged();
    model.setConnection(env, undefined);
    await model.refreshCredentialPresence(env);
    const what = [
      ...(session ? [vscode.l10n.t('the OAuth session of {0}', session.userName)] : []),
      ...(key ? [vscode.l10n.t('the private key of {0}', key.userName)] : []),
      ...(password ? [vscode.l10n.t('the stored password')] : []),
    ];
    if (!what.length) {
      void vscode.window.showInformationMessage(vscode.l10n.t('"{0}" was not signed in.', env));
      return { ok: true, forgotten: [] };
    }
    const alias = key ? ' ' + vscode.l10n.t('Remove the certificate alias {0} from Security Console > API Authentication too.', key.alias) : '';
    void vscode.window.showInformationMessage(vscode.l10n.t('Signed out of "{0}": {1} forgotten.', env, what.join(', ')) + alias);
    return { ok: true, forgotten: what };
  });
}
