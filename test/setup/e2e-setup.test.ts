/**
 * `npm run test:e2e-setup` (slow: downloads and builds about 800 MB; `.ci/run` runs it whenever
 * scripts/vscode-e2e/setup.sh changes). The real-VS-Code setup, run the way `npm test` runs it (under
 * `npm run`, so the outer npm's npm_config_* environment is inherited, notably npm_config_user_agent
 * naming Node 20, which code-server's install refuses), into an empty OLI_E2E_HOME: it must install
 * Node 24 and code-server, print where they are, and reuse them on the next run.
 *
 * OLI_E2E_SETUP_TARGET names the empty folder to fill and keep (CI keeps it as the cache for the
 * real-VS-Code suites); without it a temporary folder is used and removed.
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO = resolve(__dirname, '../..');
const CS_VERSION = '4.139.1';

function nativeModules(dir: string, found: string[] = [], depth = 0): string[] {
  if (depth > 6 || found.length > 0) return found;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) nativeModules(p, found, depth + 1);
    else if (e.name.endsWith('.node') && p.includes('/build/Release/')) found.push(p);
  }
  return found;
}

describe('the real-VS-Code setup from a cold cache, under npm run', () => {
  const given = process.env.OLI_E2E_SETUP_TARGET;
  const home = given ?? mkdtempSync(join(tmpdir(), 'oli-e2e-cold-'));
  let exports: Record<string, string> = {};

  after(() => {
    if (!given) rmSync(home, { recursive: true, force: true });
  });

  it('installs Node 24 and code-server into an empty OLI_E2E_HOME although the outer npm runs on Node 20', () => {
    mkdirSync(home, { recursive: true });
    assert.deepEqual(readdirSync(home), [], `${home} must be empty: this test proves a cold install`);
    const npmVersion = execFileSync('npm', ['--version'], { encoding: 'utf8' }).trim();
    const env = {
      ...process.env,
      OLI_E2E_HOME: home,
      // what `npm test` exports to everything below it (also set when this file is run by mocha directly)
      npm_config_user_agent: `npm/${npmVersion} node/${process.version} ${process.platform} ${process.arch} workspaces/false`,
    };
    const started = Date.now();
    const r = spawnSync('npm', ['run', '--silent', 'e2e:setup', '--', '--print-env'], { cwd: REPO, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    console.log(`      cold setup took ${Math.round((Date.now() - started) / 1000)} s`);
    assert.equal(r.status, 0, `the setup failed (exit ${r.status ?? r.signal}); its output is above`);
    exports = Object.fromEntries([...r.stdout.matchAll(/^export (\w+)='([^']*)'$/gm)].map((m) => [m[1]!, m[2]!]));
    assert.equal(exports.OLI_E2E_HOME, home);
    for (const k of ['OLI_NODE24_BIN', 'OLI_CODE_SERVER']) assert.ok(exports[k]?.startsWith(home + '/'), `${k}=${exports[k]}`);
    assert.ok(exports.OLI_CHROMIUM && existsSync(exports.OLI_CHROMIUM), `OLI_CHROMIUM=${exports.OLI_CHROMIUM}`);
  });

  it('the installed code-server starts on Node 24, with its native modules built', () => {
    assert.match(execFileSync(join(exports.OLI_NODE24_BIN!, 'node'), ['-v'], { encoding: 'utf8' }), /^v24\./);
    const path = `${exports.OLI_NODE24_BIN}:${process.env.PATH}`;
    assert.match(execFileSync(exports.OLI_CODE_SERVER!, ['--version'], { encoding: 'utf8', env: { ...process.env, PATH: path } }), new RegExp(`^${CS_VERSION.replace(/\./g, '\\.')}\\b`));
    const vscodeModules = join(home, `code-server-${CS_VERSION}`, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules');
    assert.ok(nativeModules(vscodeModules).length > 0, `no native module built under ${vscodeModules}`);
  });

  it('a second run reuses what is there (installs nothing)', () => {
    const r = spawnSync('npm', ['run', '--silent', 'e2e:setup', '--', '--print-env'], { cwd: REPO, env: { ...process.env, OLI_E2E_HOME: home }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /installing/, r.stderr);
    assert.match(r.stderr, /ready: node v24\./);
  });
});
