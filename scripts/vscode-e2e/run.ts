// `npm run test:vscode`: the extension's tests in a real VS Code (code-server 4.139.1 = VS Code 1.139.1).
//   1. setup.sh installs (once) or reuses Node 24, code-server and Debian chromium;
//   2. a sandbox pod (src/sandbox) starts in this process on 127.0.0.1;
//   3. integration suite: test/integration/ bundled to out/test/integration/, run by mocha inside the
//      real extension host (smoke-test-driver payload), exit code returned through the page;
//   4. UI suite: the packaged .vsix is installed into a fresh code-server, test/e2e/*.e2e.ts drives
//      the workbench with playwright-core + chromium and saves screenshots to test/e2e/screenshots/.
//   3b. the same extension host in a code-server with Workspace Trust on: the Restricted Mode suite
//      (test/integration/*.trust.test.ts) in an untrusted folder, with a screenshot of the view;
// usage: node --import tsx scripts/vscode-e2e/run.ts [--only integration|restricted|ui] [--no-build] [--verbose]
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ensureSetup, startCodeServer, type CodeServerInstance } from './codeServer';
import { runExtensionHostTests, startScreenshotServer, type ScreenshotServer } from './extensionHostTests';
import { startTestSandbox, type TestSandbox } from './sandbox';

const repoRoot = resolve(__dirname, '../..');
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const build = !args.includes('--no-build');
const verbose = args.includes('--verbose') || process.env.OLI_E2E_VERBOSE === '1';
const t0 = Date.now();
const log = (m: string) => console.log(`[test:vscode ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);

function run(cmd: string, argv: string[], env?: NodeJS.ProcessEnv): void {
  const r = spawnSync(cmd, argv, { cwd: repoRoot, stdio: 'inherit', env: env ?? process.env });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed (exit ${r.status ?? r.signal}).`);
}

function findVsix(): string {
  const files = readdirSync(repoRoot).filter((f) => f.endsWith('.vsix'));
  if (files.length === 0) throw new Error('npm run package produced no .vsix in the repository root.');
  return join(repoRoot, files.sort().at(-1)!);
}

let integrationBuilt = false;

async function integrationSuite(env: ReturnType<typeof ensureSetup>, sandbox: TestSandbox, restricted = false): Promise<boolean> {
  if (build && !integrationBuilt) {
    log('building the extension and the integration suite');
    run('node', ['scripts/build.mjs', '--integration-tests']);
    integrationBuilt = true;
  }
  const name = restricted ? 'integration-restricted' : 'integration';
  const runDir = join(repoRoot, `.e2e/run/${name}`);
  const workspace = join(repoRoot, `.e2e/run/${name}-workspace`);
  rmSync(workspace, { recursive: true, force: true });
  mkdirSync(workspace, { recursive: true });
  const shots = join(repoRoot, 'test/e2e/screenshots');
  mkdirSync(shots, { recursive: true });
  let cs: CodeServerInstance | undefined;
  let screenshots: ScreenshotServer | undefined;
  try {
    screenshots = await startScreenshotServer(shots);
    cs = await startCodeServer({
      env,
      runDir,
      workspace,
      smokeTestDriver: true,
      extraEnv: { ...sandbox.env, OLI_E2E_SCREENSHOT_URL: screenshots.url, ...(restricted ? { OLI_E2E_RESTRICTED: '1' } : {}) },
      trust: restricted ? 'restricted' : 'disabled',
    });
    log(`code-server (smoke-test driver${restricted ? ', Workspace Trust on: Restricted Mode' : ''}) on ${cs.url}; running the ${restricted ? 'Restricted Mode' : 'extension-host'} suite`);
    const code = await runExtensionHostTests({
      codeServerUrl: cs.url,
      chromium: env.chromium,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: join(repoRoot, 'out/test/integration/index'),
      workspace,
      timeoutMs: Number(process.env.OLI_E2E_TIMEOUT_MS ?? 300_000),
      verbose,
      screenshots,
    });
    log(`${restricted ? 'Restricted Mode' : 'integration'} suite finished: ${code === 0 ? 'passed' : `FAILED (${code})`}`);
    if (code !== 0) log(`code-server log: ${cs.logFile}`);
    return code === 0;
  } finally {
    await cs?.stop();
    await screenshots?.close();
  }
}

