import * as vscode from 'vscode';
import { resolve } from 'node:path';
import * as z from 'zod';
import { MissingCredentialsError } from '../core/plan/context';
import { recordHealth, runHealth } from '../core/health/health';
import { healthSummary, type HealthReport } from '../core/health/report';
import { recordWhy, runWhy } from '../core/why/why';
import type { WhyReport } from '../core/why/report';
import { takeSnapshot } from '../core/compare/snapshot';
import { diffSnapshots, diffToText, type EnvironmentDiff } from '../core/compare/diff';
import { whyPrefill } from '../core/why/prefill';
import { detectInspectorTab } from '../views/inspectorProtocol';
import { inspectionSettings, networkSettings } from '../views/httpSettings';
import { HealthNode } from '../views/healthNodes';
import { MatrixPanel } from '../views/matrixPanel';
import { WhyPanel } from '../views/whyPanel';
import type { CertificateStatusBar } from '../views/certificateStatusBar';
import type { SessionOptions } from '../core/ops/session';
import { ask, environmentArg, pickEnvironment, type CommandDeps } from './deps';
import { CommandPreconditionError, type CommandRegistry, type CommandRun } from './registry';
import { statePath, updateState } from '../core/plan/stateStore';
import { currentActor, VSCODE_REFUSED_NEXT_STEP } from '../views/integrationController';

const OWNER = `VS Code (process ${process.pid})`;

/** The views of issue 14, for the API (tests) and the wiring. */
export interface OperationsViews {
  why: WhyPanel;
  matrix: MatrixPanel;
}

const whyArgs = z.object({
  environment: z.string().optional(),
  learner: z.string().optional(),
  content: z.string().optional(),
  since: z.string().optional(),
  /** Ask with the values prefilled (the Inspector's button) rather than run at once. */
  confirm: z.boolean().optional(),
});
const diffArgs = z.object({ a: z.string(), b: z.string() });

/** `--since` in VS Code: empty, a date or an ISO date-time (as the CLI takes it). */
function sinceOf(v: string | undefined): string | undefined {
  const t = v?.trim();
  if (!t) return undefined;
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(t) ? Date.parse(`${t}T00:00:00Z`) : /^\d{4}-\d{2}-\d{2}T/.test(t) ? Date.parse(t) : Number.NaN;
  if (Number.isNaN(ms)) throw new CommandPreconditionError('invalid-input', vscode.l10n.t('"{0}" is not a date (2026-03-14) or an ISO date-time (2026-03-14T09:26:00Z).', t));
  return new Date(ms).toISOString();
}

/**
 * Issue 14 in VS Code: "Check Health" (the Health section of each environment), "Why Didn't This
 * Land?" (a timeline webview, prefilled from an xAPI statement), the environments matrix (steps ×
 * environments, refreshed in parallel), "Compare Two Environments" and the certificate warning.
 * Every health and why run lands in the environment's history.
 */
