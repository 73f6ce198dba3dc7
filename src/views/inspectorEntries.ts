import * as vscode from 'vscode';

export const INSPECTOR_VIEW_ID = 'oli.inspectorEntries';

interface Entry {
  label: string;
  description: string;
  icon: string;
  command: vscode.Command;
}

/** The Inspector's entry points in the Oracle Learning container (a flat list of actions). */
export class InspectorEntryProvider implements vscode.TreeDataProvider<Entry> {
  getTreeItem(e: Entry): vscode.TreeItem {
    const item = new vscode.TreeItem(e.label, vscode.TreeItemCollapsibleState.None);
    item.description = e.description;
    item.iconPath = new vscode.ThemeIcon(e.icon);
    item.command = e.command;
    item.tooltip = `${e.label}: ${e.description}`;
    return item;
  }

  getChildren(): Entry[] {
    return [
      { label: vscode.l10n.t('Certificate'), description: vscode.l10n.t('validity, key, x5t thumbprint'), icon: 'workspace-trusted', command: { command: 'oli.openInspector', title: '', arguments: ['certificate'] } },
      { label: vscode.l10n.t('JWT'), description: vscode.l10n.t('as Oracle API Authentication checks it'), icon: 'key', command: { command: 'oli.openInspector', title: '', arguments: ['jwt'] } },
      { label: vscode.l10n.t('xAPI statement'), description: vscode.l10n.t('valid? what Oracle records'), icon: 'json', command: { command: 'oli.openInspector', title: '', arguments: ['xapi'] } },
    ];
  }
}
