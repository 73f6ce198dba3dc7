import * as vscode from 'vscode';
import { isSatisfied, type StepId } from '../core/plan/stepIds';
import { Disposable } from './disposable';
import type { IntegrationModel } from './integrationModel';
import type { RunningSteps } from './runningSteps';
import { outcomeDecoration, statusDecoration, statusLabel, worstStatus } from './statusPresentation';
import { STATUS_SCHEME } from './treeNodes';

/**
 * Badge and colour of every Integration tree item (by its `oli-status:` resource URI). An
 * environment and its provider take the worst status of their steps, so a failing step marks them.
 */
export class StatusDecorationProvider extends Disposable implements vscode.FileDecorationProvider {
  private readonly changed = this.register(new vscode.EventEmitter<vscode.Uri | vscode.Uri[] | undefined>());
  readonly onDidChangeFileDecorations = this.changed.event;

  constructor(
    private readonly model: IntegrationModel,
    private readonly running: RunningSteps,
  ) {
    super();
    this.register(vscode.window.registerFileDecorationProvider(this));
    this.register(model.onDidChange(() => this.changed.fire(undefined)));
    this.register(running.onDidChange(() => this.changed.fire(undefined)));
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== STATUS_SCHEME) return undefined;
    const [env, step, check] = uri.path.split('/').slice(1).map(decodeURIComponent);
    if (!env || !this.model.environments.includes(env)) return undefined;
    const steps = this.model.profile?.steps ?? [];
    if (!step || step === '_provider') {
      const worst = worstStatus(steps.map((s) => this.model.result(env, s.id)?.status ?? 'unknown'));
      if (!worst || worst === 'unknown') return undefined;
      // Every step done, attested or not applicable: one mark for all of them.
      if (isSatisfied(worst)) return statusDecoration('done', vscode.l10n.t('Every step is satisfied'));
      return statusDecoration(worst, vscode.l10n.t('Worst step status: {0}', statusLabel(worst)));
    }
    if (this.running.get(env, step as StepId)) return undefined;
    const r = this.model.result(env, step as StepId);
    if (!r) return undefined;
    if (check) {
      const c = r.checks.find((x) => x.id === check);
      return c ? outcomeDecoration(c.outcome, c.message) : undefined;
    }
    return r.status === 'unknown' ? undefined : statusDecoration(r.status, r.detail);
  }
}
