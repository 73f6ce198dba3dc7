// Starting and stopping code-server (a real VS Code 1.139 in the browser) for the test suites.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export interface E2eEnvironment {
  home: string;
  node24Bin: string;
  codeServer: string;
  chromium: string;
}

export class E2eSetupError extends Error {
  override readonly name = 'E2eSetupError';
  constructor(
    readonly reason: 'setup-failed' | 'start-failed' | 'timeout',
    message: string,
  ) {
    super(message);
  }
}

/** Runs scripts/vscode-e2e/setup.sh (installs on demand, reuses what is there) and reads its exports. */
export function ensureSetup(repoRoot: string): E2eEnvironment {
  const r = spawnSync('bash', [join(repoRoot, 'scripts/vscode-e2e/setup.sh'), '--print-env'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new E2eSetupError('setup-failed', `scripts/vscode-e2e/setup.sh failed (exit ${r.status}); see its output above.`);
  const vars: Record<string, string> = {};
  for (const m of r.stdout.matchAll(/^export (\w+)='([^']*)'$/gm)) vars[m[1]!] = m[2]!;
  const need = ['OLI_E2E_HOME', 'OLI_NODE24_BIN', 'OLI_CODE_SERVER', 'OLI_CHROMIUM'];
  for (const k of need) if (!vars[k]) throw new E2eSetupError('setup-failed', `setup.sh did not print ${k}.`);
  return { home: vars.OLI_E2E_HOME!, node24Bin: vars.OLI_NODE24_BIN!, codeServer: vars.OLI_CODE_SERVER!, chromium: vars.OLI_CHROMIUM! };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export const WORKBENCH_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.reduceMotion': 'on',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'workbench.colorTheme': 'Default Dark Modern',
  'window.commandCenter': false,
  'files.autoSave': 'off',
  'git.openRepositoryInParentFolders': 'never',
  'git.enabled': false,
  'workbench.layoutControl.enabled': false,
};

export interface CodeServerInstance {
  url: string;
  port: number;
  userDataDir: string;
  extensionsDir: string;
  logFile: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  env: E2eEnvironment;
  /** Per-run folder (user data, extensions, logs). Recreated. */
  runDir: string;
  workspace: string;
  smokeTestDriver?: boolean;
  /** Extra environment for code-server and its extension host (e.g. the sandbox URL). */
  extraEnv?: Record<string, string>;
  /** .vsix files installed before start. */
  install?: string[];
  /**
   * Workspace Trust: 'disabled' (every folder trusted, the default) or 'restricted' (trust on, the
   * folder not trusted and no start-up prompt: the workbench opens it in Restricted Mode).
   */
  trust?: 'disabled' | 'restricted';
}

function childEnv(o: StartOptions): NodeJS.ProcessEnv {
  const base = join(o.runDir, 'xdg');
  const tmp = join(o.runDir, 'tmp');
  mkdirSync(tmp, { recursive: true });
  return {
    ...process.env,
    PATH: `${o.env.node24Bin}:${process.env.PATH ?? ''}`,
    XDG_CONFIG_HOME: join(base, 'config'),
    XDG_DATA_HOME: join(base, 'data'),
    XDG_CACHE_HOME: join(base, 'cache'),
    XDG_STATE_HOME: join(base, 'state'),
    TMPDIR: tmp,
    ...o.extraEnv,
  };
}

/** Starts code-server on 127.0.0.1 (free port, no auth) and waits for /healthz. */
export async function startCodeServer(o: StartOptions): Promise<CodeServerInstance> {
  rmSync(o.runDir, { recursive: true, force: true });
  const userDataDir = join(o.runDir, 'user-data');
  const extensionsDir = join(o.runDir, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  const restricted = o.trust === 'restricted';
  const settings = restricted ? { ...WORKBENCH_SETTINGS, 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'always' } : WORKBENCH_SETTINGS;
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  const env = childEnv(o);
  for (const vsix of o.install ?? []) {
    const r = spawnSync(o.env.codeServer, ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', vsix], { env, encoding: 'utf8' });
    if (r.status !== 0) throw new E2eSetupError('start-failed', `code-server --install-extension ${vsix} failed (exit ${r.status}): ${(r.stderr || r.stdout).slice(-2000)}`);
  }
  const port = await freePort();
  const logFile = join(o.runDir, 'code-server.log');
  const log = createWriteStream(logFile);
  const args = [
    '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
    ...(restricted ? [] : ['--disable-workspace-trust']), '--disable-getting-started-override',
    '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir,
    ...(o.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    o.workspace,
  ];
  const child: ChildProcess = spawn(o.env.codeServer, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const url = `http://127.0.0.1:${port}`;
  let exited = false;
  child.once('exit', () => (exited = true));
  const stop = async (): Promise<void> => {
    if (exited || child.pid === undefined) return;
    // code-server forks the extension host, file watcher and pty host: end the whole process group we created.
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    for (let i = 0; i < 50 && !exited; i++) await delay(100);
    if (!exited) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new E2eSetupError('start-failed', `code-server exited at start; log:\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new E2eSetupError('timeout', `code-server did not answer on ${url}/healthz within 60 s; see ${logFile}.`);
    }
    await delay(150);
  }
  return { url, port, userDataDir, extensionsDir, logFile, stop };
}

/** Chromium flags that work headless as root on these machines. */
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];
