import * as vscode from 'vscode';
import type { StepResult } from '../core/plan/result';
import type { StepId } from '../core/plan/stepIds';
import type { PlannedRequest } from '../core/plan/context';
import { statusLabel } from '../views/statusPresentation';
import { isSatisfied } from '../core/plan/stepIds';
import { pageAnchor } from '../views/practice';
import { ask, confirmProduction, environmentArg, pickStep, requireTrust, stepArg, type CommandDeps } from './deps';
import { CommandPreconditionError, type CommandRegistry, type CommandRun } from './registry';

function summary(results: StepResult[]): string {
  const counts = new Map<string, number>();
  for (const r of results) counts.set(statusLabel(r.status), (counts.get(statusLabel(r.status)) ?? 0) + 1);
  return [...counts].map(([k, v]) => `${v} ${k}`).join(', ');
}

/** The first sentence of a result's detail (notifications stay short; the tree and the log have the rest). */
function firstSentence(text: string): string {
  const m = /^(.+?[.!?])(\s|$)/.exec(text);
  return m ? m[1]! : text;
}

/** The redacted request plan of a dry run, as a Markdown document. */
export function dryRunMarkdown(env: string, url: string, target: string, planned: PlannedRequest[], redact: (s: string) => string): string {
  const lines = [
    `# ${vscode.l10n.t('Dry run: {0} on {1}', target, env)}`,
    '',
    `${vscode.l10n.t('Pod')}: ${url}  `,
    `${vscode.l10n.t('Generated')}: ${new Date().toISOString()}  `,
    vscode.l10n.t('Nothing was changed. Secrets are redacted.'),
    '',
  ];
  if (planned.length === 0) lines.push(vscode.l10n.t('No change needed: every selected step is already satisfied (or cannot be applied yet).'));
  planned.forEach((p, i) => {
    lines.push(`## ${i + 1}. ${p.method} ${redact(p.url)}`, '', redact(p.why), '');
    if (p.body !== undefined) lines.push('```json', redact(JSON.stringify(p.body, null, 2)), '```', '');
  });
  return lines.join('\n');
}

