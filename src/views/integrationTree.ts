import * as vscode from 'vscode';
import { isSatisfied, type StepStatus } from '../core/plan/stepIds';
import { Disposable } from './disposable';
import type { IntegrationModel } from './integrationModel';
import type { RunningSteps } from './runningSteps';
import { worstStatus } from './statusPresentation';
import { HealthNode } from './healthNodes';
import { EnvironmentNode, GuidanceNode, PracticeNode, probeSummaryNode, ProviderNode, RestrictedModeNode, StepNode, SubCheckNode, TextNode, type EnvironmentKind, type IntegrationNode } from './treeNodes';
import type { LocalSandboxSession } from './localSandbox';
import { practicableSteps } from './practice';
import { ICON } from './icons';
import { planErrorForPeople } from './planErrors';

export const INTEGRATION_VIEW_ID = 'oli.integration';

/** Thin tree provider: builds nodes from the model and the transient running state; nodes render themselves. */
export class IntegrationTreeProvider extends Disposable implements vscode.TreeDataProvider<IntegrationNode> {
  private readonly changed = this.register(new vscode.EventEmitter<IntegrationNode | undefined | void>());
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    private readonly model: IntegrationModel,
    private readonly running: RunningSteps,
    private readonly sandbox: LocalSandboxSession,
  ) {
    super();
    this.register(model.onDidChange(() => this.changed.fire()));
    this.register(running.onDidChange(() => this.changed.fire()));
    this.register(sandbox.onDidChange(() => this.changed.fire()));
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

  /** What kind of pod an environment is (a stopped local sandbox is said so, not shown with stale results). */
  environmentKind(environment: string): EnvironmentKind {
    const cfg = this.model.plan?.environments[environment];
    if (this.sandbox.isSandboxEnvironment(environment, this.model.planFileUrl(environment))) return this.sandbox.running ? 'sandbox' : 'sandbox-stopped';
    return cfg?.production ? 'production' : 'pod';
  }

  /** Practice actions are offered on the local sandbox this window started, never elsewhere (the command checks again, with the pod's answer). */
  practiceOffered(environment: string): boolean {
    return this.sandbox.offersPractice(environment, this.model.plan?.environments[environment]?.url);
  }

  /** The invalid plan's error, for the view's message (the nodes below it offer Open Plan and Show Log). */
  planMessage(): string | undefined {
    return this.model.planError ? planErrorForPeople(this.model.planError) : undefined;
  }

  getChildren(node?: IntegrationNode): IntegrationNode[] {
    const plan = this.model.plan;
    const profile = this.model.profile;
    if (!plan || !profile) {
      if (!node && this.model.planError) {
        const root = { kind: 'plan-error', id: 'plan-error', toTreeItem: () => new vscode.TreeItem('') } as IntegrationNode;
        return [
          new TextNode(root, 'plan-error/open', vscode.l10n.t('Open Plan'), ICON.openPlan, vscode.l10n.t('fix oracle-learning.json; the view updates when it is valid'), { command: 'oli.openPlan', title: vscode.l10n.t('Open Plan') }),
          new TextNode(root, 'plan-error/log', vscode.l10n.t('Show Log'), ICON.showLog, undefined, { command: 'oli.showLog', title: vscode.l10n.t('Show Log') }),
        ];
      }
      return []; // the welcome views speak
    }
    if (!node) {
      // The active environment without credentials and without any recorded result: the welcome view asks for credentials.
      const active = this.model.activeEnvironment;
      if (active && this.environmentKind(active) !== 'sandbox-stopped' && !this.model.credentialPresence(active).admin && profile.steps.every((s) => !this.model.result(active, s.id))) return [];
      const envs: IntegrationNode[] = this.model.environments.map((env) => {
        const cfg = plan.environments[env]!;
        const presence = this.model.credentialPresence(env);
        return new EnvironmentNode(env, cfg.url, env === this.model.activeEnvironment, this.environmentKind(env), presence.admin, this.model.connection(env), this.worstOf(env), this.model.planFileUrl(env), presence);
      });
      // Restricted Mode: the tree says why nothing runs (an empty tree shows the welcome line instead).
      return vscode.workspace.isTrusted ? envs : [new RestrictedModeNode(), ...envs];
    }
    if (node instanceof EnvironmentNode) {
      if (node.envKind === 'sandbox-stopped') {
        return [
          new TextNode(node, `${node.id}/stopped`, vscode.l10n.t('The local sandbox is not running'), ICON.info, vscode.l10n.t('its data and your results are kept')),
          new TextNode(node, `${node.id}/start`, vscode.l10n.t('Start Local Sandbox'), ICON.start, vscode.l10n.t('starts it again on this machine'), { command: 'oli.startSandbox', title: vscode.l10n.t('Start Local Sandbox') }),
        ];
      }
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
      const practice = this.practiceOffered(env) ? new Set(practicableSteps(plan, profile.steps)) : new Set<string>();
      return profile.steps.map((def, i) => new StepNode(node, env, def, i + 1, this.model.result(env, def.id), this.running.get(env, def.id), trusted, practice.has(def.id)));
    }
    if (node instanceof StepNode) {
      const out: IntegrationNode[] = (node.result?.checks ?? []).map((c) => new SubCheckNode(node, c));
      if (node.showsGuidance) out.push(new GuidanceNode(node));
      return out;
    }
    if (node instanceof GuidanceNode) {
      const step = node.parent;
      const g = step.definition.guidance;
      const out: IntegrationNode[] = [];
      if (step.offersPractice) out.push(new PracticeNode(node, step));
      out.push(...g.checklist.map((text, i) => new TextNode(node, `${node.id}/item/${i}`, text, ICON.checklistItem)));
      if (g.deepLink) {
        const sandbox = this.environmentKind(step.environment) === 'sandbox';
        out.push(
          new TextNode(
            node,
            `${node.id}/link`,
            sandbox ? vscode.l10n.t('Open in Oracle (the sandbox\'s description): {0}', g.deepLink.label) : vscode.l10n.t('Open in Oracle: {0}', g.deepLink.label),
            ICON.openInOracle,
            g.deepLink.navigation,
            {
              command: 'oli.openInOracle',
              title: vscode.l10n.t('Open in Oracle'),
              arguments: [{ environment: step.environment, step: step.definition.id }],
            },
          ),
        );
      }
      for (const [i, c] of (g.cautions ?? []).entries()) out.push(new TextNode(node, `${node.id}/caution/${i}`, c, ICON.caution, undefined, undefined, 'list.warningForeground'));
      if (g.record.length) out.push(new TextNode(node, `${node.id}/record`, vscode.l10n.t('Record as evidence: {0}', g.record.join('; ')), ICON.evidence));
      return out;
    }
    return [];
  }
}
