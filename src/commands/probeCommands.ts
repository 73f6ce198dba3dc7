import * as vscode from 'vscode';
import * as z from 'zod';
import { MissingCredentialsError } from '../core/plan/context';
import { adminRefusalFacts, recordRefusedSignIn, recordSignInSuccess, SignInRefusedError } from '../core/plan/signIn';
import { statePath, updateState } from '../core/plan/stateStore';
import { OracleError } from '../oracle/errors';
import { currentActor, VSCODE_REFUSED_NEXT_STEP } from '../views/integrationController';
import { probeEnvironment, type ProbeReport } from '../core/probe/probe';
import { probeToMarkdown, recordProbe } from '../core/probe/render';
import { CallRecorder } from '../core/plan/history';
import { networkSettings } from '../views/httpSettings';
import { environmentArg, type CommandDeps } from './deps';
import { CommandPreconditionError, type CommandRegistry } from './registry';

const probeArgs = z.object({ environment: z.string().optional(), open: z.boolean().optional() });

/**
 * "Probe Environment" (issue 10): asks the pod, read-only, which of the product's assumptions hold
 * there; shows the report as a Markdown document (what a user attaches to a bug: shapes, never
 * values or secrets) and keeps what it confirmed in the environment's state (the tree shows its
 * one-line summary; later status and apply use it).
 */
export function registerProbeCommands(registry: CommandRegistry, deps: CommandDeps): void {
  const { model, controller } = deps;
  registry.add('oli.probeEnvironment', async (run, arg?: unknown): Promise<ProbeReport> => {
    const a = arg !== undefined && !(typeof arg === 'object' && arg !== null && 'toTreeItem' in arg) && typeof arg !== 'string' ? probeArgs.safeParse(arg) : undefined;
    if (a && !a.success) throw new CommandPreconditionError('invalid-input', vscode.l10n.t('Invalid Probe Environment arguments: {0}.', a.error.issues[0]?.message ?? ''));
    const { plan, root } = controller.requirePlan();
    const env = controller.environment(a?.data.environment ?? environmentArg(arg));
    // The one trust gate: nothing is sent from Restricted Mode, nor to a pod the credential was not stored for.
    const credentials = await controller.credentialsForSending(env, vscode.l10n.t('Probe Environment'));
    if (!credentials.admin) throw new MissingCredentialsError(env);
    const calls = new CallRecorder();
    const report = await run.withProgress(vscode.l10n.t('Oracle Learning: probing {0} (read-only)', env), () =>
      probeEnvironment({
        plan,
        planDir: root,
        environment: env,
        credentials,
        signal: run.signal,
        onLog: (e) => {
          calls.add(e);
          deps.log.request(e);
        },
        onProgress: (m) => run.progress(m),
        signIns: controller.signIns,
        ...networkSettings(),
      }),
    );
    const signIn = report.assumptions.find((x) => x.id === 'sign-in');
    const signedIn = signIn?.outcome === 'confirmed';
    const owner = `VS Code (process ${process.pid})`;
    const { key, facts } = adminRefusalFacts(credentials.admin, env, plan.environments[env]!.url, VSCODE_REFUSED_NEXT_STEP);
    if (signedIn) {
      await recordSignInSuccess(root, env, key, owner).catch(() => undefined);
      // Saved under the state file's lock, on top of what the CLI or another window wrote meanwhile.
      model.adoptEnvironmentState(env, await updateState(statePath(root, env), env, (state) => recordProbe(state, report, { by: currentActor(), via: 'vscode', ...calls.since(0) }), { owner }));
    } else if (signIn?.outcome === 'refused') {
      // Counted with the other refusals, and remembered next to the credential: not sent again until it is set again.
      const count = await recordRefusedSignIn(root, env, key, owner).catch(() => 1);
      const refusal = new SignInRefusedError(new OracleError({ reason: 'auth', method: 'GET', path: '/hcmRestApi/scim/Users', status: signIn.status ?? 401 }), { ...facts, refusedInARow: count });
      await controller.recordRefusal(env, refusal);
      void vscode.window.showErrorMessage(refusal.userMessage());
    }
    deps.log.for('command').info(`probe of ${env}: ${report.learned.summary ?? ''} (${report.requests} GET request(s))`);
    const text = vscode.l10n.t('Probe of "{0}": {1}.', env, report.learned.summary ?? '');
    if (signIn?.outcome === 'refused') {
      /* the refusal was shown above */
    } else if (!signedIn || report.summary.refused || report.summary.contradicted) void vscode.window.showWarningMessage(text);
    else void vscode.window.showInformationMessage(text);
    if (a?.data.open !== false) {
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: deps.log.redact(probeToMarkdown(report)) });
      await vscode.window.showTextDocument(doc, { preview: false });
    }
    return report;
  });
}
