// Runs the mocha suite (extensionTestsPath) inside code-server's real Node extension host.
// Mechanism: VS Code's own browser integration-test runner. code-server runs with
// `--vscode-option enable-smoke-test-driver`; the workbench URL carries a `payload` with
// extensionDevelopmentPath / extensionTestsPath, and reports the exit code through
// window.codeAutomationExit (its log through window.codeAutomationLog).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from './codeServer';

export interface ExtensionHostRun {
  codeServerUrl: string;
  chromium: string;
  extensionDevelopmentPath: string;
  extensionTestsPath: string;
  workspace: string;
  timeoutMs: number;
  verbose?: boolean;
}

/** Returns the exit code the suite reported (0 = all passed), or 'timeout'. */
export async function runExtensionHostTests(o: ExtensionHostRun): Promise<number | 'timeout'> {
  const base = new URL(o.codeServerUrl);
  const remote = (p: string) => `vscode-remote://${base.host}${p}`;
  const udd = mkdtempSync(join(tmpdir(), 'oli-e2e-chromium-'));
  const ctx = await chromium.launchPersistentContext(udd, { executablePath: o.chromium, headless: true, args: CHROMIUM_ARGS });
  try {
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    let finish!: (code: number | 'timeout') => void;
    const done = new Promise<number | 'timeout'>((r) => (finish = r));
    // Workbench noise of an offline code-server (gallery lookups, the github auth provider) is hidden unless verbose.
    const noise = /open-vsx\.org|ENOTFOUND|AccountPolicyGate|authentication provider 'github'|workbench contribution|socket|connection token|grace time|Service Worker|AgentHost|builtin extensions cache/;
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      const list = Array.isArray(args) ? args : [args];
      if (!o.verbose && list.some((a) => typeof a === 'string' && noise.test(a))) return;
      const fn = type === 'error' ? console.error : type === 'warn' ? console.warn : console.log;
      fn(...list);
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => finish(code));
    if (o.verbose) page.on('console', (m) => console.log('[page]', m.text()));
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(o.extensionDevelopmentPath)],
      ['extensionTestsPath', remote(o.extensionTestsPath)],
      ['skipWelcome', 'true'],
    ]);
    const q = `folder=${encodeURIComponent(o.workspace)}&payload=${encodeURIComponent(payload)}`;
    await page.goto(`${base.origin}/?${q}`);
    const timer = setTimeout(() => finish('timeout'), o.timeoutMs);
    const code = await done;
    clearTimeout(timer);
    return code;
  } finally {
    await ctx.close();
    rmSync(udd, { recursive: true, force: true });
  }
}
