// Helpers for the suite that runs inside a real extension host (code-server or @vscode/test-electron).
import * as vscode from 'vscode';
import type { OliExtensionShell } from '../../src/extension';
import type { OliExtensionApi } from '../../src/views/runtime';
import type { IntegrationNode } from '../../src/views/treeNodes';

export const EXTENSION_ID = 'oracle-learning-integrations.oracle-learning-integrations';

export interface SandboxEnv {
  url: string;
  user: string;
  password: string;
}

/** The sandbox pod started by the runner (scripts/vscode-e2e/run.ts or electron.ts). */
export function sandboxEnv(): SandboxEnv {
  const url = process.env.OLI_E2E_SANDBOX_URL;
  const user = process.env.OLI_E2E_SANDBOX_USER;
  const password = process.env.OLI_E2E_SANDBOX_PASSWORD;
  if (!url || !user || !password) throw new Error('OLI_E2E_SANDBOX_* is not set: run the suite through npm run test:vscode (or test:electron), which starts the sandbox pod.');
  return { url, user, password };
}

export async function api(): Promise<OliExtensionApi> {
  const ext = vscode.extensions.getExtension<OliExtensionShell>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  const shell = ext.isActive ? ext.exports : await ext.activate();
  return shell.ready();
}

export function workspaceRoot(): string {
  const f = vscode.workspace.workspaceFolders?.[0];
  if (!f) throw new Error('the suite needs a workspace folder');
  return f.uri.fsPath;
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The rendered tree: every node with its TreeItem, depth-first. */
export async function renderTree(a: OliExtensionApi, root?: IntegrationNode, depth = 0): Promise<{ node: IntegrationNode; item: vscode.TreeItem; depth: number }[]> {
  const out: { node: IntegrationNode; item: vscode.TreeItem; depth: number }[] = [];
  for (const node of await a.tree.getChildren(root)) {
    out.push({ node, item: a.tree.getTreeItem(node), depth });
    out.push(...(await renderTree(a, node, depth + 1)));
  }
  return out;
}

export function iconId(item: vscode.TreeItem): string | undefined {
  return item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : undefined;
}

/**
 * A screenshot of this workbench, taken by the runner (scripts/vscode-e2e/extensionHostTests.ts),
 * saved as test/e2e/screenshots/NAME.png; `hover`: CSS selectors hovered in turn first (the last
 * one's tooltip shows). Does nothing when the runner offers none (e.g. test:electron).
 */
export async function screenshot(name: string, ...hover: string[]): Promise<void> {
  const url = process.env.OLI_E2E_SCREENSHOT_URL;
  if (!url) return;
  const res = await fetch(`${url}?name=${encodeURIComponent(name)}${hover.map((h) => `&hover=${encodeURIComponent(h)}`).join('')}`);
  if (!res.ok) throw new Error(`screenshot ${name}: ${await res.text()}`);
}

/** Calls a test-only sandbox hook (/__sandbox/...), as an administrator would act in the Oracle UI. */
export async function sandboxHook(path: string, body: unknown): Promise<unknown> {
  const res = await fetch(new URL(`/__sandbox/${path}`, sandboxEnv().url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`sandbox hook ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** The sandbox pod that refuses Basic (started by the runner next to the other one). */
export function noBasicUrl(): string {
  const url = process.env.OLI_E2E_NOBASIC_URL;
  if (!url) throw new Error('OLI_E2E_NOBASIC_URL is not set: run the suite through npm run test:vscode, which starts the sandbox pods.');
  return url;
}

/** Calls a test-only hook of a given sandbox (e.g. the one without Basic). */
export async function hookAt(base: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(new URL(`/__sandbox/${path}`, base), body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`sandbox hook ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}
