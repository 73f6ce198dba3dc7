import * as vscode from 'vscode';

/**
 * VS Code's `http.proxy` setting, used for environments whose plan entry names no proxy (the
 * client also honours HTTPS_PROXY / NO_PROXY). TLS verification stays on whatever
 * `http.proxyStrictSSL` says: this tool never turns it off.
 */
export function vscodeProxy(): string | undefined {
  const proxy = vscode.workspace.getConfiguration('http').get<string>('proxy')?.trim();
  return proxy ? proxy : undefined;
}

/** Client settings that follow VS Code's network settings. */
export function networkSettings(): { defaultProxy?: string } {
  const proxy = vscodeProxy();
  return proxy ? { defaultProxy: proxy } : {};
}
