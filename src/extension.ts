// The activation shell. Activation must be cheap (target: bundle load + activate() <= 50 ms), so
// this bundle (dist/extension.js) holds only what VS Code needs at once: the declared commands, the
// views and the certificate editor, each forwarding to the runtime (dist/runtime.js: the model, the
// engine, zod, axios, node-forge), which is loaded right after activation, off its critical path,
// or earlier when a command, the tree or the certificate editor needs it.
import * as vscode from 'vscode';
import { join } from 'node:path';
import type { OliExtensionApi, ShellParts } from './views/runtime';
import type { IntegrationNode } from './views/treeNodes';
import { LazyCertificateEditor, LazyTreeProvider } from './views/shell';

export const INTEGRATION_VIEW = 'oli.integration';
/** The certificate editor: the default editor of binary .der/.p12/.pfx files, an option for text .cer/.crt/.pem. */
export const CERTIFICATE_EDITOR_VIEW_TYPES = ['oli.certificateViewer', 'oli.certificateViewer.text'] as const;

type RuntimeModule = typeof import('./views/runtime');

/** What activate() returns: `ready()` resolves to the live objects once the runtime is loaded. */
export interface OliExtensionShell {
  ready(): Promise<OliExtensionApi>;
  /** performance.now() around activate() itself, in ms. */
  activateMs: number;
}

export function activate(context: vscode.ExtensionContext): OliExtensionShell {
  const started = performance.now();
  const timings = { activateMs: 0 };
  let runtime: Promise<OliExtensionApi> | undefined;
  const tree = new LazyTreeProvider<IntegrationNode>(() => load());
  const treeView = vscode.window.createTreeView(INTEGRATION_VIEW, { treeDataProvider: tree, showCollapseAll: true });
  const shell: ShellParts = { context, treeView, bindTree: (p) => tree.bind(p), timings };

  function load(): Promise<OliExtensionApi> {
    runtime ??= (async () => {
      const t0 = performance.now();
      // Not bundled into this file on purpose (see build.mjs): a literal path esbuild leaves alone.
      const mod = require(join(context.extensionPath, 'dist', 'runtime.js')) as RuntimeModule;
      return mod.startRuntime(shell, performance.now() - t0);
    })();
    runtime.catch((err: unknown) => {
      void vscode.window.showErrorMessage(vscode.l10n.t('Oracle Learning could not start: {0}. Reinstall the extension; the Developer Tools console has the details.', err instanceof Error ? err.message : String(err)));
    });
    return runtime;
  }

  const commands = (context.extension.packageJSON as { contributes?: { commands?: { command: string }[] } }).contributes?.commands ?? [];
  for (const { command } of commands) {
    context.subscriptions.push(vscode.commands.registerCommand(command, async (...args: unknown[]) => (await load()).registry.run(command, args)));
  }
  context.subscriptions.push(tree, treeView);
  const certificateEditor = new LazyCertificateEditor(() => load());
  for (const viewType of CERTIFICATE_EDITOR_VIEW_TYPES) {
    context.subscriptions.push(vscode.window.registerCustomEditorProvider(viewType, certificateEditor, { supportsMultipleEditorsPerDocument: true, webviewOptions: { retainContextWhenHidden: false } }));
  }
  // The status bar item, context keys and welcome views need the model: load it once activation is over.
  const timer = setTimeout(() => void load(), 0);
  context.subscriptions.push({ dispose: () => clearTimeout(timer) });
  timings.activateMs = performance.now() - started;
  return { ready: load, activateMs: timings.activateMs };
}

export function deactivate(): void {}