async function uiSuite(env: ReturnType<typeof ensureSetup>, sandbox: TestSandbox): Promise<boolean> {
  if (build) {
    log('packaging the extension (.vsix)');
    for (const f of readdirSync(repoRoot).filter((n) => n.endsWith('.vsix'))) rmSync(join(repoRoot, f));
    run('npm', ['run', '--silent', 'package']);
  }
  const vsix = findVsix();
  const runDir = join(repoRoot, '.e2e/run/ui');
  const workspace = join(repoRoot, '.e2e/run/ui-workspace');
  rmSync(workspace, { recursive: true, force: true });
  mkdirSync(workspace, { recursive: true });
  const fixtures = join(repoRoot, 'test/e2e/fixtures/workspace');
  if (existsSync(fixtures)) cpSync(fixtures, workspace, { recursive: true });
  let cs: CodeServerInstance | undefined;
  try {
    cs = await startCodeServer({ env, runDir, workspace, install: [vsix], extraEnv: sandbox.env });
    log(`code-server with ${vsix.split('/').at(-1)} installed on ${cs.url}; running the UI suite`);
    // Asynchronous: the sandbox pod serves from this process while the suite runs.
    // OLI_E2E_GREP runs only the matching tests (as it does for the extension-host suite).
    const grep = process.env.OLI_E2E_GREP ? ['--grep', process.env.OLI_E2E_GREP] : [];
    const child = spawn(process.execPath, [join(repoRoot, 'node_modules/mocha/bin/mocha.js'), '--config', 'test/e2e/.mocharc.json', ...grep], {
      cwd: repoRoot,
      stdio: 'inherit',
      env: {
        ...process.env,
        ...sandbox.env,
        OLI_E2E_URL: cs.url,
        OLI_E2E_WORKSPACE: workspace,
        OLI_E2E_CHROMIUM: env.chromium,
        OLI_E2E_SHOTS: join(repoRoot, 'test/e2e/screenshots'),
        // The UI suite switches themes through the user settings, and reads VS Code's codicon list.
        OLI_E2E_USER_SETTINGS: join(cs.userDataDir, 'User', 'settings.json'),
        OLI_E2E_VSCODE_DIR: join(dirname(dirname(env.codeServer)), 'code-server', 'lib', 'vscode'),
      },
    });
    const r = await new Promise<{ status: number | null; signal: NodeJS.Signals | null }>((res) => child.once('exit', (status, signal) => res({ status, signal })));
    log(`UI suite finished: ${r.status === 0 ? 'passed' : `FAILED (${r.status ?? r.signal})`}`);
    if (r.status !== 0) log(`code-server log: ${cs.logFile}`);
    return r.status === 0;
  } finally {
    await cs?.stop();
  }
}

async function main(): Promise<number> {
  log('setting up (Node 24, code-server, chromium; reused when present)');
  const env = ensureSetup(repoRoot);
  if (build) run('node', ['scripts/build.mjs']);
  const sandbox: TestSandbox = args.includes('--no-sandbox')
    ? { url: '(none)', adminUser: 'none', adminPassword: 'none', env: { OLI_E2E_SANDBOX_URL: 'http://127.0.0.1:9', OLI_E2E_SANDBOX_USER: 'none', OLI_E2E_SANDBOX_PASSWORD: 'none' }, close: async () => undefined }
    : await startTestSandbox(repoRoot);
  log(`sandbox pod on ${sandbox.url}`);
  let ok = true;
  try {
    if (!only || only === 'integration') ok = (await integrationSuite(env, sandbox)) && ok;
    if (!only || only === 'integration' || only === 'restricted') ok = (await integrationSuite(env, sandbox, true)) && ok;
    if (!only || only === 'ui') ok = (await uiSuite(env, sandbox)) && ok;
  } finally {
    await sandbox.close();
  }
  log(ok ? 'all VS Code suites passed' : 'VS Code suites FAILED');
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`test:vscode: ${(err as Error).message}`);
    process.exit(1);
  },
);
