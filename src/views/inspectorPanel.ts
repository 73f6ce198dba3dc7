import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { inspectCertificates } from '../core/inspect/certificates';
import { inspectJwt } from '../core/inspect/jwt';
import { inspectXapiText } from '../core/inspect/xapi-stream';
import { Disposable } from './disposable';
import type { ComponentLog } from './logger';
import { toHostSchema, toWebviewSchema, type InspectorTab, type ToHost, type ToWebview } from './inspectorProtocol';

export const INSPECTOR_PANEL_TYPE = 'oli.inspector';

/** A JSON copy (what postMessage carries); the protocol schema validates it before sending. */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

/** Strings the webview shows, translated on the extension side (vscode.l10n) and sent at init. */
function webviewStrings(): Record<string, string> {
  return {
    certificate: vscode.l10n.t('Certificate'),
    jwt: vscode.l10n.t('JWT'),
    xapi: vscode.l10n.t('xAPI statement'),
    certificatePlaceholder: vscode.l10n.t('Paste a certificate (PEM or base64 DER)…'),
    jwtPlaceholder: vscode.l10n.t('Paste a JWT (header.payload.signature)…'),
    jwtCertificatePlaceholder: vscode.l10n.t('Inbound certificate (PEM) registered in API Authentication, optional'),
    issuerPlaceholder: vscode.l10n.t('Trusted issuer, optional'),
    userPlaceholder: vscode.l10n.t('Integration user, optional'),
    xapiPlaceholder: vscode.l10n.t('Paste one statement, an array or NDJSON…'),
    inspect: vscode.l10n.t('Inspect'),
    openFile: vscode.l10n.t('Open File…'),
    verified: vscode.l10n.t('Verified'),
    problems: vscode.l10n.t('Problems'),
    valid: vscode.l10n.t('valid'),
    invalid: vscode.l10n.t('invalid'),
    subject: vscode.l10n.t('Subject'),
    issuer: vscode.l10n.t('Issuer'),
    validity: vscode.l10n.t('Validity'),
    key: vscode.l10n.t('Key'),
    thumbprint: vscode.l10n.t('x5t (SHA-1)'),
    sha256: vscode.l10n.t('SHA-256'),
    daysLeft: vscode.l10n.t('days left'),
    usableForOracle: vscode.l10n.t('Usable for Oracle API Authentication'),
    notUsableForOracle: vscode.l10n.t('Not usable for Oracle API Authentication'),
    signature: vscode.l10n.t('Signature'),
    checks: vscode.l10n.t('Checks'),
    learner: vscode.l10n.t('Learner'),
    content: vscode.l10n.t('Content'),
    oracleReads: vscode.l10n.t('What Oracle records'),
  };
}

/**
 * Hosts the Inspector webview: strict CSP with a nonce, resources only from dist/webview, a typed
 * message protocol validated with zod both ways, and a ready handshake (messages wait for it).
 */
