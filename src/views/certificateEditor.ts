import * as vscode from 'vscode';
import { basename } from 'node:path';
import { Disposable } from './disposable';
import type { ComponentLog } from './logger';
import type { InspectorService } from './inspectorService';
import { copyFromWebview, InspectorWebview, webviewStrings, type InspectorJournal } from './inspectorPanel';
import type { ToWebview } from './inspectorProtocol';
import type { CertificateEditorRuntime } from './shell';

/**
 * The read-only editor of .cer, .crt, .pem, .der, .p12 and .pfx files: the Inspector's certificate
 * view of the file (same webview code and protocol). A PKCS#12 password is asked in an input box on
 * the host side and used once: it never reaches the webview, its state or the log.
 */
export class CertificateEditorProvider extends Disposable implements CertificateEditorRuntime {
  readonly journal: InspectorJournal = { sent: [], received: [], rejected: [], webviewRejected: [] };
  private readonly open = new Map<string, { view: InspectorWebview; rendered: Promise<ToWebview> }>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: ComponentLog,
    private readonly service: InspectorService,
  ) {
    super();
  }

  /** The open editor of a file and its first rendering (tests). */
  editorOf(uri: vscode.Uri): { view: InspectorWebview; rendered: Promise<ToWebview> } | undefined {
    return this.open.get(uri.toString());
  }

  resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): Promise<void> {
    const uri = document.uri;
    const view = new InspectorWebview(
      panel,
      this.extensionUri,
      this.log,
      this.journal,
      () => ({ type: 'init', tab: 'certificate', strings: webviewStrings(), mode: 'certificate-file', environment: null }),
      async (m) => {
        if (m.type === 'copy') await copyFromWebview(m);
        else if (m.type === 'unlock') view.send(await this.service.certificateFile(uri));
        else this.log.warn(`${m.type} is not available in the certificate editor of ${basename(uri.path)}`);
      },
    );
    // Rendered without blocking the editor: a password box, if any, comes up once the editor shows.
    const rendered = this.service.certificateFile(uri).then((result) => view.send(result));
    const entry = { view, rendered };
    this.open.set(uri.toString(), entry);
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.joinPath(uri, '..'), basename(uri.path)));
    const rerender = () => void this.service.certificateFile(uri, { prompt: false }).then((r) => view.send(r));
    view.own(watcher);
    view.own(watcher.onDidChange(rerender));
    view.own(watcher.onDidCreate(rerender));
    panel.onDidDispose(() => {
      view.dispose();
      if (this.open.get(uri.toString()) === entry) this.open.delete(uri.toString());
    });
    this.log.info(`certificate editor opened on ${vscode.workspace.asRelativePath(uri)}`);
    return Promise.resolve();
  }
}
