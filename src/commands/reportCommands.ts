import * as vscode from 'vscode';
import { networkSettings } from '../views/httpSettings';
import { writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import * as z from 'zod';
import { adminAuth, clientFor, MissingCredentialsError } from '../core/plan/context';
import { checkIdentities, readIdentifiers } from '../core/plan/identity';
import { buildReport, reportToMarkdown } from '../core/plan/report';
import type { StepResult } from '../core/plan/result';
import { currentActor, VSCODE_REFUSED_NEXT_STEP } from '../views/integrationController';
import { withAdminSignIn } from '../core/plan/signIn';
import { formatRetry } from '../oracle/client';
import { environmentArg, type CommandDeps } from './deps';
import { CommandPreconditionError, UserCancelledError, type CommandRegistry } from './registry';

const identityArgs = z.object({ file: z.string().min(1), environment: z.string().optional(), by: z.enum(['email', 'username']).optional(), open: z.boolean().optional() });
const reportArgs = z.object({ file: z.string().min(1), environment: z.string().optional(), open: z.boolean().optional() });

export function registerReportCommands(registry: CommandRegistry, deps: CommandDeps): void {
  const { model, controller } = deps;

  registry.add(
    'oli.checkIdentities',
    async (run, arg?: unknown) => {
      const a = arg !== undefined && !(typeof arg === 'object' && arg !== null && 'toTreeItem' in arg) ? identityArgs.safeParse(arg) : undefined;
      if (a && !a.success) throw new CommandPreconditionError('invalid-input', vscode.l10n.t('Invalid Check Learner Identities arguments: {0}.', a.error.issues[0]?.message ?? ''));
      const { plan, root } = controller.requirePlan();
      const env = controller.environment(a?.data.environment ?? environmentArg(arg));
      let file = a?.data.file;
      if (!file) {
        const picked = await vscode.window.showOpenDialog({
          canSelectMany: false,
          defaultUri: vscode.Uri.file(plan.identitySample ? join(root, plan.identitySample) : root),
          filters: { [vscode.l10n.t('Learner list')]: ['csv', 'txt'] },
          openLabel: vscode.l10n.t('Check these learners'),
        });
        if (!picked?.[0]) throw new UserCancelledError();
        file = picked[0].fsPath;
      }
      const path = isAbsolute(file) ? file : join(root, file);
      const by = a?.data.by ?? plan.learnerIdentifier;
      const credentials = await controller.credentialsForSending(env, vscode.l10n.t('Check Learner Identities'));
      if (!credentials.admin) throw new MissingCredentialsError(env);
      const client = clientFor(plan, root, env, adminAuth(env, credentials), {
        onLog: (e) => deps.log.request(e),
        onRetry: (n) => run.progress(vscode.l10n.t('Retrying: {0}', formatRetry(n))),
        signIns: controller.signIns,
        ...networkSettings(),
      });
      // The first lookup proves the credentials alone; a refusal stops here and is counted.
      const signIn = { planDir: root, environment: env, username: credentials.admin.username, admin: credentials.admin, url: plan.environments[env]!.url, owner: currentActor(), nextStep: VSCODE_REFUSED_NEXT_STEP };
      const report = await run.withProgress(vscode.l10n.t('Oracle Learning: checking learner identities'), () =>
        withAdminSignIn(signIn, () => checkIdentities(client, readIdentifiers(path, by), by, { signal: run.signal, onProgress: (n) => run.progress(vscode.l10n.t('{0} identifiers checked', n)) })).catch(async (err: unknown) => {
          await controller.recordRefusal(env, err);
          throw err;
        }),
      );
      const s = report.summary;
      const text = vscode.l10n.t('Learner identities on "{0}": {1} of {2} resolve to one active user ({3} missing, {4} duplicate, {5} inactive, {6} invalid).', env, s.matched, s.total, s.missing, s.duplicate, s.inactive, s.invalid);
      if (s.matched === s.total) void vscode.window.showInformationMessage(text);
      else void vscode.window.showWarningMessage(text);
      // The result as a page: counts, problems with their lines (a click opens the file there), CSV export.
      if (a?.data.open !== false) deps.identityPage.show(env, path, report);
      return report;
    },
  );

  registry.add('oli.exportReport', async (_run, arg?: unknown) => {
    const a = arg !== undefined && !(typeof arg === 'object' && arg !== null && 'toTreeItem' in arg) ? reportArgs.safeParse(arg) : undefined;
    if (a && !a.success) throw new CommandPreconditionError('invalid-input', vscode.l10n.t('Invalid Export Report arguments: {0}.', a.error.issues[0]?.message ?? ''));
    const { plan, root } = controller.requirePlan();
    const env = controller.environment(a?.data.environment ?? environmentArg(arg));
    const steps = model.profile?.steps ?? [];
    const results = steps.map((s) => model.result(env, s.id)).filter((r): r is StepResult => !!r);
    if (results.length === 0) throw new CommandPreconditionError('not-available', vscode.l10n.t('No status recorded for "{0}" yet. Run "Oracle Learning: Refresh Status" first.', env));
    let file = a?.data.file;
    if (!file) {
      const target = await vscode.window.showSaveDialog({
        defaultUri: vscode.Uri.file(join(root, `oracle-learning-report-${env}.md`)),
        filters: { Markdown: ['md'], JSON: ['json'] },
        saveLabel: vscode.l10n.t('Export'),
      });
      if (!target) throw new UserCancelledError();
      file = target.fsPath;
    }
    const path = isAbsolute(file) ? file : join(root, file);
    const report = buildReport({ plan, environment: env, url: plan.environments[env]!.url, steps, results, state: model.state(env), actor: currentActor() });
    const text = path.endsWith('.json') ? JSON.stringify(report, null, 2) + '\n' : reportToMarkdown(report);
    await writeFile(path, deps.log.redact(text), 'utf8');
    if (a?.data.open !== false) await vscode.window.showTextDocument(vscode.Uri.file(path), { preview: false });
    return path;
  });
}
