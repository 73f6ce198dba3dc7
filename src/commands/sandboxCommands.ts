import * as vscode from 'vscode';
import { writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalSandbox } from './localSandbox';
import { CONTEXT } from '../views/contextKeys';
import { planFromArgs } from './planCommands';
import type { CommandDeps } from './deps';
import { CommandPreconditionError, type CommandRegistry } from './registry';

export const SANDBOX_ENVIRONMENT = 'sandbox';

type LocalSandboxModule = typeof import('./localSandbox');

/** Loads dist/sandbox.js only when needed (keeps activation fast). */
function loadLocalSandbox(extensionPath: string): LocalSandboxModule {
  const path = join(extensionPath, 'dist', 'sandbox.js');
  if (!existsSync(path)) throw new CommandPreconditionError('not-available', vscode.l10n.t('The local sandbox is not part of this build ({0} is missing). Rebuild with "npm run build".', path));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path) as LocalSandboxModule;
}

export class LocalSandboxSession implements vscode.Disposable {
  current: LocalSandbox | undefined;
  async stop(): Promise<void> {
    const s = this.current;
    this.current = undefined;
    await s?.handle.close();
  }
  dispose(): void {
    void this.stop();
  }
}

export function registerSandboxCommands(registry: CommandRegistry, deps: CommandDeps, session: LocalSandboxSession): void {
  const { model } = deps;
  const log = deps.log.for('sandbox');

  registry.add(
    'oli.startSandbox',
    async (run) => {
      if (!model.root) throw new CommandPreconditionError('not-available', vscode.l10n.t('Open a folder first: the sandbox environment is added to the plan in the workspace folder.'));
      if (session.current) {
        void vscode.window.showInformationMessage(vscode.l10n.t('The local sandbox is already running at {0}.', session.current.handle.url));
        return session.current.handle.url;
      }
      run.progress(vscode.l10n.t('starting the pod emulator on 127.0.0.1'));
      const sb = await loadLocalSandbox(deps.context.extensionPath).startLocalSandbox();
      session.current = sb;
      deps.contextKeys.set(CONTEXT.sandboxRunning, true);
      log.info(`sandbox pod on ${sb.handle.url} (an emulator: stand-ins are labelled; admin ${sb.handle.admin.userName})`);
      deps.log.addSecrets([sb.handle.admin.password]);
      const url = sb.handle.url;
      const root = model.root;
      if (!model.plan) {
        await writeFile(join(root, 'provider-sandbox.cer'), sb.demoCertificatePem, 'utf8');
        await writeFile(join(root, 'learners.csv'), `email\n${sb.learnerEmails.join('\n')}\n`, 'utf8');
        const plan = planFromArgs({ provider: 'coursera', auth: 'jwt', environments: [{ name: SANDBOX_ENVIRONMENT, url }], issuer: sb.demoIssuer, certificate: 'provider-sandbox.cer', overwrite: true });
        plan.identitySample = 'learners.csv';
        await model.writePlan(plan);
      } else {
        await model.updatePlan((p) => {
          p.environments[SANDBOX_ENVIRONMENT] = { url };
        });
      }
      // Bound to this sandbox's address; those of earlier sandboxes (other ports) are the extension's own: removed.
      await deps.credentials.set(SANDBOX_ENVIRONMENT, url, 'admin', { kind: 'basic', username: sb.handle.admin.userName, password: sb.handle.admin.password });
      await deps.credentials.deleteElsewhere(SANDBOX_ENVIRONMENT, url);
      deps.controller.credentialsChanged();
      await model.refreshCredentialPresence(SANDBOX_ENVIRONMENT);
      await model.setActiveEnvironment(SANDBOX_ENVIRONMENT);
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Local sandbox pod running at {0} (an offline emulator, not Oracle). Environment "{1}" is selected with its credentials.', url, SANDBOX_ENVIRONMENT),
      );
      return url;
    },
    { progressTitle: vscode.l10n.t('Oracle Learning: starting a local sandbox') },
  );

  registry.add('oli.stopSandbox', async () => {
    if (!session.current) return false;
    const url = session.current.handle.url;
    await session.stop();
    deps.contextKeys.set(CONTEXT.sandboxRunning, false);
    log.info(`sandbox on ${url} stopped`);
    void vscode.window.showInformationMessage(vscode.l10n.t('Local sandbox stopped. The "{0}" environment stays in the plan; start the sandbox again to use it.', SANDBOX_ENVIRONMENT));
    return true;
  });
}
