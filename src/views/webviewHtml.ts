import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';

/**
 * The HTML shell of a webview page of this extension: a strict Content Security Policy with a fresh
 * nonce (no inline script but the bundle, no remote anything), resources only from dist/webview,
 * no command URIs, and the page's own bundle. The page renders with textContent only.
 */
export function webviewShell(webview: vscode.Webview, extensionUri: vscode.Uri, o: { script: string; title: string; style: string }): string {
  const root = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
  webview.options = { enableScripts: true, enableCommandUris: false, localResourceRoots: [root] };
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(root, o.script));
  const csp = [`default-src 'none'`, `img-src ${webview.cspSource} data:`, `style-src ${webview.cspSource} 'nonce-${nonce}'`, `script-src 'nonce-${nonce}'`, `font-src ${webview.cspSource}`].join('; ');
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  return `<!DOCTYPE html>
<html lang="${esc(vscode.env.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${esc(o.title)}</title>
<style nonce="${nonce}">${o.style}</style>
</head>
<body>
<div id="app" data-state="loading"></div>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}

/** Styles shared by the pages: the theme's own colours and fonts; colour only on icons and marks, never on text alone. */
export const PAGE_STYLE = `
  body { padding: 8px 20px 24px; color: var(--vscode-foreground); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); line-height: 1.45; max-width: 980px; }
  h1 { font-size: 1.45em; font-weight: 600; margin: 12px 0 4px; display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }
  h2 { font-size: 1.1em; font-weight: 600; margin: 22px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--vscode-widget-border, var(--vscode-panel-border)); }
  p { margin: 6px 0; }
  .muted { color: var(--vscode-descriptionForeground); }
  a, .link { color: var(--vscode-textLink-foreground); }
  a:focus-visible, button:focus-visible, [tabindex]:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 2px; }
  .mark { font-family: var(--vscode-editor-font-family); display: inline-block; min-width: 1.2em; text-align: center; font-weight: 700; }
  .marked { white-space: nowrap; }
  .marked .mark { min-width: 0; margin-right: 0.3em; }
  .mark.pass, .mark.done { color: var(--vscode-testing-iconPassed); }
  .mark.attested { color: var(--vscode-charts-blue); }
  .mark.fail, .mark.failed { color: var(--vscode-testing-iconFailed, var(--vscode-errorForeground)); }
  .mark.warn, .mark.needs-action { color: var(--vscode-editorWarning-foreground); }
  .pill { border: 1px solid var(--vscode-widget-border, var(--vscode-contrastBorder, transparent)); border-radius: 10px; padding: 0 8px; font-size: 0.85em; white-space: nowrap; background: var(--vscode-badge-background); color: var(--vscode-badge-foreground); }
  .basis { font-size: 0.85em; border-radius: 3px; padding: 0 5px; border: 1px solid var(--vscode-widget-border, var(--vscode-panel-border)); white-space: nowrap; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; vertical-align: top; padding: 4px 8px; border-bottom: 1px solid var(--vscode-widget-border, var(--vscode-panel-border)); }
  th { font-weight: 600; color: var(--vscode-descriptionForeground); }
  ol, ul { padding-left: 22px; margin: 4px 0; }
  li { margin: 3px 0; }
  code { font-family: var(--vscode-editor-font-family); }
  .actions { display: flex; gap: 8px; flex-wrap: wrap; margin: 10px 0; align-items: center; }
  .callout { border-left: 3px solid var(--vscode-textBlockQuote-border); background: var(--vscode-textBlockQuote-background); padding: 6px 12px; margin: 8px 0; }
  vscode-textarea { width: 100%; }
  .field { margin: 8px 0; }
  .field vscode-label { display: block; padding: 0 0 2px; }
  .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;