export class InspectorPanelHost extends Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private queue: ToWebview[] = [];
  private readyWaiters: (() => void)[] = [];
  /** Last messages exchanged (for tests). */
  readonly sent: ToWebview[] = [];
  readonly received: ToHost[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: ComponentLog,
  ) {
    super();
  }

  get isOpen(): boolean {
    return !!this.panel;
  }

  get isReady(): boolean {
    return this.ready;
  }

  whenReady(): Promise<void> {
    return this.ready ? Promise.resolve() : new Promise((r) => this.readyWaiters.push(r));
  }

  open(tab: InspectorTab = 'certificate'): vscode.WebviewPanel {
    if (this.panel) {
      this.panel.reveal();
      this.post({ type: 'init', tab, strings: webviewStrings() });
      return this.panel;
    }
    const root = vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
    const panel = vscode.window.createWebviewPanel(INSPECTOR_PANEL_TYPE, vscode.l10n.t('Oracle Learning Inspector'), vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [root],
      retainContextWhenHidden: false,
    });
    this.panel = panel;
    this.ready = false;
    const nonce = randomBytes(16).toString('base64');
    const script = panel.webview.asWebviewUri(vscode.Uri.joinPath(root, 'inspector.js'));
    const csp = [`default-src 'none'`, `img-src ${panel.webview.cspSource} data:`, `style-src ${panel.webview.cspSource} 'nonce-${nonce}'`, `script-src 'nonce-${nonce}'`, `font-src ${panel.webview.cspSource}`].join('; ');
    panel.webview.html = `<!DOCTYPE html>
<html lang="${vscode.env.language}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${vscode.l10n.t('Oracle Learning Inspector')}</title>
<style nonce="${nonce}">
  body { padding: 8px 16px; color: var(--vscode-foreground); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); }
  .result { margin-top: 12px; }
  .ok { color: var(--vscode-testing-iconPassed); }
  .bad { color: var(--vscode-errorForeground); }
  .warn { color: var(--vscode-editorWarning-foreground); }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
  dt { color: var(--vscode-descriptionForeground); }
  dd { margin: 0; word-break: break-all; }
  vscode-textarea, vscode-textfield { width: 100%; margin-bottom: 8px; }
  h2 { font-size: 1.2em; display: flex; gap: 8px; align-items: center; }
  ul { padding-left: 20px; }
</style>
</head>
<body>
<div id="app" data-state="loading"></div>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
    this.register(panel.webview.onDidReceiveMessage((raw: unknown) => void this.onMessage(raw, tab)));
    panel.onDidDispose(() => {
      this.panel = undefined;
      this.ready = false;
      this.queue = [];
    });
    return panel;
  }

  /** Opens the inspector with the given input and inspects it. */
  async inspect(tab: InspectorTab, text: string, source = vscode.l10n.t('selection')): Promise<ToWebview> {
    this.open(tab);
    this.post({ type: 'show-input', tab, text });
    const message = await this.handle(tab === 'certificate' ? { type: 'inspect-certificate', text } : tab === 'jwt' ? { type: 'inspect-jwt', token: text } : { type: 'inspect-xapi', text }, source);
    return message;
  }

  private post(message: ToWebview): void {
    const checked = toWebviewSchema.parse(message);
    this.sent.push(checked);
    if (this.sent.length > 50) this.sent.shift();
    if (!this.panel) return;
    if (!this.ready) {
      this.queue.push(checked);
      return;
    }
    void this.panel.webview.postMessage(checked);
  }

  private async onMessage(raw: unknown, initialTab: InspectorTab): Promise<void> {
    const parsed = toHostSchema.safeParse(raw);
    if (!parsed.success) {
      this.log.warn(`ignored an invalid message from the inspector webview: ${parsed.error.issues[0]?.message}`);
      return;
    }
    const m = parsed.data;
    this.received.push(m);
    if (this.received.length > 50) this.received.shift();
    if (m.type === 'ready') {
      this.ready = true;
      void this.panel?.webview.postMessage(toWebviewSchema.parse({ type: 'init', tab: initialTab, strings: webviewStrings() }));
      for (const q of this.queue.splice(0)) void this.panel?.webview.postMessage(q);
      for (const w of this.readyWaiters.splice(0)) w();
      return;
    }
    if (m.type === 'pick-certificate-file') {
      const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { [vscode.l10n.t('Certificates')]: ['cer', 'crt', 'pem', 'der', 'p7b', 'p12', 'pfx'] } });
      if (!picked?.[0]) return;
      const data = await readFile(picked[0].fsPath);
      await this.handleCertificate(data, picked[0].fsPath);
      return;
    }
    await this.handle(m, vscode.l10n.t('pasted text'));
  }

  private async handleCertificate(input: Buffer | string, source: string): Promise<ToWebview> {
    try {
      const report = inspectCertificates(input);
      const msg = toWebviewSchema.parse({ type: 'certificate-result', source, report: plain(report) });
      this.post(msg);
      this.log.info(`certificate inspected (${source}): ${report.certificates.length} certificate(s), ${report.ok ? 'usable' : 'problems: ' + report.problems.map((p) => p.code).join(', ')}`);
      return msg;
    } catch (err) {
      return this.fail('certificate', err);
    }
  }

  private fail(tab: InspectorTab, err: unknown): ToWebview {
    const msg: ToWebview = { type: 'error', tab, message: err instanceof Error ? err.message : String(err) };
    this.post(msg);
    return msg;
  }

  private async handle(m: Exclude<ToHost, { type: 'ready' | 'pick-certificate-file' }>, source: string): Promise<ToWebview> {
    if (m.type === 'inspect-certificate') return this.handleCertificate(m.text, source);
    if (m.type === 'inspect-jwt') {
      try {
        const token = m.token.trim().replace(/^Bearer\s+/i, '');
        const report = await inspectJwt(token, {
          ...(m.certificate?.trim() ? { certificates: m.certificate } : {}),
          ...(m.issuer?.trim() ? { issuer: m.issuer.trim() } : {}),
          ...(m.user?.trim() ? { user: m.user.trim() } : {}),
        });
        const msg = toWebviewSchema.parse({ type: 'jwt-result', report: plain(report) });
        this.post(msg);
        return msg;
      } catch (err) {
        return this.fail('jwt', err);
      }
    }
    try {
      const inspection = inspectXapiText(m.text);
      const msg = toWebviewSchema.parse({ type: 'xapi-result', inspection: plain(inspection) });
      this.post(msg);
      return msg;
    } catch (err) {
      return this.fail('xapi', err);
    }
  }

  close(): void {
    this.panel?.dispose();
  }

  override dispose(): void {
    this.panel?.dispose();
    super.dispose();
  }
}
