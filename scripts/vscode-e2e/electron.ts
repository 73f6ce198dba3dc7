// `npm run test:electron`: the same integration suite (out/test/integration) under @vscode/test-electron,
// for machines that can download VS Code (this sandboxed machine cannot; use `npm run test:vscode`).
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { startTestSandbox } from './sandbox';

const repoRoot = resolve(__dirname, '../..');

async function main(): Promise<number> {
  const sandbox = await startTestSandbox(repoRoot);
  const workspace = join(repoRoot, '.e2e/run/electron-workspace');
  rmSync(workspace, { recursive: true, force: true });
  mkdirSync(workspace, { recursive: true });
  try {
    await runTests({
      version: process.env.OLI_VSCODE_VERSION ?? 'stable',
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: join(repoRoot, 'out/test/integration/index'),
      extensionTestsEnv: sandbox.env,
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    });
    return 0;
  } catch (err) {
    console.error(`test:electron: ${(err as Error).message}`);
    return 1;
  } finally {
    await sandbox.close();
  }
}

main().then((code) => process.exit(code));
