import * as vscode from 'vscode';
import { Disposable } from './disposable';
import { webviewShell } from './webviewHtml';
import { whyPrefill } from '../core/why/prefill';
import type { ComponentLog } from './logger';
import type { InspectorService } from './inspectorService';
import { toHostSchema, toWebviewSchema, type InspectorMode, type InspectorTab, type ToHost, type ToWebview } from './inspectorProtocol';

export const INSPECTOR_PANEL_TYPE = 'oli.inspector';

/** Strings the webview shows, translated on the extension side (vscode.l10n) and sent at init. */
export function webviewStrings(): Record<string, string> {
  return {
    certificate: vscode.l10n.t('Certificate'),
    jwt: vscode.l10n.t('JWT'),
    xapi: vscode.l10n.t('xAPI statement'),
    certificateLabel: vscode.l10n.t('Certificate (PEM or base64 DER)'),
    jwtLabel: vscode.l10n.t('JWT to check'),
    jwtCertificateLabel: vscode.l10n.t('Inbound certificate (PEM)'),
    issuerLabel: vscode.l10n.t('Trusted issuer'),
    userLabel: vscode.l10n.t('Integration user'),
    xapiLabel: vscode.l10n.t('xAPI statements (JSON)'),
    certificatePlaceholder: vscode.l10n.t('Paste it here, or open a file…'),
    jwtPlaceholder: vscode.l10n.t('header.payload.signature'),
    jwtCertificatePlaceholder: vscode.l10n.t('As registered in API Authentication; empty: the plan\'s certificate'),
    issuerPlaceholder: vscode.l10n.t('Empty: the plan\'s issuer'),
    userPlaceholder: vscode.l10n.t('Empty: the plan\'s integration user'),
    xapiPlaceholder: vscode.l10n.t('One statement, an array or NDJSON…'),
    inspect: vscode.l10n.t('Inspect'),
    openFile: vscode.l10n.t('Open File…'),
    copy: vscode.l10n.t('Copy'),
    verified: vscode.l10n.t('Verified'),
    problems: vscode.l10n.t('Problems'),
    valid: vscode.l10n.t('valid'),
    invalid: vscode.l10n.t('invalid'),
    subject: vscode.l10n.t('Subject'),
    issuer: vscode.l10n.t('Issuer'),
    serialNumber: vscode.l10n.t('Serial number'),
    notBefore: vscode.l10n.t('Not before'),
    notAfter: vscode.l10n.t('Not after'),
    status: vscode.l10n.t('Status'),
    key: vscode.l10n.t('Key'),
    signatureAlgorithm: vscode.l10n.t('Signature algorithm'),
    subjectAltNames: vscode.l10n.t('Subject alternative names'),
    basicConstraints: vscode.l10n.t('CA'),
    selfSigned: vscode.l10n.t('self-signed'),
    privateKey: vscode.l10n.t('Private key'),
    privateKeyPresent: vscode.l10n.t('present in the file (never shown; do not send this file to anyone)'),
    privateKeyAbsent: vscode.l10n.t('none'),
    thumbprint: vscode.l10n.t('x5t (SHA-1)'),
    thumbprintS256: vscode.l10n.t('x5t#S256'),
    sha1: vscode.l10n.t('SHA-1 thumbprint'),
    sha256: vscode.l10n.t('SHA-256 thumbprint'),
    daysLeft: vscode.l10n.t('days left'),
    usableForOracle: vscode.l10n.t('Usable for Oracle API Authentication'),
    notUsableForOracle: vscode.l10n.t('Not usable for Oracle API Authentication'),
    signature: vscode.l10n.t('Signature'),
    checks: vscode.l10n.t('Checks'),
    allChecksPassed: vscode.l10n.t('valid: all {0} checks passed'),
    checksFailed: vscode.l10n.t('invalid: {0} of {1} checks failed'),
    checkedAgainst: vscode.l10n.t('Checked against the plan'),
    header: vscode.l10n.t('Header'),
    claims: vscode.l10n.t('Claims'),
    learner: vscode.l10n.t('Learner'),
    content: vscode.l10n.t('Content id'),
    verb: vscode.l10n.t('Verb'),
    timestamp: vscode.l10n.t('Completion date (timestamp)'),
    duration: vscode.l10n.t('Actual effort (duration)'),
    score: vscode.l10n.t('Score'),
    oracleReads: vscode.l10n.t('What Oracle records'),
    completion: vscode.l10n.t('completion'),
    progress: vscode.l10n.t('progress only'),
    notAccepted: vscode.l10n.t('not processed'),
    notMappable: vscode.l10n.t('Oracle cannot map this identifier'),
    explain: vscode.l10n.t('Would these completions land in {0}?'),
    explainNote: vscode.l10n.t('asks the pod about these learners and content ids'),
    why: vscode.l10n.t("Why didn't this land?"),
    lands: vscode.l10n.t('would land'),
    blocked: vscode.l10n.t('would not land'),
    enterPassword: vscode.l10n.t('Enter Password…'),
    notes: vscode.l10n.t('Notes'),
    notVerified: vscode.l10n.t('decoded, not verified ({0} checks need the inbound certificate)'),
    failedList: vscode.l10n.t('{0} failed: {1}'),
    blockedList: vscode.l10n.t('{0} not run because of it ({1})'),
    notChecked: vscode.l10n.t('Not checked'),
    notCheckedMark: vscode.l10n.t('not checked'),
    passMark: vscode.l10n.t('passed'),
    failMark: vscode.l10n.t('failed'),
    usableNotChecked: vscode.l10n.t('Usable for Oracle API Authentication; not checked: the chain of {0} (the issuer\'s certificate is not in the file)'),
    landingAsk: vscode.l10n.t('Not checked yet: whether these completions land in {0}. Ask with the button above.'),
    landingNoPod: vscode.l10n.t('Not checked: whether these completions land in Oracle (no environment with credentials is connected).'),
    explainSummary: vscode.l10n.t('{0} would land, {1} would not, {2} not checked'),
    notCheckedLanding: vscode.l10n.t('not checked: the pod could not be asked'),
  };
}

