// Runs the mocha suite (extensionTestsPath) inside code-server's real Node extension host.
// Mechanism: VS Code's own browser integration-test runner. code-server runs with
// `--vscode-option enable-smoke-test-driver`; the workbench URL carries a `payload` with
// extensionDevelopmentPath / extensionTestsPath, and reports the exit code through
// window.codeAutomationExit (its log through window.codeAutomationLog).
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from './codeServer';

export interface ExtensionHostRun {
  codeServerUrl: string;
  chromium: string;
  extensionDevelopmentPath: string;
  extensionTestsPath: string;
  workspace: string;
  timeoutMs: number;
  verbose?: boolean;
  /** Screenshots the suite asks for (see startScreenshotServer). */
  screenshots?: ScreenshotServer;
}

export interface ScreenshotServer {
  /** Given to the extension host as OLI_E2E_SCREENSHOT_URL. */
  url: string;
  setPage(page: Page): void;
  close(): Promise<void>;
}

/**
 * Lets a test inside the extension host ask for a screenshot of the workbench it runs in:
 * `GET <url>?name=NAME[&hover=CSS...]` hovers each element in turn (if given), waits for a tooltip, saves
 * `<dir>/NAME.png` and answers once it is written.
 */
export async function startScreenshotServer(dir: string): Promise<ScreenshotServer> {
  let page: Page | undefined;
  const server = createServer((req, res) => {
    const q = new URL(req.url ?? '/', 'http://x').searchParams;
    const name = (q.get('name') ?? '').replace(/[^\w.-]/g, '');
    const hovers = q.getAll('hover');
    void (async () => {
      if (!page || !name) throw new Error('no page or no name');
      for (const selector of hovers) await page.locator(selector).first().hover({ timeout: 10_000 });
      if (hovers.length) await page.waitForTimeout(1500);
      await page.screenshot({ path: join(dir, `${name}.png`) });
    })().then(
      () => res.writeHead(200).end('ok'),
      (e: unknown) => res.writeHead(500).end(String((e as Error).message ?? e)),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    setPage: (p) => (page = p),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Returns the exit code the suite reported (0 = all passed), or 'timeout'. */
export async function runExtensionHostTests(o: ExtensionHostRun): Promise<number | 'timeout'> {
  const base = new URL(o.codeServerUrl);
  const remote = (p: string) => `vscode-remote://${base.host}${p}`;
  const udd = mkdtempSync(join(tmpdir(), 'oli-e2e-chromium-'));
  const ctx = await chromium.launchPersistentContext(udd, { executablePath: o.chromium, headless: true, args: CHROMIUM_ARGS });
  try {
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    o.screenshots?.setPage(page);
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
