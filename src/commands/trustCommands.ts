import * as vscode from 'vscode';
import { explainRestrictedMode, MANAGE_TRUST_COMMAND } from '../views/workspaceTrust';
import type { CommandRegistry } from './registry';

/**
 * Restricted Mode, explained where it bites: the Run buttons stay visible but disabled with the
 * reason in their tooltip (their titles), the palette offers "why?" in place of the hidden run
 * commands, and every "Trust this folder" button opens VS Code's Workspace Trust editor.
 */
export function registerTrustCommands(registry: CommandRegistry): void {
  registry.add('oli.trustWorkspace', async () => {
    await vscode.commands.executeCommand(MANAGE_TRUST_COMMAND);
    return vscode.workspace.isTrusted;
  });
  // Disabled in Restricted Mode (their enablement is isWorkspaceTrusted, their title the reason); run only if invoked directly.
  registry.add('oli.runStepRestricted', () => explainRestrictedMode(vscode.l10n.t('Run Step')));
  registry.add('oli.runAllRestricted', () => explainRestrictedMode(vscode.l10n.t('Run All Automatic Steps')));
  registry.add('oli.explainRestrictedMode', () => explainRestrictedMode());
}
