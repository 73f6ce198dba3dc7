import * as vscode from 'vscode';
import { writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { planFromArgs } from './planCommands';
import type { CommandDeps } from './deps';
import { CommandPreconditionError, type CommandRegistry } from './registry';
import { isLoopbackUrl } from '../views/practice';
import { SANDBOX_ENVIRONMENT, SANDBOX_PLAN_URL } from '../views/localSandbox';

type LocalSandboxModule = typeof import('./localSandbox');

/** Loads dist/sandbox.js (the emulator and the practice actions) only when needed: activation stays fast. */
export function loadLocalSandbox(extensionPath: string): LocalSandboxModule {
  const path = join(extensionPath, 'dist', 'sandbox.js');
  if (!existsSync(path)) throw new CommandPreconditionError('not-available', vscode.l10n.t('The local sandbox is not part of this build ({0} is missing). Rebuild with "npm run build".', path));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path) as LocalSandboxModule;
}

export function registerSandboxCommands(registry: CommandRegistry, deps: CommandDeps): void {
  const { model, sandbox } = deps;
  const log = deps.log.for('sandbox');

  registry.add(
    'oli.startSandbox',
    async (run) => {
      if (!model.root) throw new CommandPreconditionError('not-available', vscode.l10n.t('Open a folder first: the sandbox environment is added to the plan in the workspace folder.'));
      const existing = model.plan?.environments[SANDBOX_ENVIRONMENT];
      if (existing && !isLoopbackUrl(model.planFileUrl(SANDBOX_ENVIRONMENT) ?? existing.url)) {
        throw new CommandPreconditionError(
          'refused',
          vscode.l10n.t('The plan already has an environment "{0}" that is not on this machine ({1}). Rename it first: "Start Local Sandbox" adds the local sandbox under that name.', SANDBOX_ENVIRONMENT, existing.url),
        );
      }
      if (sandbox.running || (await sandbox.probe())) {
        await model.setActiveEnvironment(SANDBOX_ENVIRONMENT).catch(() => undefined);
        void vscode.window.showInformationMessage(vscode.l10n.t('The local sandbox is already running at {0}.', sandbox.url ?? ''));
        return sandbox.url;
      }
      run.progress(vscode.l10n.t('starting the pod emulator on 127.0.0.1 (its own process: it survives a window reload)'));
      const started = await sandbox.start({ signal: run.signal });
      deps.log.addSecrets([started.adminPassword]);
      const root = model.root;
      if (!model.plan) {
        run.progress(vscode.l10n.t('writing a Coursera plan for the sandbox'));
        const material = await loadLocalSandbox(deps.context.extensionPath).sandboxDemoMaterial(started.url, { userName: started.adminUser, password: started.adminPassword });
        await writeFile(join(root, 'provider-sandbox.cer'), material.demoCertificatePem, 'utf8');
        await writeFile(join(root, 'learners.csv'), `email\n${material.learnerEmails.join('\n')}\n`, 'utf8');
        const plan = planFromArgs({ provider: 'coursera', auth: 'jwt', environments: [{ name: SANDBOX_ENVIRONMENT, url: SANDBOX_PLAN_URL }], issuer: material.demoIssuer, certificate: 'provider-sandbox.cer', overwrite: true });
        plan.identitySample = 'learners.csv';
        await model.writePlan(plan);
      } else if (model.planFileUrl(SANDBOX_ENVIRONMENT) !== SANDBOX_PLAN_URL) {
        // Once: the plan keeps a stable URL; the live port stays in the workspace state.
        await model.updatePlan((p) => {
          p.environments[SANDBOX_ENVIRONMENT] = { url: SANDBOX_PLAN_URL };
        });
      }
      // Bound to the sandbox's live address; those of earlier sandboxes (other ports) are the extension's own: removed.
      await deps.credentials.set(SANDBOX_ENVIRONMENT, started.url, 'admin', { kind: 'basic', username: started.adminUser, password: started.adminPassword });
      await deps.credentials.deleteElsewhere(SANDBOX_ENVIRONMENT, started.url);
      deps.controller.credentialsChanged();
      model.setConnection(SANDBOX_ENVIRONMENT, undefined);
      await model.refreshCredentialPresence(SANDBOX_ENVIRONMENT);
      await model.setActiveEnvironment(SANDBOX_ENVIRONMENT);
      log.info(`environment "${SANDBOX_ENVIRONMENT}" selected with the sandbox's credentials (plan URL ${SANDBOX_PLAN_URL}, live ${started.url})`);
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Local sandbox running at {0}: an offline emulator of an Oracle pod, not Oracle. Environment "{1}" is selected; its status is being read.', started.url, SANDBOX_ENVIRONMENT),
      );
      deps.autoRefresh.request(SANDBOX_ENVIRONMENT, 'the local sandbox started', { immediate: true });
      return started.url;
    },
    { progressTitle: vscode.l10n.t('Oracle Learning: starting a local sandbox') },
  );

  registry.add('oli.stopSandbox', async () => {
    const url = sandbox.url;
    const stopped = await sandbox.stop();
    if (!stopped) return false;
    void vscode.window.showInformationMessage(vscode.l10n.t('Local sandbox stopped ({0}). The "{1}" environment and your results stay; "Start Local Sandbox" starts it again with its data.', url ?? '', SANDBOX_ENVIRONMENT));
    return true;
  });
}
