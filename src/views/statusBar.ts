import * as vscode from 'vscode';
import { Disposable } from './disposable';
import type { IntegrationModel } from './integrationModel';

/**
 * Shows the active environment (the pod every command runs against) and warns when its
 * credentials are missing or failed: running against the wrong pod is the fear.
 */
export class ActiveEnvironmentStatusBar extends Disposable {
  readonly item: vscode.StatusBarItem;

  constructor(private readonly model: IntegrationModel) {
    super();
    this.item = this.register(vscode.window.createStatusBarItem('oli.activeEnvironment', vscode.StatusBarAlignment.Left, 50));
    this.item.name = vscode.l10n.t('Oracle Learning: active environment');
    this.item.command = 'oli.selectEnvironment';
    this.register(model.onDidChange(() => this.update()));
    this.update();
  }

  update(): void {
    const env = this.model.activeEnvironment;
    const plan = this.model.plan;
    if (!plan || !env) {
      this.item.hide();
      return;
    }
    const cfg = plan.environments[env]!;
    const presence = this.model.credentialPresence(env);
    const conn = this.model.connection(env);
    const problem = !presence.admin ? vscode.l10n.t('no credentials') : conn && !conn.ok ? vscode.l10n.t('credentials failed') : undefined;
    const icon = problem ? '$(warning)' : cfg.production ? '$(server-environment)' : '$(cloud)';
    this.item.text = `${icon} ${env}${problem ? ` (${problem})` : ''}`;
    this.item.backgroundColor = problem ? new vscode.ThemeColor('statusBarItem.warningBackground') : cfg.production ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**${vscode.l10n.t('Oracle Learning environment')}**: ${env}${cfg.production ? ` (${vscode.l10n.t('production')})` : ''}\n\n`);
    md.appendText(cfg.url);
    if (problem) md.appendMarkdown(`\n\n$(warning) `).appendText(conn && !conn.ok ? conn.message : vscode.l10n.t('Set its credentials before running anything.'));
    md.appendMarkdown(`\n\n${vscode.l10n.t('Click to switch environment.')}`);
    this.item.tooltip = md;
    this.item.show();
  }
}
