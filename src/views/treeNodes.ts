import * as vscode from 'vscode';
import type { StepDefinition } from '../core/plan/types';
import type { Basis, StepResult, SubCheck } from '../core/plan/result';
import type { StepStatus } from '../core/plan/stepIds';
import { outcomeIcon, outcomeLabel, RUNNING_ICON, statusIcon, statusLabel, themeIcon } from './statusPresentation';
import { ICON, type IconId } from './icons';
import { causeIcon, causeLabel } from './connection';
import type { ConnectionState, CredentialPresence } from './integrationModel';
import { signInLine, untilText } from '../core/auth/methods';
import { restrictedModeText, TRUST_WORKSPACE_COMMAND } from './workspaceTrust';

/** URI scheme of tree items that carry a status decoration (FileDecorationProvider). */
export const STATUS_SCHEME = 'oli-status';

export function statusUri(environment: string, ...rest: string[]): vscode.Uri {
  return vscode.Uri.from({ scheme: STATUS_SCHEME, path: '/' + [environment, ...rest].map(encodeURIComponent).join('/') });
}

/** A node of the Integration view; each renders itself (vscode-azureresourcegroups' pattern). */
export interface IntegrationNode {
  readonly kind: string;
  readonly id: string;
  readonly parent?: IntegrationNode;
  toTreeItem(): vscode.TreeItem;
}

/** The basis of a finding, in words, for tooltips (issue 10: every finding says what it rests on). */
export function basisLine(basis: Basis): string {
  if (basis === 'documented') return vscode.l10n.t('Basis: documented by Oracle.');
  if (basis === 'inferred') return vscode.l10n.t('Basis: inferred (Oracle publishes nothing on this; a pod may differ: run "Probe Environment").');
  return vscode.l10n.t('Basis: sandbox stand-in (not Oracle\'s).');
}

/** A timestamp in the user's locale (the string itself when it is not a date). */
export function when(ts: string): string {
  const d = new Date(ts);
  return Number.isNaN(d.getTime()) ? ts : d.toLocaleString();
}

/** What kind of pod an environment is, for its icon and words. */
export type EnvironmentKind = 'pod' | 'production' | 'sandbox' | 'sandbox-stopped';

export class EnvironmentNode implements IntegrationNode {
  readonly kind = 'environment';
  readonly id: string;
  constructor(
    readonly environment: string,
    readonly url: string,
    readonly active: boolean,
    readonly envKind: EnvironmentKind,
    readonly hasCredentials: boolean,
    readonly connection: ConnectionState | undefined,
    readonly worst: StepStatus | undefined,
    /** The URL in the plan file, when the live one differs (the local sandbox on another port). */
    readonly planUrl?: string,
    /** How the administrator signs in (the plan's method) and how they are signed in now. */
    readonly signIn?: Pick<CredentialPresence, 'method' | 'signIn'>,
  ) {
    this.id = `env/${environment}`;
  }

  /** "OAuth until 14:05", "own JWT key", "Basic": how it is signed in, in a few words. */
  get signInWords(): string | undefined {
    const s = this.signIn?.signIn;
    if (!s) return undefined;
    if (s.method === 'oauth') {
      const until = untilText(s);
      return until ? vscode.l10n.t('OAuth, {0}', until) : vscode.l10n.t('OAuth');
    }
    return s.method === 'jwt' ? vscode.l10n.t('own JWT key') : vscode.l10n.t('Basic');
  }

  get production(): boolean {
    return this.envKind === 'production';
  }

