import * as vscode from 'vscode';
import * as l10n from '@vscode/l10n';

/**
 * The core (src/core: step details, findings) is localised with @vscode/l10n, which has no
 * `vscode` import: here it gets VS Code's bundle for the UI language (l10n/bundle.l10n.<lang>.json,
 * the same file as the extension's own strings). Without a bundle (English, or the CLI) the
 * messages stay as written.
 */
export function configureCoreL10n(): void {
  const bundle = vscode.l10n.bundle;
  if (bundle && Object.keys(bundle).length) l10n.config({ contents: bundle });
}
