import * as vscode from 'vscode';
import { planCertificate, type PlanCertificate } from '../core/health/certificate';
import { isOpen, nextStage, stageTitle } from '../core/rotation/state';
import { Disposable } from './disposable';
import { inspectionSettings } from './httpSettings';
import type { IntegrationModel } from './integrationModel';

/**
 * Warns in the status bar from the plan's `health.certificateWarningDays` (else the setting
 * oracleLearning.certificates.warningDays, default 30) before the active
 * environment's inbound certificate expires (issue 14), read locally from the plan's file; hidden
 * when it is far from expiry or the plan uses OAuth.
 */
export class CertificateStatusBar extends Disposable {
  readonly item: vscode.StatusBarItem;
  /** What the last update found (tests read it). */
  current: PlanCertificate | undefined;
  private seq = 0;

  constructor(
    private readonly model: IntegrationModel,
    private readonly now: () => Date = () => new Date(),
  ) {
    super();
    this.item = this.register(vscode.window.createStatusBarItem('oli.certificateExpiry', vscode.StatusBarAlignment.Left, 49));
    this.item.name = vscode.l10n.t('Oracle Learning: inbound certificate');
    this.item.command = 'oli.certificateWarning';
    this.register(model.onDidChange(() => void this.update()));
    void this.update();
  }

  async update(): Promise<void> {
    const mine = ++this.seq;
    const env = this.model.activeEnvironment;
    const plan = this.model.plan;
    const cert = plan && env && this.model.root ? await planCertificate(plan, this.model.root, env, this.now(), inspectionSettings().certificateWarningDays) : undefined;
    if (mine !== this.seq) return;
    this.current = cert;
    if (!cert || (cert.ok && cert.level === 'ok')) {
      this.item.hide();
      return;
    }
    const rotation = env ? this.model.state(env).rotation : undefined;
    const stage = isOpen(rotation) ? nextStage(rotation) : undefined;
    if (!cert.ok) {
      this.item.text = `$(error) ${vscode.l10n.t('certificate unreadable')}`;
      this.item.tooltip = cert.message;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    } else {
      const days = cert.info.daysRemaining;
      this.item.text = days < 0 ? `$(error) ${vscode.l10n.t('{0} expired', cert.file)}` : `$(warning) ${vscode.l10n.t('{0}: {1} day(s) left', cert.file, days)}`;
      this.item.backgroundColor = new vscode.ThemeColor(cert.level === 'error' ? 'statusBarItem.errorBackground' : 'statusBarItem.warningBackground');
      const md = new vscode.MarkdownString(undefined, true);
      md.appendMarkdown(`**${vscode.l10n.t('Inbound certificate of {0}', env ?? '')}**\n\n`);
      md.appendText(vscode.l10n.t('{0} ({1}) expires on {2}; the warning starts {3} days before.', cert.file, cert.info.subject, new Date(cert.info.notAfter).toLocaleString(), cert.warnDays));
      md.appendMarkdown('\n\n').appendText(stage ? vscode.l10n.t('A rotation is in progress: next, {0}.', stageTitle(stage)) : vscode.l10n.t('Rotate it: oli rotate-cert --new FILE (register the new certificate next to the old one, verify, update the plan, remove the old alias).'));
      this.item.tooltip = md;
    }
    this.item.show();
  }
}
