// Helpers that drive code-server's workbench (a real VS Code 1.139 in Chromium) with playwright-core.
// Started by scripts/vscode-e2e/run.ts, which passes OLI_E2E_* variables.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type FrameLocator, type Locator, type Page } from 'playwright-core';

export interface E2eConfig {
  url: string;
  workspace: string;
  chromium: string;
  shots: string;
  sandboxUrl: string;
  sandboxUser: string;
  sandboxPassword: string;
}

export function e2eConfig(): E2eConfig {
  const need = (k: string): string => {
    const v = process.env[k];
    if (!v) throw new Error(`${k} is not set: run the UI suite through 'npm run test:vscode' (scripts/vscode-e2e/run.ts).`);
    return v;
  };
  return {
    url: need('OLI_E2E_URL'),
    workspace: need('OLI_E2E_WORKSPACE'),
    chromium: need('OLI_E2E_CHROMIUM'),
    shots: need('OLI_E2E_SHOTS'),
    sandboxUrl: need('OLI_E2E_SANDBOX_URL'),
    sandboxUser: need('OLI_E2E_SANDBOX_USER'),
    sandboxPassword: need('OLI_E2E_SANDBOX_PASSWORD'),
  };
}

const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];

export class Workbench {
  private constructor(
    readonly page: Page,
    private readonly ctx: BrowserContext,
    private readonly userDataDir: string,
    private readonly cfg: E2eConfig,
    readonly pageErrors: string[],
  ) {}

  static async open(cfg: E2eConfig): Promise<Workbench> {
    const udd = mkdtempSync(join(tmpdir(), 'oli-e2e-ui-'));
    const ctx = await chromium.launchPersistentContext(udd, {
      executablePath: cfg.chromium,
      headless: true,
      viewport: { width: 1440, height: 900 },
      deviceScaleFactor: 1,
      args: CHROMIUM_ARGS,
    });
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${cfg.url}/?folder=${encodeURIComponent(cfg.workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    mkdirSync(cfg.shots, { recursive: true });
    return new Workbench(page, ctx, udd, cfg, errors);
  }

  async close(): Promise<void> {
    await this.ctx.close();
    rmSync(this.userDataDir, { recursive: true, force: true });
  }

  activityBarItem(title: string): Locator {
    return this.page.locator(`.activitybar .action-item .action-label[aria-label^="${title}"]`).first();
  }

  async openCommandPalette(text: string): Promise<Locator> {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill('>' + text);
    return input;
  }

  /** Runs a command by its palette title ("Oracle Learning: Refresh Status"). */
  async runCommand(title: string): Promise<void> {
    await this.openCommandPalette(title);
    // Click the exact entry: Enter would run whichever fuzzy match ranks first.
    const row = this.page.locator('.quick-input-list .monaco-list-row', { has: this.page.locator('.label-name', { hasText: new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) }).first();
    await row.waitFor();
    await row.click();
  }

  /** Drags the side bar's sash so it is `width` pixels wide (screenshots show whole labels). */
  async widenSideBar(width: number): Promise<void> {
    const box = await this.page.locator('.part.sidebar').first().boundingBox();
    if (!box) return;
    const y = box.y + box.height / 2;
    await this.page.mouse.move(box.x + box.width + 1, y);
    await this.page.mouse.down();
    await this.page.mouse.move(box.x + width, y, { steps: 8 });
    await this.page.mouse.up();
  }

  quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  /** Types into the open input box (or quick pick filter) and presses Enter. */
  async answer(text: string, opts: { waitForPrompt?: string } = {}): Promise<void> {
    const widget = this.quickInput();
    await widget.waitFor({ state: 'visible' });
    if (opts.waitForPrompt) await widget.locator('.quick-input-message', { hasText: opts.waitForPrompt }).first().waitFor({ timeout: 15_000 });
    const input = widget.locator('.quick-input-box input');
    await input.fill(text);
    await this.page.keyboard.press('Enter');
  }

  /** Chooses a row of the open quick pick by its label. */
  async pick(label: string): Promise<void> {
    const widget = this.quickInput();
    await widget.waitFor({ state: 'visible' });
    await widget.locator('.quick-input-list .monaco-list-row', { hasText: label }).first().click();
  }

  toast(text: string): Locator {
    return this.page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
  }

  treeRow(label: string | RegExp): Locator {
    return this.page.locator('.monaco-list-row', { hasText: label }).first();
  }

  webview(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  }

  async screenshot(name: string): Promise<string> {
    const path = join(this.cfg.shots, `${name}.png`);
    await this.page.waitForTimeout(400); // let the last repaint (animations are reduced) reach the compositor
    await this.page.screenshot({ path });
    return path;
  }
}
