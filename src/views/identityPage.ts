import * as vscode from 'vscode';
import { writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { IdentityReport } from '../core/plan/identity';
import { identityCsv } from '../core/plan/identityCsv';
import { printable } from '../core/text/printable';
import { Disposable } from './disposable';
import type { ComponentLog } from './logger';
import { identityPageToHostSchema, toIdentityPageSchema, type IdentityPageReport, type IdentityPageToHost, type ToIdentityPage } from './identityPageProtocol';
import { PAGE_STYLE, webviewShell } from './webviewHtml';

export const IDENTITY_PAGE_TYPE = 'oli.identityReport';
/** Context key: an identity check is shown (the palette offers its CSV export). */
const OPEN_KEY = 'oli.identityReportOpen';

function identityStrings(): Record<string, string> {
  return {
    title: vscode.l10n.t('Learner identities on {0}'),
    file: vscode.l10n.t('File'),
    by: vscode.l10n.t('Identified by'),
    checkedAt: vscode.l10n.t('Checked'),
    total: vscode.l10n.t('total'),
    matched: vscode.l10n.t('matched'),
    missing: vscode.l10n.t('missing'),
    duplicate: vscode.l10n.t('duplicate'),
    inactive: vscode.l10n.t('inactive'),
    invalid: vscode.l10n.t('invalid'),
    problems: vscode.l10n.t('Problems'),
    allGood: vscode.l10n.t('Every identifier resolves to exactly one active Oracle user.'),
    line: vscode.l10n.t('Line'),
    value: vscode.l10n.t('Value'),
    problem: vscode.l10n.t('Problem'),
    details: vscode.l10n.t('Details'),
    exportCsv: vscode.l10n.t('Export as CSV'),
    exported: vscode.l10n.t('Exported to {0}'),
    show: vscode.l10n.t('Show'),
    all: vscode.l10n.t('all'),
    openLine: vscode.l10n.t('Open line {0} of the learner file'),
  };
}

/**
 * The identity check as a page (issue 13): the counts, every problem with its line in the learner
 * file (a click opens the file there), a filter by kind, and "Export as CSV". Replaces the untitled
 * Markdown document of earlier versions.
 */
export class IdentityPageHost extends Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private current: { report: IdentityReport; environment: string; file: string; page: IdentityPageReport } | undefined;
  readonly journal: { sent: ToIdentityPage[]; received: IdentityPageToHost[] } = { sent: [], received: [] };
  /** Replaceable (tests answer without a save dialog). */
  askTarget: (suggested: vscode.Uri) => Thenable<vscode.Uri | undefined> = (suggested) => vscode.window.showSaveDialog({ defaultUri: suggested, filters: { CSV: ['csv'] }, saveLabel: vscode.l10n.t('Export') });

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: ComponentLog,
  ) {
    super();
    this.register({ dispose: () => this.panel?.dispose() });
  }

  get isOpen(): boolean {
    return !!this.panel;
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** Shows a report (opening the page, or reusing it). */
  show(environment: string, file: string, report: IdentityReport): vscode.WebviewPanel {
    const page: IdentityPageReport = {
      environment,
      file: printable(file),
      by: report.by,
      at: new Date().toLocaleString(),
      summary: report.summary,
      // In the order of the learner file (an unreadable row is found before the lookups answer).
      problems: [...report.problems].sort((x, y) => (x.line ?? Infinity) - (y.line ?? Infinity)).map((p) => ({ ...(p.line !== undefined ? { line: p.line } : {}), value: printable(p.value), problem: p.problem, message: printable(p.message), ...(p.users ? { users: p.users.map(printable) } : {}) })),
    };
    this.current = { report, environment, file, page };
    if (!this.panel) {
      const panel = vscode.window.createWebviewPanel(IDENTITY_PAGE_TYPE, vscode.l10n.t('Identity check: {0}', basename(file)), vscode.ViewColumn.Active, { enableScripts: true, retainContextWhenHidden: false, enableFindWidget: true });
      this.panel = panel;
      this.ready = false;
      panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'oracle-learning.svg');
      panel.webview.html = webviewShell(panel.webview, this.extensionUri, { script: 'identityPage.js', title: panel.title, style: PAGE_STYLE + IDENTITY_STYLE });
      const subs = [
        panel.webview.onDidReceiveMessage((raw: unknown) => void this.onMessage(raw)),
        panel.onDidChangeViewState(() => {
          if (!panel.visible) this.ready = false;
        }),
        panel.onDidDispose(() => {
          subs.forEach((d) => d.dispose());
          this.panel = undefined;
          this.ready = false;
          void vscode.commands.executeCommand('setContext', OPEN_KEY, false);
        }),
      ];
      void vscode.commands.executeCommand('setContext', OPEN_KEY, true);
    } else {
      this.panel.title = vscode.l10n.t('Identity check: {0}', basename(file));
      this.panel.reveal();
      if (this.ready) this.send({ type: 'report', report: page });
    }
    return this.panel;
  }

  private send(m: ToIdentityPage): void {
    const checked = toIdentityPageSchema.parse(m);
    this.journal.sent.push(checked);
    if (this.journal.sent.length > 50) this.journal.sent.shift();
    if (this.panel && this.ready) void this.panel.webview.postMessage(checked);
  }

  private async onMessage(raw: unknown): Promise<void> {
    const parsed = identityPageToHostSchema.safeParse(raw);
    if (!parsed.success) {
      this.log.warn(`ignored an invalid message from the identity page: ${parsed.error.issues[0]?.message ?? 'not a message'}`);
      return;
    }
    const m = parsed.data;
    this.journal.received.push(m);
    if (m.type === 'ready') {
      this.ready = true;
      this.send({ type: 'init', strings: identityStrings() });
      if (this.current) this.send({ type: 'report', report: this.current.page });
      return;
    }
    if (m.type === 'export-csv') await this.exportCsv();
    if (m.type === 'open-line' && this.current) {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(this.current.file));
      const line = Math.min(m.line - 1, doc.lineCount - 1);
      await vscode.window.showTextDocument(doc, { selection: doc.lineAt(line).range, viewColumn: vscode.ViewColumn.Beside });
    }
  }

  /** Writes the problems as CSV where the user says (beside the learner file by default); returns the path. */
  async exportCsv(target?: vscode.Uri): Promise<string | undefined> {
    const c = this.current;
    if (!c) return undefined;
    const file = target ?? (await this.askTarget(vscode.Uri.file(join(dirname(c.file), `${basename(c.file).replace(/\.[^.]+$/, '')}-identity-${c.environment}.csv`))));
    if (!file) return undefined;
    await writeFile(file.fsPath, identityCsv(c.report), 'utf8');
    this.log.info(`identity check of ${basename(c.file)} exported to ${file.fsPath} (${c.report.problems.length} problem(s))`);
    this.send({ type: 'exported', path: file.fsPath });
    return file.fsPath;
  }
}

const IDENTITY_STYLE = `
  .counts td, .counts th { text-align: right; }
  .counts { width: auto; margin: 8px 0 4px; }
  .problems td.line { white-space: nowrap; }
  .filter { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; margin: 6px 0; }
`;