export function registerOperationsCommands(registry: CommandRegistry, deps: CommandDeps, certificateBar: CertificateStatusBar): OperationsViews {
  const { model, controller } = deps;
  const log = deps.log.for('operations');

  async function sessionOf(env: string, run: CommandRun): Promise<SessionOptions> {
    const { plan, root } = controller.requirePlan();
    const credentials = await controller.credentialsOf(env);
    if (!credentials.admin) throw new MissingCredentialsError(env);
    return {
      plan,
      planDir: root,
      environment: env,
      credentials,
      state: structuredClone(model.state(env)),
      signal: run.signal,
      onLog: (e) => deps.log.request(e),
      signIns: controller.signIns,
      refusedNextStep: VSCODE_REFUSED_NEXT_STEP,
      actor: currentActor(),
      ...networkSettings(),
      certificateWarningDays: inspectionSettings().certificateWarningDays,
    };
  }

  registry.add('oli.checkHealth', async (run, arg?: unknown): Promise<HealthReport> => {
    const env = controller.environment(arg instanceof HealthNode ? arg.environment : environmentArg(arg));
    const o = await sessionOf(env, run);
    const report = await run.withProgress(vscode.l10n.t('Oracle Learning: checking the health of {0} (read-only)', env), () => runHealth({ ...o, onProgress: (m) => run.progress(m) }));
    // Saved under the state file's lock, on top of what the CLI or another window wrote meanwhile.
    model.adoptEnvironmentState(env, await updateState(statePath(o.planDir, env), env, (s) => recordHealth(s, report, 'vscode'), { owner: OWNER }));
    log.info(`health of ${env}: ${report.level}, ${healthSummary(report.findings)} (${report.requests} request(s))`);
    const text = vscode.l10n.t('Health of "{0}": {1}.', env, healthSummary(report.findings));
    if (report.level === 'error') void vscode.window.showErrorMessage(text);
    else if (report.level === 'warning' || report.level === 'unknown') void vscode.window.showWarningMessage(text);
    else void vscode.window.showInformationMessage(text);
    return report;
  });

  const rerunWhy = async (r: WhyReport) => {
    await vscode.commands.executeCommand('oli.whyDidntLand', { environment: r.environment, learner: r.learner, content: r.content, ...(r.since ? { since: r.since } : {}) });
  };
  const why = new WhyPanel(log, rerunWhy);
  deps.context.subscriptions.push(why);

  registry.add('oli.whyDidntLand', async (run, arg?: unknown): Promise<WhyReport> => {
    const parsed = arg !== undefined && typeof arg === 'object' && arg !== null && !('toTreeItem' in arg) ? whyArgs.safeParse(arg) : undefined;
    if (parsed && !parsed.success) throw new CommandPreconditionError('invalid-input', vscode.l10n.t('Invalid arguments: {0}.', parsed.error.issues[0]?.message ?? ''));
    const given = parsed?.data ?? {};
    const env = controller.environment(given.environment ?? environmentArg(arg));
    // Prefilled from the arguments (the Inspector), else from an xAPI statement in the active editor.
    let prefill: { learner?: string; content?: string; since?: string } = given;
    const editor = vscode.window.activeTextEditor;
    if (!given.learner && !given.content && editor) {
      const text = editor.selection.isEmpty ? editor.document.getText() : editor.document.getText(editor.selection);
      if (text.length < 1_000_000 && detectInspectorTab(text) === 'xapi') prefill = whyPrefill(text);
    }
    const direct = !!given.learner && !!given.content && !given.confirm;
    const learner = direct ? given.learner! : (await ask({ title: vscode.l10n.t("Why didn't this land? (1/3)"), prompt: vscode.l10n.t('The learner: primary work email or Oracle user name'), value: prefill.learner ?? '', validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Required')) })).trim();
    const content = direct ? given.content! : (await ask({ title: vscode.l10n.t("Why didn't this land? (2/3)"), prompt: vscode.l10n.t("The course: the provider's external content id or its URL"), value: prefill.content ?? '', validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Required')) })).trim();
    const since = sinceOf(direct ? given.since : await ask({ title: vscode.l10n.t("Why didn't this land? (3/3)"), prompt: vscode.l10n.t('When the learner completed (2026-03-14 or 2026-03-14T09:26:00Z); empty if unknown'), value: prefill.since ?? '' }));
    const o = await sessionOf(env, run);
    const report = await run.withProgress(vscode.l10n.t("Oracle Learning: following {0}'s completion on {1} (read-only)", learner, env), () =>
      runWhy({ ...o, learner, content, ...(since ? { since } : {}), onProgress: (m) => run.progress(m) }),
    );
    model.adoptEnvironmentState(env, await updateState(statePath(o.planDir, env), env, (s) => recordWhy(s, report, 'vscode'), { owner: OWNER }));
    log.info(`why ${learner} / ${content} on ${env}: ${report.verdict.outcome} (${report.requests} request(s))`);
    why.showReport(report);
    return report;
  });

  /** Environments being refreshed by the matrix. */
  const refreshing = new Set<string>();
  const matrix = new MatrixPanel(model, log, async (m) => {
    if (m.type === 'refresh') await vscode.commands.executeCommand('oli.refreshAllEnvironments');
    else if (m.type === 'compare') await vscode.commands.executeCommand('oli.diffEnvironments');
  });
  deps.context.subscriptions.push(matrix, model.onDidChange(() => matrix.isOpen && matrix.render(refreshing)));

  registry.add('oli.showEnvironments', async () => {
    controller.requirePlan();
    matrix.render(refreshing);
    return matrix.html;
  });

  registry.add(
    'oli.refreshAllEnvironments',
    async (run) => {
      controller.requirePlan();
      const envs = model.environments.filter((e) => model.credentialPresence(e).admin);
      for (const e of envs) refreshing.add(e);
      if (matrix.isOpen) matrix.render(refreshing);
      // In parallel; one environment's failure is kept in its column (its connection state) and never stops the others.
      const settled = await Promise.allSettled(
        envs.map(async (e) => {
          try {
            return await controller.refreshStatus(e, { signal: run.signal, progress: (p) => run.progress(`${e}: ${p}`) });
          } finally {
            refreshing.delete(e);
          }
        }),
      );
      if (matrix.isOpen) matrix.render(refreshing);
      const failed = settled.map((s, i) => (s.status === 'rejected' ? envs[i] : undefined)).filter((e): e is string => !!e);
      if (failed.length) void vscode.window.showWarningMessage(vscode.l10n.t('Could not read {0}: see its column in the environments view.', failed.join(', ')));
      return { refreshed: envs.filter((e) => !failed.includes(e)), failed };
    },
    { progressTitle: vscode.l10n.t('Oracle Learning: refreshing every environment') },
  );

  registry.add('oli.diffEnvironments', async (run, arg?: unknown): Promise<EnvironmentDiff> => {
    const given = diffArgs.safeParse(arg);
    const a = given.success ? given.data.a : await pickEnvironment(deps, vscode.l10n.t('First environment to compare'));
    const b = given.success ? given.data.b : await pickEnvironment(deps, vscode.l10n.t('Compare "{0}" with', a));
    if (a === b) throw new CommandPreconditionError('invalid-input', vscode.l10n.t('Choose two different environments.'));
    const reads = await run.withProgress(vscode.l10n.t('Oracle Learning: comparing {0} and {1} (read-only)', a, b), () => Promise.allSettled([a, b].map(async (env) => takeSnapshot(await sessionOf(env, run)))));
    const snapshots = reads.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const errors: Record<string, string> = {};
    reads.forEach((r, i) => {
      if (r.status === 'rejected') errors[[a, b][i]!] = deps.log.redact(r.reason instanceof Error ? r.reason.message : String(r.reason));
    });
    const diff: EnvironmentDiff = snapshots.length === 2 ? { ...diffSnapshots(snapshots[0]!, snapshots[1]!), errors, snapshots } : { a, b, differences: [], cannotCompare: [], same: [], errors, snapshots };
    const doc = await vscode.workspace.openTextDocument({ language: 'plaintext', content: deps.log.redact(diffToText(diff)) });
    await vscode.window.showTextDocument(doc, { preview: false });
    return diff;
  });

  registry.add('oli.certificateWarning', async () => {
    const cert = certificateBar.current;
    if (!cert) return undefined;
    const open = vscode.l10n.t('Open Certificate');
    const message = cert.ok
      ? vscode.l10n.t('{0} ({1}) expires on {2}: {3} day(s) left. Ask the provider for its next certificate and run oli rotate-cert --new FILE: register it next to the old one, verify with a token signed for it, update the plan, then remove the old alias.', cert.file, cert.info.subject, cert.info.notAfter.slice(0, 10), cert.info.daysRemaining)
      : cert.message;
    const answer = await vscode.window.showWarningMessage(message, open);
    if (answer === open && model.root) await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(resolve(model.root, cert.file)));
    return cert;
  });

  return { why, matrix };
}
