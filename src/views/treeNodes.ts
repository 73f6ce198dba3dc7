import * as vscode from 'vscode';
import type { StepDefinition } from '../core/plan/types';
import type { Basis, StepResult, SubCheck } from '../core/plan/result';
import type { StepStatus } from '../core/plan/stepIds';
import { outcomeIcon, outcomeLabel, RUNNING_ICON, statusIcon, statusLabel } from './statusPresentation';

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

export class EnvironmentNode implements IntegrationNode {
  readonly kind = 'environment';
  readonly id: string;
  constructor(
    readonly environment: string,
    readonly url: string,
    readonly active: boolean,
    readonly production: boolean,
    readonly hasCredentials: boolean,
    readonly connection: { ok: boolean; message: string; at: string } | undefined,
    readonly worst: StepStatus | undefined,
  ) {
    this.id = `env/${environment}`;
  }

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.environment, this.active ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.resourceUri = statusUri(this.environment);
    const bits = [this.url];
    if (this.active) bits.unshift(vscode.l10n.t('active'));
    if (!this.hasCredentials) bits.push(vscode.l10n.t('no credentials'));
    else if (this.connection && !this.connection.ok) bits.push(vscode.l10n.t('connection failed'));
    item.description = bits.join(' · ');
    const icon = this.connection && !this.connection.ok ? 'cloud-offline' : this.production ? 'server-environment' : 'cloud';
    item.iconPath = new vscode.ThemeIcon(icon, this.connection && !this.connection.ok ? new vscode.ThemeColor('list.errorForeground') : undefined);
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**${this.environment}**${this.active ? ` — ${vscode.l10n.t('active environment')}` : ''}\n\n`);
    md.appendText(this.url);
    if (this.production) md.appendMarkdown(`\n\n$(warning) ${vscode.l10n.t('Production pod: applying asks for confirmation.')}`);
    if (!this.hasCredentials) md.appendMarkdown(`\n\n${vscode.l10n.t('No credentials yet: run "Set Credentials".')}`);
    if (this.connection) md.appendMarkdown(`\n\n${this.connection.ok ? '$(pass)' : '$(error)'} `).appendText(`${this.connection.message} (${when(this.connection.at)})`);
    md.supportThemeIcons = true;
    item.tooltip = md;
    item.contextValue = `environment${this.active ? ':active' : ''}${this.hasCredentials ? ':credentials' : ''}`;
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
    item.iconPath = new vscode.ThemeIcon('mortar-board');
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
  ) {
    this.id = `${parent.id}/${definition.id}`;
  }

  get status(): StepStatus {
    return this.result?.status ?? 'unknown';
  }

  get hasChildren(): boolean {
    return (this.result?.checks.length ?? 0) > 0 || this.definition.automation === 'guided';
  }

  toTreeItem(): vscode.TreeItem {
    const def = this.definition;
    const item = new vscode.TreeItem(`${this.index}. ${def.title}`, this.hasChildren ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.resourceUri = statusUri(this.environment, def.id);
    const automation = def.automation === 'automatic' ? vscode.l10n.t('automatic') : vscode.l10n.t('guided');
    if (this.running) {
      item.iconPath = new vscode.ThemeIcon(RUNNING_ICON);
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
    'telescope',
    vscode.l10n.t('{0}; status and apply use what it confirmed. Run "Probe Environment" again after a change in the pod.', when(probe.at)),
  );
}

/** "How to do it" group of a guided step: its checklist, the deep link and the cautions. */
export class GuidanceNode implements IntegrationNode {
  readonly kind = 'guidance';
  readonly id: string;
  constructor(readonly parent: StepNode) {
    this.id = `${parent.id}/guidance`;
  }

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(vscode.l10n.t('Checklist'), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('checklist');
    item.description = vscode.l10n.t('{0} actions in Oracle, then attest', this.parent.definition.guidance.checklist.length);
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
    private readonly icon: string,
    private readonly description?: string,
    private readonly command?: vscode.Command,
  ) {}

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(this.icon);
    if (this.description) item.description = this.description;
    item.tooltip = this.description ? `${this.label}\n${this.description}` : this.label;
    if (this.command) item.command = this.command;
    item.contextValue = this.command ? 'link' : 'text';
    return item;
  }
}