  /** The cause of the last failure, until the next success (or "not running" for a stopped local sandbox). */
  get problem(): string | undefined {
    if (this.envKind === 'sandbox-stopped') return causeLabel('sandbox-stopped');
    if (!this.hasCredentials) return this.signIn?.method && this.signIn.method !== 'basic' ? vscode.l10n.t('not signed in') : vscode.l10n.t('no credentials');
    if (this.connection && !this.connection.ok) return this.connection.cause ? causeLabel(this.connection.cause) : vscode.l10n.t('connection failed');
    return undefined;
  }

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.environment, this.active ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.resourceUri = statusUri(this.environment);
    const sandbox = this.envKind === 'sandbox' || this.envKind === 'sandbox-stopped';
    const bits: string[] = [];
    if (this.active) bits.push(vscode.l10n.t('active'));
    if (sandbox) bits.push(vscode.l10n.t('local sandbox, not Oracle'));
    if (this.envKind === 'sandbox-stopped') bits.push(vscode.l10n.t('not running'));
    else {
      bits.push(this.url);
      const problem = this.problem;
      if (problem) bits.push(problem);
      else if (this.signInWords) bits.push(this.signInWords);
    }
    item.description = bits.join(' · ');
    const failed = this.connection && !this.connection.ok && this.connection.cause;
    const icon: IconId =
      this.envKind === 'sandbox-stopped' ? ICON.sandboxStopped : failed ? causeIcon(this.connection!.cause!) : sandbox ? ICON.sandbox : this.production ? ICON.production : ICON.environment;
    item.iconPath = themeIcon(icon, failed || this.envKind === 'sandbox-stopped' ? 'list.errorForeground' : undefined);
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**${this.environment}**${this.active ? ` — ${vscode.l10n.t('active environment')}` : ''}\n\n`);
    md.appendText(this.url);
    if (this.planUrl && this.planUrl !== this.url) md.appendMarkdown('\n\n').appendText(vscode.l10n.t('The plan keeps {0}; the local sandbox of this workspace runs on {1} (remembered in the workspace state, not written to the plan).', this.planUrl, this.url));
    if (sandbox) md.appendMarkdown('\n\n').appendText(vscode.l10n.t('The local sandbox: an offline emulator of an Oracle pod on this machine. Its "Do this in the sandbox" actions simulate the Oracle UI through test-only hooks.'));
    if (this.production) md.appendMarkdown(`\n\n$(${ICON.needsAction}) ${vscode.l10n.t('Production pod: applying asks for confirmation.')}`);
    if (this.envKind === 'sandbox-stopped') md.appendMarkdown('\n\n').appendText(vscode.l10n.t('The local sandbox is not running. Start it again with "Start Local Sandbox" (its data is kept).'));
    else if (!this.hasCredentials)
      md.appendMarkdown(`\n\n${this.signIn?.method && this.signIn.method !== 'basic' ? vscode.l10n.t('Not signed in: run "Sign In".') : vscode.l10n.t('No credentials yet: run "Set Credentials".')}`);
    else if (this.signIn?.signIn) md.appendMarkdown('\n\n').appendText(vscode.l10n.t('Signed in as {0}', signInLine(this.signIn.signIn)));
    if (this.connection && this.envKind !== 'sandbox-stopped') md.appendMarkdown(`\n\n${this.connection.ok ? `$(${ICON.done})` : `$(${ICON.failed})`} `).appendText(`${this.connection.message} (${when(this.connection.at)})`);
    md.supportThemeIcons = true;
    item.tooltip = md;
    item.accessibilityInformation = { label: [this.environment, ...bits].join(', ') };
    item.contextValue = `environment${this.active ? ':active' : ''}${this.hasCredentials ? ':credentials' : ''}${sandbox ? ':sandbox' : ''}${this.envKind === 'sandbox-stopped' ? ':stopped' : ''}`;
    return item;
  }
}

export class ProviderNode implements IntegrationNode {
  readonly kind = 'provider';
  readonly id: string;
  constructor(
    readonly parent: EnvironmentNode,
    readonly displayName: string,
    readonly auth: string,
    readonly counts: { satisfied: number; total: number },
  ) {
    this.id = `${parent.id}/provider`;
  }

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.displayName, vscode.TreeItemCollapsibleState.Expanded);
    item.id = this.id;
    item.resourceUri = statusUri(this.parent.environment, '_provider');
    item.description = vscode.l10n.t('{0} · {1}/{2} steps satisfied', this.auth === 'jwt' ? vscode.l10n.t('JWT') : vscode.l10n.t('OAuth'), this.counts.satisfied, this.counts.total);
    item.iconPath = themeIcon(ICON.provider);
    item.accessibilityInformation = { label: `${this.displayName}, ${item.description}` };
    item.contextValue = 'provider';
    return item;
  }
}

export class StepNode implements IntegrationNode {
  readonly kind = 'step';
  readonly id: string;
  constructor(
    readonly parent: ProviderNode,
    readonly environment: string,
    readonly definition: StepDefinition,
    readonly index: number,
    readonly result: StepResult | undefined,
    readonly running: string | undefined,
    readonly trusted: boolean,
    /** A practice action can simulate this step's Oracle page (the local sandbox this window started). */
    readonly practice = false,
  ) {
    this.id = `${parent.id}/${definition.id}`;
  }

  get status(): StepStatus {
    return this.result?.status ?? 'unknown';
  }

  /** Practice offered now: practicable and not yet satisfied. */
  get offersPractice(): boolean {
    return this.practice && !['done', 'attested', 'not-applicable'].includes(this.status) && !this.running;
  }

  /** The checklist group shows for guided steps, and for automatic ones while practice is offered. */
  get showsGuidance(): boolean {
    return (this.definition.automation === 'guided' && this.status !== 'not-applicable') || this.offersPractice;
  }

  get hasChildren(): boolean {
    return (this.result?.checks.length ?? 0) > 0 || this.showsGuidance;
  }

  toTreeItem(): vscode.TreeItem {
    const def = this.definition;
    const item = new vscode.TreeItem(`${this.index}. ${def.title}`, this.hasChildren ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.resourceUri = statusUri(this.environment, def.id);
    const automation = def.automation === 'automatic' ? vscode.l10n.t('automatic') : vscode.l10n.t('guided');
    if (this.running) {
      item.iconPath = themeIcon(RUNNING_ICON);
      item.description = this.running;
    } else {
      item.iconPath = statusIcon(this.status);
      item.description = `${statusLabel(this.status)} · ${automation}`;
    }
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**${def.title}** — ${this.running ?? statusLabel(this.status)} (${automation})\n\n`);
    md.appendText(this.result?.detail ?? vscode.l10n.t('Not checked yet: run "Refresh Status".'));
    md.appendMarkdown('\n\n');
    md.appendText(this.result ? vscode.l10n.t('Last checked: {0}', when(this.result.checkedAt)) : vscode.l10n.t('Last checked: never'));
    if (this.result?.attestation) {
      md.appendMarkdown('\n\n');
      md.appendText(vscode.l10n.t('Attested by {0} on {1}: {2}', this.result.attestation.by, when(this.result.attestation.at), this.result.attestation.note));
    }
    if (this.result?.basis) {
      md.appendMarkdown('\n\n');
      md.appendText(basisLine(this.result.basis));
    }
    md.appendMarkdown('\n\n');
    md.appendText(def.oracleAsks);
    item.tooltip = md;
    item.accessibilityInformation = { label: `${def.title}, ${this.running ?? statusLabel(this.status)}, ${automation}` };
    const parts = ['step', def.automation, this.status];
    if (def.guidance.deepLink) parts.push('link');
    if (this.running) parts.push('running');
    if (!this.trusted) parts.push('untrusted');
    if (this.offersPractice) parts.push('practice');
    item.contextValue = parts.join(':');
    return item;
  }
}

