import * as vscode from 'vscode';
import { z } from 'zod';
import { MissingCredentialsError } from '../core/plan/context';
import { probeEnvironment, type ProbeReport } from '../core/probe/probe';
import { probeToMarkdown, recordProbe } from '../core/probe/render';
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
    const credentials = await controller.credentialsOf(env);
    if (!credentials.admin) throw new MissingCredentialsError(env);
    const report = await run.withProgress(vscode.l10n.t('Oracle Learning: probing {0} (read-only)', env), () =>
      probeEnvironment({
        plan,
        planDir: root,
        environment: env,
        credentials,
        signal: run.signal,
        onLog: (e) => deps.log.request(e),
        onProgress: (m) => run.progress(m),
        ...networkSettings(),
      }),
    );
    const signedIn = report.assumptions.some((x) => x.id === 'sign-in' && x.outcome === 'confirmed');
    if (signedIn) {
      const state = structuredClone(model.state(env));
      recordProbe(state, report);
      await model.saveEnvironmentState(env, state);
    }
    deps.log.for('command').info(`probe of ${env}: ${report.learned.summary ?? ''} (${report.requests} GET request(s))`);
    const text = vscode.l10n.t('Probe of "{0}": {1}.', env, report.learned.summary ?? '');
    if (!signedIn || report.summary.refused || report.summary.contradicted) void vscode.window.showWarningMessage(text);
    else void vscode.window.showInformationMessage(text);
    if (a?.data.open !== false) {
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: deps.log.redact(probeToMarkdown(report)) });
      await vscode.window.showTextDocument(doc, { preview: false });
    }
    return report;
  });
}