/** Journal of the messages of the inspector webviews (tests read it). */
export interface InspectorJournal {
  sent: ToWebview[];
  received: ToHost[];
  /** Messages from a webview that failed toHostSchema (dropped). */
  rejected: unknown[];
  /** Issues the webviews reported about messages they dropped (failed toWebviewSchema). */
  webviewRejected: string[];
}

type InitMessage = Extract<ToWebview, { type: 'init' }>;

function remember<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > 100) list.shift();
}

/**
 * One Inspector webview (the panel, or a certificate editor): strict CSP with a fresh nonce,
 * resources only from dist/webview, a typed message protocol validated with zod both ways, and a
 * ready handshake (messages posted before it wait in a queue).
 */
export class InspectorWebview extends Disposable {
  private ready = false;
  /**
   * The last messages posted (init excepted): sent after each `ready`. The first time they are the
   * ones that waited for the handshake; later (the webview reloads when its editor was hidden) they
   * render the same results again.
   */
  private queue: ToWebview[] = [];
  private readyWaiters: (() => void)[] = [];
  readonly html: string;

  constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly log: ComponentLog,
    private readonly journal: InspectorJournal,
    private readonly init: () => InitMessage,
    private readonly onRequest: (m: Exclude<ToHost, { type: 'ready' | 'invalid-message' }>) => Promise<void>,
  ) {
    super();
    // The one HTML shell of the extension's webviews (webviewHtml.ts): strict CSP, fresh nonce, resources only from dist/webview.
    this.html = webviewShell(panel.webview, extensionUri, { script: 'inspector.js', title: vscode.l10n.t('Oracle Learning Inspector'), style: INSPECTOR_STYLE });
    panel.webview.html = this.html;
    this.register(panel.webview.onDidReceiveMessage((raw: unknown) => void this.onMessage(raw)));
    this.register(panel.onDidChangeViewState(() => {
      // A hidden webview is destroyed (retainContextWhenHidden: false); it says `ready` again when shown.
      if (!panel.visible) this.ready = false;
    }));
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** Disposed with this webview. */
  own<T extends vscode.Disposable>(d: T): T {
    return this.register(d);
  }

  whenReady(): Promise<void> {
    return this.ready ? Promise.resolve() : new Promise((r) => this.readyWaiters.push(r));
  }

  /** Validates and posts a message (queued until the webview said it is ready); returns what was posted. */
  send(message: ToWebview): ToWebview {
    this.post(message);
    return this.lastPosted!;
  }

  private lastPosted: ToWebview | undefined;

  private post(message: ToWebview): void {
    const checked = toWebviewSchema.parse(message);
    this.lastPosted = checked;
    remember(this.journal.sent, checked);
    if (this.isDisposed) return;
    if (checked.type !== 'init' && checked.type !== 'context') {
      this.queue.push(checked);
      if (this.queue.length > 12) this.queue.shift();
    }
    if (this.ready) void this.panel.webview.postMessage(checked);
  }

  private async onMessage(raw: unknown): Promise<void> {
    const parsed = toHostSchema.safeParse(raw);
    if (!parsed.success) {
      remember(this.journal.rejected, raw);
      this.log.warn(`ignored an invalid message from the inspector webview: ${parsed.error.issues[0]?.message ?? 'not a message'}`);
      return;
    }
    const m = parsed.data;
    remember(this.journal.received, m);
    if (m.type === 'ready') {
      this.ready = true;
      void this.panel.webview.postMessage(toWebviewSchema.parse(this.init()));
      for (const q of this.queue) void this.panel.webview.postMessage(q);
      for (const w of this.readyWaiters.splice(0)) w();
      return;
    }
    if (m.type === 'invalid-message') {
      remember(this.journal.webviewRejected, m.issue);
      this.log.warn(`the inspector webview ignored an invalid message: ${m.issue}`);
      return;
    }
    try {
      await this.onRequest(m);
    } catch (err) {
      this.log.error(`${m.type} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

/** Copies a value for the webview's copy buttons (the webview has no clipboard access of its own). */
export async function copyFromWebview(m: { text: string; label: string }): Promise<void> {
  await vscode.env.clipboard.writeText(m.text);
  vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', m.label || vscode.l10n.t('value')), 3000);
}

const FILE_FILTERS: Record<InspectorTab, Record<string, string[]>> = {
  certificate: { Certificates: ['cer', 'crt', 'pem', 'der', 'p7b', 'p12', 'pfx'] },
  jwt: { 'JWT': ['jwt', 'txt', 'token'] },
  xapi: { 'xAPI statements': ['json', 'ndjson', 'jsonl', 'txt'] },
};

/** The Inspector panel: Certificate, JWT and xAPI tabs (one panel, revealed again when reopened). */
export class InspectorPanelHost extends Disposable {
  private view: InspectorWebview | undefined;
  private tab: InspectorTab = 'certificate';
  /** The certificate file last opened through the panel (for "Enter Password…"). */
  private lastFile: vscode.Uri | undefined;
  readonly journal: InspectorJournal = { sent: [], received: [], rejected: [], webviewRejected: [] };

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: ComponentLog,
    private readonly service: InspectorService,
  ) {
    super();
  }

  get sent(): ToWebview[] {
    return this.journal.sent;
  }

  get received(): ToHost[] {
    return this.journal.received;
  }

  get isOpen(): boolean {
    return !!this.view;
  }

  get isReady(): boolean {
    return !!this.view?.isReady;
  }

  /** The open webview (tests read its HTML and options). */
  get webview(): InspectorWebview | undefined {
    return this.view;
  }

  whenReady(): Promise<void> {
    return this.view ? this.view.whenReady() : Promise.reject(new Error('The inspector is not open.'));
  }

  private initMessage(mode: InspectorMode = 'inspector'): InitMessage {
    return { type: 'init', tab: this.tab, strings: webviewStrings(), mode, environment: this.service.connectedEnvironment };
  }

  open(tab: InspectorTab = 'certificate'): vscode.WebviewPanel {
    this.tab = tab;
    if (this.view) {
      this.view.panel.reveal();
      this.view.send(this.initMessage());
      return this.view.panel;
    }
    // The webview keeps its inputs and results with setState; the serializer (src/extension.ts) brings it back after a reload.
    const panel = vscode.window.createWebviewPanel(INSPECTOR_PANEL_TYPE, vscode.l10n.t('Oracle Learning Inspector'), vscode.ViewColumn.Active, { enableScripts: true, retainContextWhenHidden: false });
    return this.attach(panel);
  }

  /** The Inspector VS Code restores after a window reload: the webview renders its own saved state. */
  restore(panel: vscode.WebviewPanel): void {
    if (this.view) {
      panel.dispose();
      return;
    }
    this.attach(panel);
  }

  private attach(panel: vscode.WebviewPanel): vscode.WebviewPanel {
    const view = new InspectorWebview(panel, this.extensionUri, this.log, this.journal, () => this.initMessage(), (m) => this.handle(m));
    this.view = view;
    panel.onDidDispose(() => {
      view.dispose();
      if (this.view === view) this.view = undefined;
    });
    return panel;
  }

  /** Tells the webview which environment xAPI statements can be explained against. */
  updateContext(): void {
    this.view?.send({ type: 'context', environment: this.service.connectedEnvironment });
  }

  /** Opens the inspector with the given input and inspects it. */
  async inspect(tab: InspectorTab, text: string, source = vscode.l10n.t('selection')): Promise<ToWebview> {
    this.open(tab);
    this.view!.send({ type: 'show-input', tab, text });
    const result = tab === 'certificate' ? await this.service.certificate(text, source) : tab === 'jwt' ? await this.service.jwt({ token: text }) : this.service.xapi(text);
    return this.view ? this.view.send(result) : toWebviewSchema.parse(result);
  }

  private async handle(m: Exclude<ToHost, { type: 'ready' | 'invalid-message' }>): Promise<void> {
    const view = this.view;
    if (!view) return;
    switch (m.type) {
      case 'inspect-certificate':
        view.send(await this.service.certificate(m.text, vscode.l10n.t('pasted text')));
        return;
      case 'inspect-jwt':
        view.send(await this.service.jwt(m));
        return;
      case 'inspect-xapi':
        view.send(this.service.xapi(m.text));
        return;
      case 'explain-xapi':
        view.send(await this.service.explainXapi(m.text));
        return;
      case 'why-xapi':
        // The timeline of issue 14, its questions prefilled from the statement (the user confirms them).
        await vscode.commands.executeCommand('oli.whyDidntLand', { ...whyPrefill(m.text, m.index), confirm: true });
        return;
      case 'copy':
        await copyFromWebview(m);
        return;
      case 'unlock':
        if (this.lastFile) view.send(await this.service.certificateFile(this.lastFile));
        return;
      case 'pick-certificate-file':
      case 'pick-file': {
        const tab: InspectorTab = m.type === 'pick-file' ? m.tab : 'certificate';
        const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: FILE_FILTERS[tab] });
        const uri = picked?.[0];
        if (!uri) return;
        if (tab === 'certificate') {
          this.lastFile = uri;
          view.send(await this.service.certificateFile(uri));
          return;
        }
        let text: string;
        try {
          text = await this.service.textFile(uri);
        } catch (err) {
          view.send({ type: 'error', tab, message: err instanceof Error ? err.message : String(err) });
          return;
        }
        view.send({ type: 'show-input', tab, text });
        view.send(tab === 'jwt' ? await this.service.jwt({ token: text }) : this.service.xapi(text));
        return;
      }
    }
  }

  close(): void {
    this.view?.panel.dispose();
  }

  override dispose(): void {
    this.view?.panel.dispose();
    super.dispose();
  }
}

const INSPECTOR_STYLE = `
  body { padding: 8px 16px; color: var(--vscode-foreground); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); }
  .result { margin-top: 12px; }
  .ok { color: var(--vscode-testing-iconPassed); }
  .bad { color: var(--vscode-errorForeground); }
  .warn { color: var(--vscode-editorWarning-foreground); }
  .muted { color: var(--vscode-descriptionForeground); }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; align-items: baseline; }
  dt { color: var(--vscode-descriptionForeground); }
  dd { margin: 0; word-break: break-all; display: flex; gap: 8px; align-items: baseline; }
  code { font-family: var(--vscode-editor-font-family); min-width: 0; }
  vscode-textarea, vscode-textfield { width: 100%; }
  .field { margin-bottom: 8px; }
  .field vscode-label { display: block; padding: 0 0 2px; }
  vscode-button.copy { flex: none; }
  h2 { font-size: 1.2em; display: flex; gap: 8px; align-items: center; }
  h3 { font-size: 1.05em; margin: 16px 0 6px; }
  ul { padding-left: 20px; margin: 4px 0; }
  li { margin: 2px 0; }
  .check-id { font-family: var(--vscode-editor-font-family); padding: 0 4px; border-radius: 3px; background: var(--vscode-textCodeBlock-background); }
  .cert { border-left: 3px solid var(--vscode-textBlockQuote-border); padding-left: 12px; margin: 12px 0; }
  .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;