export class SubCheckNode implements IntegrationNode {
  readonly kind = 'check';
  readonly id: string;
  constructor(
    readonly parent: StepNode,
    readonly check: SubCheck,
  ) {
    this.id = `${parent.id}/check/${check.id}`;
  }

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.check.title, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.resourceUri = statusUri(this.parent.environment, this.parent.definition.id, this.check.id);
    item.iconPath = outcomeIcon(this.check.outcome);
    item.description = this.check.message;
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**${this.check.title}** — ${outcomeLabel(this.check.outcome)}\n\n`);
    md.appendText(this.check.message);
    if (this.check.basis) {
      md.appendMarkdown('\n\n');
      md.appendText(basisLine(this.check.basis));
    }
    item.tooltip = md;
    item.accessibilityInformation = { label: `${this.check.title}, ${outcomeLabel(this.check.outcome)}, ${this.check.message}` };
    item.contextValue = `check:${this.check.outcome}`;
    return item;
  }
}

/** The one-line summary of the last `oli probe` / "Probe Environment" of an environment (issue 10). */
export function probeSummaryNode(parent: EnvironmentNode, probe: { at: string; summary?: string | undefined }): TextNode {
  return new TextNode(
    parent,
    `${parent.id}/probe`,
    vscode.l10n.t('Probe: {0}', probe.summary ?? vscode.l10n.t('done')),
    ICON.probe,
    vscode.l10n.t('{0}; status and apply use what it confirmed. Run "Probe Environment" again after a change in the pod.', when(probe.at)),
  );
}

/** First line of the tree in Restricted Mode: why nothing is sent to Oracle, and "Trust this folder". */
export class RestrictedModeNode implements IntegrationNode {
  readonly kind = 'restricted';
  readonly id = 'restricted-mode';

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(vscode.l10n.t('Restricted Mode: nothing is sent to Oracle'), vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = themeIcon(ICON.restricted);
    item.description = vscode.l10n.t('Trust this folder to refresh, test and run');
    item.tooltip = restrictedModeText();
    item.command = { command: TRUST_WORKSPACE_COMMAND, title: vscode.l10n.t('Trust this folder') };
    item.contextValue = 'restricted';
    item.accessibilityInformation = { label: `${vscode.l10n.t('Restricted Mode: nothing is sent to Oracle')}. ${vscode.l10n.t('Trust this folder to refresh, test and run')}` };
    return item;
  }
}

/** "How to do it" group of a guided step: its checklist, the deep link and the cautions. */
export class GuidanceNode implements IntegrationNode {
  readonly kind = 'guidance';
  readonly id: string;
  constructor(readonly parent: StepNode) {
    this.id = `${parent.id}/guidance`;
  }

  toTreeItem(): vscode.TreeItem {
    const practice = this.parent.offersPractice;
    const item = new vscode.TreeItem(vscode.l10n.t('Checklist'), practice ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = themeIcon(ICON.checklist);
    const n = this.parent.definition.guidance.checklist.length;
    const guided = this.parent.definition.automation === 'guided';
    item.description = practice
      ? guided
        ? vscode.l10n.t('{0} actions in Oracle, then attest; or practise here', n)
        : vscode.l10n.t('{0} action(s) in Oracle, then run; or practise here', n)
      : vscode.l10n.t('{0} actions in Oracle, then attest', n);
    item.accessibilityInformation = { label: `${vscode.l10n.t('Checklist')}, ${item.description}` };
    item.contextValue = 'guidance';
    return item;
  }
}

export class TextNode implements IntegrationNode {
  readonly kind = 'text';
  constructor(
    readonly parent: IntegrationNode,
    readonly id: string,
    private readonly label: string,
    private readonly icon: IconId,
    private readonly description?: string,
    private readonly command?: vscode.Command,
    private readonly iconColor?: string,
  ) {}

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = themeIcon(this.icon, this.iconColor);
    if (this.description) item.description = this.description;
    item.tooltip = this.description ? `${this.label}\n${this.description}` : this.label;
    item.accessibilityInformation = { label: this.description ? `${this.label}, ${this.description}` : this.label };
    if (this.command) item.command = this.command;
    item.contextValue = this.command ? 'link' : 'text';
    return item;
  }
}

/** "Do this in the sandbox": a practice action, labelled as a simulation of the Oracle UI. */
export class PracticeNode implements IntegrationNode {
  readonly kind = 'practice';
  readonly id: string;
  constructor(
    readonly parent: IntegrationNode,
    readonly step: StepNode,
  ) {
    this.id = `${parent.id}/practice`;
  }

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(vscode.l10n.t('Do this in the sandbox'), vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = themeIcon(ICON.practice);
    item.description = vscode.l10n.t('simulates the Oracle page; not Oracle');
    const page = this.step.definition.guidance.deepLink?.navigation;
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**${vscode.l10n.t('Practice on the local sandbox')}**\n\n`);
    md.appendText(
      page
        ? vscode.l10n.t('Performs in the local sandbox, through its test-only hooks, what an administrator does in Oracle on {0}. A simulation of the Oracle UI: it never runs against another environment.', page)
        : vscode.l10n.t('Performs in the local sandbox, through its test-only hooks, what an administrator does for this step. A simulation of the Oracle UI: it never runs against another environment.'),
    );
    md.appendMarkdown('\n\n');
    md.appendText(this.step.definition.automation === 'guided' ? vscode.l10n.t('Then attest the step, as you would after doing it in Oracle.') : vscode.l10n.t('Then run the step.'));
    item.tooltip = md;
    item.accessibilityInformation = { label: vscode.l10n.t('Do this in the sandbox: simulates the Oracle page for {0}; not Oracle', this.step.definition.title) };
    item.command = { command: 'oli.practiceStep', title: vscode.l10n.t('Do this in the sandbox'), arguments: [{ environment: this.step.environment, step: this.step.definition.id }] };
    item.contextValue = 'practice';
    return item;
  }
}
