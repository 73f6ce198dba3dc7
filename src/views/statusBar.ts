import * as vscode from 'vscode';
import { Disposable } from './disposable';
import type { IntegrationModel } from './integrationModel';
import type { LocalSandboxSession } from './localSandbox';
import { causeLabel } from './connection';
import { ICON } from './icons';
import { signInLine } from '../core/auth/methods';

/**
 * Shows the active environment (the pod every command runs against) and, until the next success,
 * why it last failed (unreachable, credentials refused, TLS…): running against the wrong pod, or
 * not knowing why nothing works, is the fear.
 */
export class ActiveEnvironmentStatusBar extends Disposable {
  readonly item: vscode.StatusBarItem;

  constructor(
    private readonly model: IntegrationModel,
    private readonly sandbox: LocalSandboxSession,
  ) {
    super();
    this.item = this.register(vscode.window.createStatusBarItem('oli.activeEnvironment', vscode.StatusBarAlignment.Left, 50));
    this.item.name = vscode.l10n.t('Oracle Learning: active environment');
    this.register(model.onDidChange(() => this.update()));
    this.register(sandbox.onDidChange(() => this.update()));
    this.update();
  }

  /** The problem shown after the environment's name, if any. */
  problem(env: string): string | undefined {
    if (this.sandbox.isStopped(env, this.model.planFileUrl(env))) return causeLabel('sandbox-stopped');
    const presence = this.model.credentialPresence(env);
    if (!presence.admin) return presence.method && presence.method !== 'basic' ? vscode.l10n.t('not signed in') : vscode.l10n.t('no credentials');
    const conn = this.model.connection(env);
    if (conn && !conn.ok) return conn.cause ? causeLabel(conn.cause) : vscode.l10n.t('connection failed');
    return undefined;
  }

  update(): void {
    const env = this.model.activeEnvironment;
    const plan = this.model.plan;
    if (!plan || !env) {
      this.item.hide();
      return;
    }
    const cfg = plan.environments[env]!;
    const conn = this.model.connection(env);
    const problem = this.problem(env);
    const stopped = this.sandbox.isStopped(env, this.model.planFileUrl(env));
    const sandbox = this.sandbox.isSandboxEnvironment(env, this.model.planFileUrl(env));
    const icon = problem ? ICON.needsAction : cfg.production ? ICON.production : sandbox ? ICON.sandbox : ICON.environment;
    this.item.text = `$(${icon}) ${env}${problem ? ` (${problem})` : ''}`;
    this.item.command = stopped ? 'oli.startSandbox' : 'oli.selectEnvironment';
    this.item.backgroundColor = problem ? new vscode.ThemeColor('statusBarItem.warningBackground') : cfg.production ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    const detail = stopped
      ? vscode.l10n.t('The local sandbox is not running. Click to start it again.')
      : problem
        ? conn && !conn.ok
          ? conn.message
          : this.model.credentialPresence(env).method && this.model.credentialPresence(env).method !== 'basic'
            ? vscode.l10n.t('Sign in before running anything ("Oracle Learning: Sign In").')
            : vscode.l10n.t('Set its credentials before running anything.')
        : undefined;
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**${vscode.l10n.t('Oracle Learning environment')}**: `).appendText(`${env}${cfg.production ? ` (${vscode.l10n.t('production')})` : ''}${sandbox ? ` (${vscode.l10n.t('local sandbox, not Oracle')})` : ''}`);
    md.appendMarkdown('\n\n').appendText(cfg.url);
    const signedIn = this.model.credentialPresence(env).signIn;
    if (signedIn) md.appendMarkdown('\n\n').appendText(vscode.l10n.t('Signed in as {0}', signInLine(signedIn)));
    if (detail) md.appendMarkdown(`\n\n$(${ICON.needsAction}) `).appendText(detail);
    if (!stopped) md.appendMarkdown('\n\n').appendText(vscode.l10n.t('Click to switch environment.'));
    this.item.tooltip = md;
    // A plain-text accessible name: screen readers do not read Markdown or codicon syntax.
    const spoken = [
      vscode.l10n.t('Oracle Learning environment {0}', env),
      ...(cfg.production ? [vscode.l10n.t('production')] : []),
      ...(sandbox ? [vscode.l10n.t('local sandbox, not Oracle')] : []),
      ...(problem ? [problem] : []),
      ...(detail && detail !== problem ? [detail] : []),
      ...(signedIn && !problem ? [vscode.l10n.t('Signed in as {0}', signInLine(signedIn))] : []),
    ];
    this.item.accessibilityInformation = { label: spoken.join(', '), role: 'button' };
    this.item.show();
  }
}
