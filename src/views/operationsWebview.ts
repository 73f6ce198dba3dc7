import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { esc, operationsToHostSchema, type OperationsToHost } from './operationsProtocol';
import { Disposable } from './disposable';
import type { ComponentLog } from './logger';

/**
 * The webviews of issue 14 ("Why Didn't This Land?" and the environments matrix): the host renders
 * the whole page (every text escaped), the page only sends button clicks. Strict CSP: nothing by
 * default, styles and the one script only with the per-load nonce, no command URIs.
 */
const STYLE = `
  body { padding: 8px 16px; color: var(--vscode-foreground); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); }
  h1 { font-size: 1.3em; margin: 8px 0; }
  .muted { color: var(--vscode-descriptionForeground); }
  .bar { display: flex; gap: 8px; margin: 12px 0; }
  button { background: var(--vscode-button-background); color: var(--vscode-button-foreground); border: none; padding: 4px 12px; cursor: pointer; font-family: inherit; }
  button.secondary { background: var(--vscode-button-secondaryBackground); color: var(--vscode-button-secondaryForeground); }
  .ok { color: var(--vscode-testing-iconPassed); }
  .broken, .error { color: var(--vscode-errorForeground); }
  .waiting, .warning { color: var(--vscode-editorWarning-foreground); }
  .unknown, .info { color: var(--vscode-descriptionForeground); }
  .attested { color: var(--vscode-charts-blue); }
  .verdict { border-left: 4px solid var(--vscode-textBlockQuote-border); background: var(--vscode-textBlockQuote-background); padding: 8px 12px; margin: 12px 0; }
  .verdict.not-landed { border-color: var(--vscode-errorForeground); }
  .verdict.landed, .verdict.should-have-landed { border-color: var(--vscode-testing-iconPassed); }
  .verdict.not-yet { border-color: var(--vscode-editorWarning-foreground); }
  ol.timeline { list-style: none; padding-left: 0; margin: 0; border-left: 2px solid var(--vscode-panel-border); }
  ol.timeline > li { position: relative; padding: 6px 0 10px 24px; }
  ol.timeline > li .dot { position: absolute; left: -9px; top: 6px; width: 16px; height: 16px; border-radius: 50%; text-align: center; line-height: 16px; font-size: 11px; background: var(--vscode-editor-background); border: 1px solid currentColor; }
  ol.timeline > li.first { background: var(--vscode-editor-inactiveSelectionBackground); outline: 1px solid var(--vscode-errorForeground); }
  .title { font-weight: 600; }
  .when, .basis { color: var(--vscode-descriptionForeground); font-size: 0.9em; margin-left: 6px; }
  .check { margin-top: 2px; }
  table.matrix { border-collapse: collapse; margin-top: 8px; }
  table.matrix th, table.matrix td { border: 1px solid var(--vscode-panel-border); padding: 4px 10px; text-align: left; vertical-align: top; }
  table.matrix th.env { min-width: 150px; }
  td.cell .badge { display: inline-block; min-width: 1.4em; font-weight: 700; }
  tr.differs td.step { font-weight: 600; }
  .differs-mark { color: var(--vscode-editorWarning-foreground); margin-left: 4px; }
`;

/** Builds a page: `body` is trusted HTML built with esc(); the script posts `data-action` clicks. */
export function operationsPage(webview: vscode.Webview, title: string, body: string): string {
  const nonce = randomBytes(16).toString('base64');
  const csp = [`default-src 'none'`, `style-src 'nonce-${nonce}'`, `script-src 'nonce-${nonce}'`, `font-src ${webview.cspSource}`].join('; ');
  return `<!DOCTYPE html>
<html lang="${esc(vscode.env.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${esc(title)}</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
${body}
<script nonce="${nonce}">
  const vscode = acquireVsCodeApi();
  for (const b of document.querySelectorAll('[data-action]')) b.addEventListener('click', () => vscode.postMessage({ type: b.getAttribute('data-action') }));
</script>
</body>
</html>`;
}

/** One webview panel, revealed again when reopened; clicks validated before they are acted on. */
export class OperationsPanel extends Disposable {
  private panel: vscode.WebviewPanel | undefined;
  /** The last page set (tests read it). */
  html = '';
  /** Messages refused (not in the protocol). */
  readonly rejected: unknown[] = [];

  constructor(
    private readonly viewType: string,
    private readonly log: ComponentLog,
    private readonly onMessage: (m: OperationsToHost) => Promise<void>,
  ) {
    super();
  }

  get isOpen(): boolean {
    return !!this.panel;
  }

  show(title: string, body: string): void {
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(this.viewType, title, vscode.ViewColumn.Active, { enableScripts: true, enableCommandUris: false, localResourceRoots: [] });
      this.panel.onDidDispose(() => (this.panel = undefined));
      this.panel.webview.onDidReceiveMessage((raw: unknown) => {
        const m = operationsToHostSchema.safeParse(raw);
        if (!m.success) {
          this.rejected.push(raw);
          this.log.warn(`ignored an invalid message from the ${this.viewType} webview`);
          return;
        }
        this.onMessage(m.data).catch((err: unknown) => this.log.error(`${m.data.type} failed: ${err instanceof Error ? err.message : String(err)}`));
      });
    }
    this.panel.title = title;
    this.html = operationsPage(this.panel.webview, title, body);
    this.panel.webview.html = this.html;
    this.panel.reveal(undefined, true);
  }

  override dispose(): void {
    this.panel?.dispose();
    super.dispose();
  }
}
