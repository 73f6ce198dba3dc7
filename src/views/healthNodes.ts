import * as vscode from 'vscode';
import { ICON } from './icons';
import type { HealthFinding, HealthLevel, HealthReport } from '../core/health/report';
import { healthSummary } from '../core/health/report';
import { sortedFindings } from '../core/health/render';
import { basisLine, when, type EnvironmentNode, type IntegrationNode } from './treeNodes';

const LOOK: Record<HealthLevel, { icon: string; color?: string; label: () => string }> = {
  ok: { icon: ICON.done, color: 'testing.iconPassed', label: () => vscode.l10n.t('ok') },
  info: { icon: ICON.info, color: 'descriptionForeground', label: () => vscode.l10n.t('info') },
  warning: { icon: ICON.warn, color: 'list.warningForeground', label: () => vscode.l10n.t('warning') },
  unknown: { icon: ICON.unknown, label: () => vscode.l10n.t('could not be read') },
  error: { icon: ICON.failed, color: 'list.errorForeground', label: () => vscode.l10n.t('error') },
};

export function healthIcon(level: HealthLevel): vscode.ThemeIcon {
  const l = LOOK[level];
  return new vscode.ThemeIcon(l.icon, l.color ? new vscode.ThemeColor(l.color) : undefined);
}

export function healthLevelLabel(level: HealthLevel): string {
  return LOOK[level].label();
}

/** "Health" under an environment: the last `oli health` / "Check Health", its findings as children (issue 14). */
export class HealthNode implements IntegrationNode {
  readonly kind = 'health';
  readonly id: string;
  constructor(
    readonly parent: EnvironmentNode,
    readonly report: HealthReport | undefined,
  ) {
    // A new id per report: the view opens each new set of findings (its remembered state is per id).
    this.id = `${parent.id}/health${report ? `@${report.at}` : ''}`;
  }

  get environment(): string {
    return this.parent.environment;
  }

  children(): IntegrationNode[] {
    return this.report ? sortedFindings(this.report.findings).map((f) => new HealthFindingNode(this, f)) : [];
  }

  toTreeItem(): vscode.TreeItem {
    const r = this.report;
    const item = new vscode.TreeItem(vscode.l10n.t('Health'), r ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = r ? healthIcon(r.level) : new vscode.ThemeIcon(ICON.health);
    item.description = r ? `${healthSummary(r.findings)} · ${when(r.at)}` : vscode.l10n.t('not checked: run "Check Health"');
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**${vscode.l10n.t('Health of {0}', this.environment)}**\n\n`);
    if (r) md.appendText(vscode.l10n.t('{0}, {1} request(s), checked {2}. Scheduled runs, content sync, the inbound certificate and completions, read-only.', healthSummary(r.findings), r.requests, when(r.at)));
    else md.appendText(vscode.l10n.t('Run "Check Health": scheduled runs, content sync, the inbound certificate and completions, read-only.'));
    item.tooltip = md;
    item.contextValue = 'health';
    item.accessibilityInformation = { label: r ? `${vscode.l10n.t('Health')}, ${healthLevelLabel(r.level)}, ${healthSummary(r.findings)}` : vscode.l10n.t('Health, not checked') };
    return item;
  }
}

export class HealthFindingNode implements IntegrationNode {
  readonly kind = 'health-finding';
  readonly id: string;
  constructor(
    readonly parent: HealthNode,
    readonly finding: HealthFinding,
  ) {
    this.id = `${parent.id}/${finding.id}`;
  }

  toTreeItem(): vscode.TreeItem {
    const f = this.finding;
    const item = new vscode.TreeItem(f.title, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = healthIcon(f.level);
    item.description = f.message;
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**${f.title}** — ${healthLevelLabel(f.level)}\n\n`);
    md.appendText(f.message);
    if (f.check) md.appendMarkdown('\n\n').appendMarkdown(`**${vscode.l10n.t('What to check')}:** `).appendText(f.check);
    md.appendMarkdown('\n\n').appendText(basisLine(f.basis));
    item.tooltip = md;
    item.contextValue = `health-finding:${f.level}`;
    item.accessibilityInformation = { label: `${f.title}, ${healthLevelLabel(f.level)}: ${f.message}` };
    return item;
  }
}
