import * as vscode from 'vscode';

/**
 * A plan error as a VS Code user reads it: the core's messages (shared with the CLI) suggest
 * `oli init`; in VS Code the way to recreate a plan is the "Create Plan" command.
 */
export function planErrorForPeople(message: string): string {
  const createPlan = vscode.l10n.t('"Oracle Learning: Create Plan"');
  return message
    .replace(/Create one with 'oli init' \(or the "Create Plan" command in VS Code\)/g, vscode.l10n.t('Create one with {0}', createPlan))
    .replace(/recreate it with 'oli init'/g, vscode.l10n.t('recreate it with {0}', createPlan));
}
