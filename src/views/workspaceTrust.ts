import * as vscode from 'vscode';

/**
 * The one gate in front of every command that sends credentials to a pod (Refresh, Test
 * Connection, Check Learner Identities, Dry Run, Attest, Run, the Inspector's "explain", Probe):
 * in an untrusted workspace (Restricted Mode) nothing is sent. An untrusted folder's plan can name
 * any URL for an environment called "dev"; trusting the folder is the user's decision that its plan
 * may receive their credentials.
 *
 * Commands call `assertTrustedToSendCredentials(what)` before reading a credential to send (the
 * controller's `credentialsForSending` does it for them); the error carries the "Trust this
 * folder" action.
 */

/** The command behind every "Trust this folder" button: VS Code's Workspace Trust editor. */
export const TRUST_WORKSPACE_COMMAND = 'oli.trustWorkspace';
/** VS Code's own command that opens the Workspace Trust editor (extensions cannot grant trust themselves). */
export const MANAGE_TRUST_COMMAND = 'workbench.trust.manage';

export class UntrustedWorkspaceError extends Error {
  override readonly name = 'UntrustedWorkspaceError';
  readonly reason = 'untrusted';
  constructor(readonly action: string) {
    super(
      vscode.l10n.t(
        '{0} is not available in Restricted Mode: this folder is not trusted, so nothing is sent to Oracle with your credentials (its plan could point them at another server). Trust this folder to use it.',
        action,
      ),
    );
  }
}

export function isTrusted(): boolean {
  return vscode.workspace.isTrusted;
}

/** Throws UntrustedWorkspaceError (with the "Trust this folder" action) unless the workspace is trusted. */
export function assertTrustedToSendCredentials(action: string): void {
  if (!isTrusted()) throw new UntrustedWorkspaceError(action);
}

/** What Restricted Mode means for this extension, in one sentence (tree line, welcome view, notifications). */
export function restrictedModeText(): string {
  return vscode.l10n.t('Restricted Mode: nothing is sent to Oracle from an untrusted folder (no refresh, connection test, identity check or run). Trust this folder to use them.');
}

/** Explains Restricted Mode and offers "Trust this folder". */
export async function explainRestrictedMode(action?: string): Promise<void> {
  const trust = vscode.l10n.t('Trust this folder');
  const message = action ? new UntrustedWorkspaceError(action).message : restrictedModeText();
  const answer = await vscode.window.showWarningMessage(message, trust);
  if (answer === trust) await vscode.commands.executeCommand(MANAGE_TRUST_COMMAND);
}
