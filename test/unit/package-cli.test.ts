import { strict as assert } from 'node:assert';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const REPO = resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { name: string; version: string; bin: Record<string, string>; dependencies?: Record<string, string> };

/** The environment of a user's shell: nothing from the `npm test` this runs under (npm_* variables, node_modules/.bin on PATH). */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(npm_|INIT_CWD$|NODE$|NODE_PATH$|NODE_OPTIONS$)/i.test(k)) env[k] = v;
  env.PATH = (process.env.PATH ?? '').split(':').filter((p) => p && !p.endsWith('/node_modules/.bin') && !p.endsWith('/node-gyp-bin')).join(':');
  return { ...env, ...extra };
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  assert.equal(r.status, 0, `${what} failed (exit ${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

describe('the oli CLI package (npm pack) installs and runs on its own', function () {
  this.timeout(300_000);
  let dir: string;
  let tarball: string;
  let prefix: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'oli-pack-'));
    // as a maintainer makes it: npm pack runs prepack (the production build)
    const out = ok(spawnSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: REPO, encoding: 'utf8', env: userEnv() }), 'npm pack');
    const [info] = JSON.parse(out.slice(out.indexOf('['))) as { filename: string }[];
    tarball = join(dir, info!.filename);
    prefix = join(dir, 'prefix');
    mkdirSync(prefix);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('holds only the CLI bundles, the JSON Schema, README, LICENSE and package.json: no source maps, sources, tests or extension files', () => {
    const listed = ok(spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' }), 'tar -tzf').trim().split('\n').map((f) => f.replace(/^package\//, '')).sort();
    const allowed = /^(dist\/cli\.js|dist\/cli\/[\w-]+\.m?js|schemas\/[\w.-]+\.json|README\.md|LICENSE|package\.json)$/;
    assert.deepEqual(listed.filter((f) => !allowed.test(f)), []);
    for (const f of ['dist/cli.js', 'README.md', 'LICENSE', 'package.json', 'schemas/oracle-learning.schema.json']) assert.ok(listed.includes(f), f);
    // every command bundle the dispatcher loads is in it
    const dispatcher = readFileSync(join(REPO, 'dist/cli.js'), 'utf8');
    const commands = [...dispatcher.matchAll(/import\("\.\/cli\/([\w-]+)\.mjs"\)/g)].map((m) => m[1]!);
    assert.ok(commands.length >= 10, `the dispatcher imports every command module (${commands.join(', ')})`);
    for (const m of commands) assert.ok(listed.includes(`dist/cli/${m}.mjs`), m);
    // the chunks the command modules share, and the lazily loaded vendor files, are in it too
    for (const f of readdirSync(join(REPO, 'dist/cli'))) if (/\.m?js$/.test(f)) assert.ok(listed.includes(`dist/cli/${f}`), f);
    // the bundles carry their runtime libraries: the package depends on nothing
    assert.deepEqual(pkg.dependencies ?? {}, {});
  });

  it("the README's first screen and its CLI section start with the install line of this version", () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const line = `npm install -g ${pkg.name}-${pkg.version}.tgz`;
    assert.ok(readme.split('\n').slice(0, 40).some((l) => l.includes(line)), 'first screen');
    const cli = readme.slice(readme.indexOf('## The CLI'));
    assert.ok(cli.split('\n').slice(1).find((l) => l.trim() !== '' && !l.startsWith('```'))?.includes(line), 'CLI section');
  });

  it('installs into an empty prefix (npm install -g --prefix, offline: nothing to fetch) and runs oli --version and oli demo from it', () => {
    ok(spawnSync('npm', ['install', '-g', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', tarball], { cwd: dir, encoding: 'utf8', env: userEnv() }), 'npm install -g --prefix');
    const installed = join(prefix, 'lib', 'node_modules', pkg.name);
    assert.ok(!existsSync(join(installed, 'node_modules')), 'no dependencies were installed');
    const oli = join(prefix, 'bin', Object.keys(pkg.bin)[0]!);
    const work = join(dir, 'work');
    mkdirSync(work);
    const env = userEnv({ PATH: `${join(prefix, 'bin')}:${userEnv().PATH}` });
    assert.equal(ok(spawnSync(oli, ['--version'], { cwd: work, encoding: 'utf8', env }), 'oli --version').trim(), pkg.version);
    // each command bundle loads from the installed package alone (no node_modules anywhere above it)
    for (const f of readdirSync(join(installed, 'dist', 'cli'))) {
      const file = join(installed, 'dist', 'cli', f);
      const load = f.endsWith('.mjs') ? ['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(file).href)})`] : ['-e', `require(${JSON.stringify(file)})`];
      ok(spawnSync(process.execPath, load, { cwd: work, encoding: 'utf8', env }), `load dist/cli/${f}`);
    }
    const demo = JSON.parse(ok(spawnSync(oli, ['demo', '--json'], { cwd: work, encoding: 'utf8', env, timeout: 180_000 }), 'oli demo')) as { steps: { status: string }[]; completions: { completionDate?: string }[] };
    assert.ok(demo.steps.length >= 11 && demo.steps.every((s) => ['done', 'attested', 'not-applicable'].includes(s.status)), JSON.stringify(demo.steps.map((s) => s.status)));
    assert.ok(demo.completions.some((c) => c.completionDate));
  });
});
