import * as vscode from 'vscode';
import { INSPECTOR_TABS, detectInspectorTab, type InspectorTab } from '../views/inspectorProtocol';
import type { InspectorPanelHost } from '../views/inspectorPanel';
import type { CommandDeps } from './deps';
import { CommandPreconditionError, type CommandRegistry } from './registry';

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
}
