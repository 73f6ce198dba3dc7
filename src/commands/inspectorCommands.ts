import * as vscode from 'vscode';
import { INSPECTOR_TABS, detectInspectorTab, type InspectorTab } from '../views/inspectorProtocol';
import type { InspectorPanelHost } from '../views/inspectorPanel';
import type { CommandDeps } from './deps';
import { CommandPreconditionError, type CommandRegistry } from './registry';

/** The read-only certificate editor (contributes.customEditors): default for binary files, an option for text ones. */
export function certificateViewerFor(uri: vscode.Uri): string {
  return /\.(der|p12|pfx)$/i.test(uri.path) ? 'oli.certificateViewer' : 'oli.certificateViewer.text';
}

export function registerInspectorCommands(registry: CommandRegistry, _deps: CommandDeps, inspector: InspectorPanelHost): void {
  registry.add('oli.openInspector', (_run, tab?: unknown) => {
    const t: InspectorTab = typeof tab === 'string' && (INSPECTOR_TABS as readonly string[]).includes(tab) ? (tab as InspectorTab) : 'certificate';
    inspector.open(t);
    return t;
  });

  registry.add('oli.inspectSelection', async (_run, text?: unknown) => {
    let input = typeof text === 'string' ? text : undefined;
    let source = vscode.l10n.t('argument');
    if (input === undefined) {
      const editor = vscode.window.activeTextEditor;
      if (!editor) throw new CommandPreconditionError('not-available', vscode.l10n.t('Open a file with a certificate, a JWT or an xAPI statement and select it (or nothing, for the whole file).'));
      input = editor.selection.isEmpty ? editor.document.getText() : editor.document.getText(editor.selection);
      source = vscode.workspace.asRelativePath(editor.document.uri);
    }
    const tab = detectInspectorTab(input);
    if (!tab) throw new CommandPreconditionError('invalid-input', vscode.l10n.t('The selection is not a certificate (PEM), a JWT or an xAPI statement (JSON).'));
    return inspector.inspect(tab, input, source);
  });

  registry.add('oli.openCertificateViewer', async (_run, arg?: unknown) => {
    const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
    if (!uri || uri.scheme === 'untitled') throw new CommandPreconditionError('not-available', vscode.l10n.t('Open a certificate file (.cer, .crt, .pem, .der, .p12, .pfx) first.'));
    await vscode.commands.executeCommand('vscode.openWith', uri, certificateViewerFor(uri));
    return uri.toString();
  });
}
