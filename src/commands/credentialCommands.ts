import * as vscode from 'vscode';
import { z } from 'zod';
import { formatIssues } from '../core/plan/planFile';
import { ask, environmentArg, pick, type CommandDeps } from './deps';
import { CommandPreconditionError, type CommandRegistry } from './registry';
import { isTrusted } from '../views/workspaceTrust';

const setArgs = z.union([
  z.object({ environment: z.string().optional(), kind: z.literal('basic').default('basic'), username: z.string().min(1), password: z.string().min(1) }),
  z.object({ environment: z.string().optional(), kind: z.literal('oauth-client'), clientId: z.string().min(1), clientSecret: z.string().min(1) }),
]);

export function registerCredentialCommands(registry: CommandRegistry, deps: CommandDeps): void {
  const { model, controller } = deps;

  registry.add('oli.setCredentials', async (_run, arg?: unknown) => {
    const programmatic = arg !== undefined && typeof arg === 'object' && arg !== null && ('password' in arg || 'clientSecret' in arg);
    const env = controller.environment(environmentArg(arg));
    const plan = controller.requirePlan().plan;
    let value: z.infer<typeof setArgs>;
    if (programmatic) {
      const parsed = setArgs.safeParse(arg);
      if (!parsed.success) throw new CommandPreconditionError('invalid-input', vscode.l10n.t('Invalid Set Credentials arguments: {0}.', formatIssues(parsed.error)));
      value = parsed.data;
    } else {
      const kind =
        plan.auth === 'oauth'
          ? (
              await pick(
                [
                  { label: vscode.l10n.t('Administrator (Basic)'), detail: vscode.l10n.t('User name and password of an administrator of the pod (IT Security Manager)'), id: 'basic' as const },
                  { label: vscode.l10n.t('Provider client (OAuth client credentials)'), detail: vscode.l10n.t('Secret of the OCI IAM confidential application'), id: 'oauth-client' as const },
                ],
                { placeHolder: vscode.l10n.t('Which credential of "{0}"?', env) },
              )
            ).id
          : 'basic';
      if (kind === 'basic') {
        const current = (await controller.credentialsOf(env)).admin;
        const username = await ask({
          title: vscode.l10n.t('Credentials of "{0}" ({1})', env, plan.environments[env]!.url),
          prompt: vscode.l10n.t('Administrator user name'),
          value: current?.username ?? '',
          validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Required')),
        });
        const password = await ask({
          title: vscode.l10n.t('Credentials of "{0}" ({1})', env, plan.environments[env]!.url),
          prompt: vscode.l10n.t('Password of {0} (kept in SecretStorage, never in files)', username),
          password: true,
          validateInput: (v) => (v ? undefined : vscode.l10n.t('Required')),
        });
        value = { kind: 'basic', username: username.trim(), password };
      } else {
        const clientId = plan.oauth?.clientId ?? (await ask({ prompt: vscode.l10n.t('Client ID') }));
        const clientSecret = await ask({ prompt: vscode.l10n.t('Client secret of {0} (kept in SecretStorage)', clientId), password: true, validateInput: (v) => (v ? undefined : vscode.l10n.t('Required')) });
        value = { kind: 'oauth-client', clientId, clientSecret };
      }
    }
    // Bound to the pod the plan names now: another URL (another plan, an edited one) never receives it.
    const url = plan.environments[env]!.url;
    if (value.kind === 'basic') {
      deps.log.addSecrets([value.password]);
      await deps.credentials.set(env, url, 'admin', { kind: 'basic', username: value.username, password: value.password });
    } else {
      deps.log.addSecrets([value.clientSecret]);
      await deps.credentials.set(env, url, 'providerClient', { kind: 'oauth-client', clientId: value.clientId, clientSecret: value.clientSecret });
    }
    deps.log.for('credentials').info(`${value.kind === 'basic' ? 'administrator' : 'provider client'} credential of "${env}" stored in SecretStorage for ${new URL(url).origin}`);
    // Set again: a credential refused earlier may be sent once more.
    controller.credentialsChanged();
    model.setConnection(env, undefined);
    await model.refreshCredentialPresence(env);
    if (value.kind === 'basic' && !isTrusted()) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Credentials of "{0}" saved. They were not tested: nothing is sent to Oracle in Restricted Mode.', env));
      return { ok: false, message: 'not tested (Restricted Mode)' };
    }
    // The status is read again with the new credentials (debounced; nothing if the test below fails to connect).
    deps.autoRefresh.request(env, 'its credentials changed');
    if (value.kind === 'basic') {
      // Verify at once: the status bar must not show a pod as usable with wrong credentials.
      const r = await controller.testConnection(env);
      if (r.ok) void vscode.window.showInformationMessage(vscode.l10n.t('Credentials of "{0}" saved. {1}', env, r.message));
      else {
        const update = vscode.l10n.t('Update Credentials');
        void vscode.window.showWarningMessage(vscode.l10n.t('Credentials of "{0}" saved, but the connection test failed: {1}', env, r.message), update).then((a) => {
          if (a === update) void vscode.commands.executeCommand('oli.setCredentials', { environment: env });
        });
      }
      return r;
    }
    void vscode.window.showInformationMessage(vscode.l10n.t('Provider client secret of "{0}" saved.', env));
    return { ok: true, message: 'stored' };
  });

  registry.add(
    'oli.testConnection',
    async (run, arg?: unknown) => {
      const env = controller.environment(environmentArg(arg));
      const r = await controller.testConnection(env, { signal: run.signal });
      if (r.ok) void vscode.window.showInformationMessage(r.message);
      else {
        const update = vscode.l10n.t('Update Credentials');
        const edit = vscode.l10n.t('Edit Environment');
        void vscode.window.showErrorMessage(vscode.l10n.t('Connection to "{0}" failed: {1}', env, r.message), update, edit).then((a) => {
          if (a === update) void vscode.commands.executeCommand('oli.setCredentials', { environment: env });
          if (a === edit) void vscode.commands.executeCommand('oli.editEnvironment', { environment: env });
        });
      }
      return r;
    },
    { progressTitle: vscode.l10n.t('Oracle Learning: testing the connection') },
  );
}
