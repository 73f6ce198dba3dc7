import * as vscode from 'vscode';
import type { StepStatus } from '../core/plan/stepIds';
import type { SubCheck } from '../core/plan/result';

export type Outcome = SubCheck['outcome'];

interface Look {
  icon: string;
  color?: string;
  /** FileDecoration badge (at most 2 characters). */
  badge: string;
  label: () => string;
}

const STATUS_LOOK: Record<StepStatus, Look> = {
  done: { icon: 'pass-filled', color: 'testing.iconPassed', badge: '✓', label: () => vscode.l10n.t('done') },
  attested: { icon: 'verified-filled', color: 'charts.blue', badge: 'A', label: () => vscode.l10n.t('attested') },
  'needs-action': { icon: 'warning', color: 'list.warningForeground', badge: '!', label: () => vscode.l10n.t('needs action') },
  failed: { icon: 'error', color: 'list.errorForeground', badge: '✗', label: () => vscode.l10n.t('failed') },
  blocked: { icon: 'debug-pause', color: 'disabledForeground', badge: 'B', label: () => vscode.l10n.t('blocked') },
  'not-applicable': { icon: 'circle-slash', color: 'descriptionForeground', badge: '–', label: () => vscode.l10n.t('not applicable') },
  unknown: { icon: 'circle-large-outline', badge: '?', label: () => vscode.l10n.t('not checked') },
};

const OUTCOME_LOOK: Record<Outcome, Look> = {
  pass: { icon: 'check', color: 'testing.iconPassed', badge: '✓', label: () => vscode.l10n.t('pass') },
  fail: { icon: 'close', color: 'list.errorForeground', badge: '✗', label: () => vscode.l10n.t('fail') },
  warn: { icon: 'warning', color: 'list.warningForeground', badge: '!', label: () => vscode.l10n.t('warning') },
  unknown: { icon: 'question', badge: '?', label: () => vscode.l10n.t('unknown') },
  info: { icon: 'info', color: 'descriptionForeground', badge: 'i', label: () => vscode.l10n.t('info') },
};

/** Severity order used to mark a parent by its worst child. */
const SEVERITY: Record<StepStatus, number> = { failed: 6, 'needs-action': 5, blocked: 4, unknown: 3, attested: 1, done: 1, 'not-applicable': 0 };

export function worstStatus(statuses: StepStatus[]): StepStatus | undefined {
  let worst: StepStatus | undefined;
  for (const s of statuses) if (worst === undefined || SEVERITY[s] > SEVERITY[worst]) worst = s;
  return worst;
}

export function statusIcon(status: StepStatus): vscode.ThemeIcon {
  const l = STATUS_LOOK[status];
  return new vscode.ThemeIcon(l.icon, l.color ? new vscode.ThemeColor(l.color) : undefined);
}

export function statusIconId(status: StepStatus): string {
  return STATUS_LOOK[status].icon;
}

export function statusLabel(status: StepStatus): string {
  return STATUS_LOOK[status].label();
}

export function statusDecoration(status: StepStatus, tooltip: string): vscode.FileDecoration | undefined {
  const l = STATUS_LOOK[status];
  if (status === 'not-applicable') return undefined;
  return new vscode.FileDecoration(l.badge, tooltip, l.color ? new vscode.ThemeColor(l.color) : undefined);
}

export function outcomeIcon(outcome: Outcome): vscode.ThemeIcon {
  const l = OUTCOME_LOOK[outcome];
  return new vscode.ThemeIcon(l.icon, l.color ? new vscode.ThemeColor(l.color) : undefined);
}

export function outcomeDecoration(outcome: Outcome, tooltip: string): vscode.FileDecoration | undefined {
  if (outcome === 'info' || outcome === 'pass') return undefined;
  const l = OUTCOME_LOOK[outcome];
  return new vscode.FileDecoration(l.badge, tooltip, l.color ? new vscode.ThemeColor(l.color) : undefined);
}

export function outcomeLabel(outcome: Outcome): string {
  return OUTCOME_LOOK[outcome].label();
}

export const RUNNING_ICON = 'loading~spin';
