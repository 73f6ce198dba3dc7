import * as vscode from 'vscode';
import type { StepStatus } from '../core/plan/stepIds';
import type { SubCheck } from '../core/plan/result';
import { ICON, type IconId } from './icons';

export type Outcome = SubCheck['outcome'];

interface Look {
  icon: IconId;
  /** Colour of the icon only (non-text: at least 3:1 on the default themes, checked in test/e2e). */
  color?: string;
  /** FileDecoration badge (at most 2 characters): a cue that does not rely on colour. */
  badge: string;
  label: () => string;
}

// Labels and descriptions keep the theme's foreground: no status colour recolours text (the
// green, blue and grey of done/attested/blocked rows fell to about 2:1 on light themes, and even
// the list error/warning colours fall under 4.5:1 on dark themes once VS Code dims descriptions).
// The icon carries the colour, the badge and the word carry the meaning.
const STATUS_LOOK: Record<StepStatus, Look> = {
  done: { icon: ICON.done, color: 'charts.green', badge: '✓', label: () => vscode.l10n.t('done') },
  attested: { icon: ICON.attested, color: 'charts.blue', badge: 'A', label: () => vscode.l10n.t('attested') },
  'needs-action': { icon: ICON.needsAction, color: 'list.warningForeground', badge: '!', label: () => vscode.l10n.t('needs action') },
  failed: { icon: ICON.failed, color: 'list.errorForeground', badge: '✗', label: () => vscode.l10n.t('failed') },
  blocked: { icon: ICON.blocked, color: 'descriptionForeground', badge: 'B', label: () => vscode.l10n.t('blocked') },
  'not-applicable': { icon: ICON.notApplicable, color: 'descriptionForeground', badge: '–', label: () => vscode.l10n.t('not applicable') },
  unknown: { icon: ICON.notChecked, badge: '?', label: () => vscode.l10n.t('not checked') },
};

const OUTCOME_LOOK: Record<Outcome, Look> = {
  pass: { icon: ICON.pass, color: 'charts.green', badge: '✓', label: () => vscode.l10n.t('pass') },
  fail: { icon: ICON.fail, color: 'list.errorForeground', badge: '✗', label: () => vscode.l10n.t('fail') },
  warn: { icon: ICON.warn, color: 'list.warningForeground', badge: '!', label: () => vscode.l10n.t('warning') },
  unknown: { icon: ICON.unknown, badge: '?', label: () => vscode.l10n.t('unknown') },
  info: { icon: ICON.info, color: 'descriptionForeground', badge: 'i', label: () => vscode.l10n.t('info') },
};

/** A codicon of ICON as a ThemeIcon, optionally coloured (the only way the views build one). */
export function themeIcon(id: IconId, color?: string): vscode.ThemeIcon {
  return new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);
}

/** Severity order used to mark a parent by its worst child. */
const SEVERITY: Record<StepStatus, number> = { failed: 6, 'needs-action': 5, blocked: 4, unknown: 3, attested: 1, done: 1, 'not-applicable': 0 };

export function worstStatus(statuses: StepStatus[]): StepStatus | undefined {
  let worst: StepStatus | undefined;
  for (const s of statuses) if (worst === undefined || SEVERITY[s] > SEVERITY[worst]) worst = s;
  return worst;
}

export function statusIcon(status: StepStatus): vscode.ThemeIcon {
  const l = STATUS_LOOK[status];
  return themeIcon(l.icon, l.color);
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
  return new vscode.FileDecoration(l.badge, tooltip);
}

export function outcomeIcon(outcome: Outcome): vscode.ThemeIcon {
  const l = OUTCOME_LOOK[outcome];
  return themeIcon(l.icon, l.color);
}

export function outcomeDecoration(outcome: Outcome, tooltip: string): vscode.FileDecoration | undefined {
  if (outcome === 'info' || outcome === 'pass') return undefined;
  return new vscode.FileDecoration(OUTCOME_LOOK[outcome].badge, tooltip);
}

export function outcomeLabel(outcome: Outcome): string {
  return OUTCOME_LOOK[outcome].label();
}

export const RUNNING_ICON = ICON.running;