export function registerStepCommands(registry: CommandRegistry, deps: CommandDeps): void {
  const { model, controller } = deps;

  registry.add(
    'oli.refresh',
    async (run, arg?: unknown) => {
      if (!model.plan) {
        await model.reload();
        if (!model.plan) return [];
      }
      const results = await controller.refreshStatus(environmentArg(arg), run);
      vscode.window.setStatusBarMessage(vscode.l10n.t('Oracle Learning: {0}', summary(results)), 5000);
      return results;
    },
    { progressTitle: vscode.l10n.t('Oracle Learning: checking the status of every step') },
  );

  const runStep = async (target: StepId | 'all', run: CommandRun, env: string) => {
    requireTrust(target === 'all' ? vscode.l10n.t('Run All Automatic Steps') : vscode.l10n.t('Run Step'));
    const title = target === 'all' ? '' : (model.profile?.steps.find((s) => s.id === target)?.title ?? target);
    await confirmProduction(deps, env, target === 'all' ? vscode.l10n.t('Apply every automatic step?') : vscode.l10n.t('Apply step "{0}"?', title));
    return controller.apply(target, env, { signal: run.signal, progress: (m) => run.progress(m) });
  };

  registry.add(
    'oli.runStep',
    async (run, arg?: unknown) => {
      const a = stepArg(arg);
      const env = controller.environment(a?.environment ?? environmentArg(arg));
      const step = a?.step ?? (await pickStep(deps, (s) => s.automation === 'automatic', vscode.l10n.t('Step to run on "{0}"', env)));
      const def = model.profile?.steps.find((s) => s.id === step);
      if (def?.automation === 'guided') {
        throw new CommandPreconditionError('not-available', vscode.l10n.t('"{0}" is a guided step: Oracle offers no API for it. Follow its checklist, then run "Attest Guided Step".', def.title));
      }
      const outcome = await run.withProgress(vscode.l10n.t('Oracle Learning: running "{0}" on {1}', def?.title ?? step, env), () => runStep(step, run, env));
      const r = outcome.results.find((x) => x.id === step);
      if (r) {
        const text = vscode.l10n.t('{0}: {1}. {2}', def?.title ?? step, statusLabel(r.status), r.detail);
        if (r.status === 'failed') void vscode.window.showErrorMessage(text);
        else if (r.status === 'done' || r.status === 'not-applicable') void vscode.window.showInformationMessage(text);
        else void vscode.window.showWarningMessage(text);
      }
      return r;
    },
  );

  registry.add(
    'oli.runAll',
    async (run, arg?: unknown) => {
      const env = controller.environment(environmentArg(arg));
      const outcome = await runStep('all', run, env);
      const steps = model.profile?.steps ?? [];
      const automatic = outcome.results.filter((r) => steps.find((s) => s.id === r.id)?.automation === 'automatic');
      // Why an automatic step is still open, in its own words (the first sentence of its detail).
      const open = automatic.filter((r) => !isSatisfied(r.status));
      const changes = outcome.performed.length ? vscode.l10n.t('{0} change(s).', outcome.performed.length) : vscode.l10n.t('Nothing changed.');
      const why = open.map((r) => vscode.l10n.t('{0}: {1}. {2}', steps.find((s) => s.id === r.id)?.title ?? r.id, statusLabel(r.status), firstSentence(r.detail))).join(' ');
      const text = vscode.l10n.t('Automatic steps on "{0}": {1}. {2}', env, summary(automatic), changes) + (why ? ` ${why}` : '');
      if (open.some((r) => r.status === 'failed')) void vscode.window.showErrorMessage(text);
      else if (open.length) void vscode.window.showWarningMessage(text);
      else void vscode.window.showInformationMessage(text);
      return outcome.results;
    },
    { progressTitle: vscode.l10n.t('Oracle Learning: running every automatic step') },
  );

  registry.add(
    'oli.dryRun',
    async (run, arg?: unknown) => {
      const a = stepArg(arg);
      const env = controller.environment(a?.environment ?? environmentArg(arg));
      const target: StepId | 'all' = a?.step ?? 'all';
      const outcome = await controller.apply(target, env, { dryRun: true, signal: run.signal, progress: (m) => run.progress(m) });
      const content = dryRunMarkdown(env, model.plan!.environments[env]!.url, target === 'all' ? vscode.l10n.t('all automatic steps') : (model.profile?.steps.find((s) => s.id === target)?.title ?? target), outcome.plannedRequests, (s) => deps.log.redact(s));
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content });
      await vscode.window.showTextDocument(doc, { preview: false });
      return { planned: outcome.plannedRequests.length, content };
    },
    { progressTitle: vscode.l10n.t('Oracle Learning: planning the requests (dry run)') },
  );

  registry.add('oli.attestStep', async (run, arg?: unknown, noteArg?: unknown) => {
    const a = stepArg(arg);
    const env = controller.environment(a?.environment ?? environmentArg(arg));
    const step = a?.step ?? (await pickStep(deps, (s) => s.automation === 'guided', vscode.l10n.t('Guided step to attest on "{0}"', env)));
    const def = model.profile?.steps.find((s) => s.id === step);
    if (def?.automation !== 'guided') throw new CommandPreconditionError('not-available', vscode.l10n.t('"{0}" is checked through Oracle\'s API; it cannot be attested. Run it instead.', def?.title ?? step));
    const note =
      typeof noteArg === 'string' && noteArg.trim()
        ? noteArg
        : await ask({
            title: vscode.l10n.t('Attest "{0}" on {1}', def.title, env),
            prompt: vscode.l10n.t('Evidence: {0}', def.guidance.record.join('; ') || vscode.l10n.t('what you checked and where')),
            validateInput: (v) => (v.trim().length >= 3 ? undefined : vscode.l10n.t('Write what you checked and where (the evidence).')),
          });
    const r = await controller.attest(step, note, env, run);
    // The reason too: an attestation the pod contradicts stays "needs action", and the person must see why.
    const text = vscode.l10n.t('{0}: {1}. {2}', def.title, statusLabel(r.status), r.detail);
    if (isSatisfied(r.status)) void vscode.window.showInformationMessage(text);
    else if (r.status === 'failed') void vscode.window.showErrorMessage(text);
    else void vscode.window.showWarningMessage(text);
    return r;
  });

  registry.add('oli.openInOracle', async (_run, arg?: unknown) => {
    const a = stepArg(arg);
    const env = controller.environment(a?.environment ?? environmentArg(arg));
    const step = a?.step ?? (await pickStep(deps, (s) => !!s.guidance.deepLink, vscode.l10n.t('Open which step in Oracle?')));
    const def = model.profile?.steps.find((s) => s.id === step);
    const link = def?.guidance.deepLink;
    if (!link) throw new CommandPreconditionError('not-available', vscode.l10n.t('"{0}" has no page to open in Oracle.', def?.title ?? step));
    const url = new URL(link.path, model.plan!.environments[env]!.url);
    if (deps.sandbox.offersPractice(env, model.plan!.environments[env]!.url)) {
      // The sandbox has no Oracle pages: it serves a page describing the simulated one (src/sandbox/oraclePages.ts).
      url.hash = pageAnchor(link.navigation);
      void vscode.window.showInformationMessage(vscode.l10n.t('The local sandbox has no Oracle pages: its page describes what "{0}" does in Oracle and how "Do this in the sandbox" simulates it.', link.navigation));
    } else {
      void vscode.window.showInformationMessage(vscode.l10n.t('In Oracle: {0}', link.navigation));
    }
    void vscode.env.openExternal(vscode.Uri.parse(url.toString()));
    return url.toString();
  });

  registry.add('oli.openStepDocs', async (_run, arg?: unknown) => {
    const step = stepArg(arg)?.step ?? (await pickStep(deps, () => true, vscode.l10n.t('Documentation of which step?')));
    const def = model.profile?.steps.find((s) => s.id === step);
    if (!def) throw new CommandPreconditionError('not-available', vscode.l10n.t('Unknown step "{0}".', step));
    void vscode.env.openExternal(vscode.Uri.parse(def.docUrl));
    return def.docUrl;
  });
}
