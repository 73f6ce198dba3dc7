import * as vscode from 'vscode';
import { isSatisfied, type StepStatus } from '../core/plan/stepIds';
import { Disposable } from './disposable';
import type { IntegrationModel } from './integrationModel';
import type { RunningSteps } from './runningSteps';
import { worstStatus } from './statusPresentation';
import { HealthNode } from './healthNodes';
import { EnvironmentNode, GuidanceNode, probeSummaryNode, ProviderNode, StepNode, SubCheckNode, TextNode, type IntegrationNode } from './treeNodes';

export const INTEGRATION_VIEW_ID = 'oli.integration';

/** Thin tree provider: builds nodes from the model and the transient running state; nodes render themselves. */
export class IntegrationTreeProvider extends Disposable implements vscode.TreeDataProvider<IntegrationNode> {
  private readonly changed = this.register(new vscode.EventEmitter<IntegrationNode | undefined | void>());
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    private readonly model: IntegrationModel,
    private readonly running: RunningSteps,
  ) {
    super();
    this.register(model.onDidChange(() => this.changed.fire()));
    this.register(running.onDidChange(() => this.changed.fire()));
    this.register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire()));
  }

  refresh(): void {
    this.changed.fire();
  }

  getTreeItem(node: IntegrationNode): vscode.TreeItem {
    return node.toTreeItem();
  }

  getParent(node: IntegrationNode): IntegrationNode | undefined {
    return node.parent;
  }

  /** Worst step status of an environment (a failing child marks its parents). */
  worstOf(environment: string): StepStatus | undefined {
    const steps = this.model.profile?.steps ?? [];
    return worstStatus(steps.map((s) => this.model.result(environment, s.id)?.status ?? 'unknown'));
  }

  getChildren(node?: IntegrationNode): IntegrationNode[] {
    const plan = this.model.plan;
    const profile = this.model.profile;
    if (!plan || !profile) return []; // the welcome views speak
    if (!node) {
      // The active environment without credentials and without any recorded result: the welcome view asks for credentials.
      const active = this.model.activeEnvironment;
      if (active && !this.model.credentialPresence(active).admin && profile.steps.every((s) => !this.model.result(active, s.id))) return [];
      return this.model.environments.map((env) => {
        const cfg = plan.environments[env]!;
        const presence = this.model.credentialPresence(env);
        return new EnvironmentNode(env, cfg.url, env === this.model.activeEnvironment, !!cfg.production, presence.admin, this.model.connection(env), this.worstOf(env));
      });
    }
    if (node instanceof EnvironmentNode) {
      const statuses = profile.steps.map((s) => this.model.result(node.environment, s.id)?.status ?? 'unknown');
      const provider = new ProviderNode(node, profile.provider.displayName, profile.auth, { satisfied: statuses.filter(isSatisfied).length, total: statuses.length });
      const state = this.model.state(node.environment);
      const health = new HealthNode(node, state.health);
      return state.probe ? [probeSummaryNode(node, state.probe), health, provider] : [health, provider];
    }
    if (node instanceof HealthNode) return node.children();
    if (node instanceof ProviderNode) {
      const env = node.parent.environment;
      const trusted = vscode.workspace.isTrusted;
      return profile.steps.map((def, i) => new StepNode(node, env, def, i + 1, this.model.result(env, def.id), this.running.get(env, def.id), trusted));
    }
    if (node instanceof StepNode) {
      const out: IntegrationNode[] = (node.result?.checks ?? []).map((c) => new SubCheckNode(node, c));
      if (node.definition.automation === 'guided' && node.status !== 'not-applicable') out.push(new GuidanceNode(node));
      return out;
    }
    if (node instanceof GuidanceNode) {
      const step = node.parent;
      const g = step.definition.guidance;
      const out: IntegrationNode[] = g.checklist.map((text, i) => new TextNode(node, `${node.id}/item/${i}`, text, 'circle-small'));
      if (g.deepLink) {
        out.push(
          new TextNode(node, `${node.id}/link`, vscode.l10n.t('Open in Oracle: {0}', g.deepLink.label), 'link-external', g.deepLink.navigation, {
            command: 'oli.openInOracle',
            title: vscode.l10n.t('Open in Oracle'),
            arguments: [{ environment: step.environment, step: step.definition.id }],
          }),
        );
      }
      for (const [i, c] of (g.cautions ?? []).entries()) out.push(new TextNode(node, `${node.id}/caution/${i}`, c, 'warning'));
      if (g.record.length) out.push(new TextNode(node, `${node.id}/record`, vscode.l10n.t('Record as evidence: {0}', g.record.join('; ')), 'note'));
      return out;
    }
    return [];
  }
}
