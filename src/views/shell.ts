// Pieces of the activation shell (src/extension.ts): they import nothing but 'vscode', so the
// bundle VS Code loads at activation stays small. The runtime (dist/runtime.js) does the work.
import * as vscode from 'vscode';

/**
 * A tree provider that stands in for the runtime's until it is loaded: the view asks for its
 * children, which loads the runtime (the view shows its progress bar meanwhile), then every call
 * goes to the runtime's provider.
 */
export class LazyTreeProvider<T> implements vscode.TreeDataProvider<T>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<T | T[] | undefined | null | void>();
  readonly onDidChangeTreeData = this.changed.event;
  private target: vscode.TreeDataProvider<T> | undefined;
  private subscription: vscode.Disposable | undefined;

  constructor(private readonly load: () => Promise<unknown>) {}

  bind(target: vscode.TreeDataProvider<T>): void {
    this.subscription?.dispose();
    this.target = target;
    this.subscription = target.onDidChangeTreeData?.((e) => this.changed.fire(e));
    this.changed.fire();
  }

  async getChildren(element?: T): Promise<T[]> {
    if (!this.target) await this.load();
    return (await this.target?.getChildren(element)) ?? [];
  }

  getTreeItem(element: T): vscode.TreeItem | Thenable<vscode.TreeItem> {
    if (!this.target) throw new Error('The Oracle Learning tree is not loaded yet.');
    return this.target.getTreeItem(element);
  }

  getParent(element: T): vscode.ProviderResult<T> {
    return this.target?.getParent?.(element);
  }

  dispose(): void {
    this.subscription?.dispose();
    this.changed.dispose();
  }
}

/** The runtime part of the certificate editor (src/views/certificateEditor.ts implements it). */
export interface CertificateEditorRuntime {
  resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel, token: vscode.CancellationToken): Promise<void>;
}

/**
 * The read-only certificate editor as registered at activation (`onCustomEditor:`): the document is
 * only its URI (nothing is read until the runtime renders it); rendering loads the runtime.
 */
export class LazyCertificateEditor implements vscode.CustomReadonlyEditorProvider<vscode.CustomDocument> {
  constructor(private readonly load: () => Promise<{ certificateEditor: CertificateEditorRuntime }>) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  async resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel, token: vscode.CancellationToken): Promise<void> {
    const runtime = await this.load();
    await runtime.certificateEditor.resolveCustomEditor(document, panel, token);
  }
}
