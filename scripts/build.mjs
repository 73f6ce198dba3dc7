// Bundles the extension (CommonJS, `vscode` external), the `oli` CLI and the webview code with esbuild.
import { build } from 'esbuild';
import { existsSync, chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const production = process.argv.includes('--production');
const integrationTests = process.argv.includes('--integration-tests');
const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

const jobs = [];
if (existsSync('src/extension.ts')) {
  jobs.push(build({
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  }));
}
// The `oli` CLI: dist/cli.js is only the dispatcher (fast `oli --version`); each module that
// src/cli/commands/ loads with a literal `import('./name')` is its own bundle dist/cli/name.js,
// required at run time, so a command loads only its own dependencies.
const cliModules = [...new Set(readdirSync('src/cli/commands').filter((f) => f.endsWith('.ts')).flatMap((f) => [...readFileSync(join('src/cli/commands', f), 'utf8').matchAll(/\bimport\(\s*'\.\/([\w-]+)'\s*\)/g)].map((m) => m[1])))].filter((m) => existsSync(`src/cli/commands/${m}.ts`));
const cliSplit = (prefix) => ({
  name: 'oli-command-bundles',
  setup(b) {
    b.onResolve({ filter: /^\.\/[\w-]+$/ }, (args) => (args.kind === 'dynamic-import' && /src[\\/]cli[\\/]commands$/.test(args.resolveDir) && cliModules.includes(args.path.slice(2)) ? { path: args.path.slice(2), namespace: 'oli-command' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'oli-command' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(`${prefix}${args.path}.js`)});`, loader: 'js' }));
    b.onResolve({ filter: /\.js$/ }, (args) => (args.namespace === 'oli-command' ? { path: args.path, external: true } : undefined));
  },
});
// node-forge and jose run only when a certificate or a JWT is handled, csv-parse only when a learner file is read: in the CLI bundles they are
// initialised on first use (a shim with one lazy getter per export), so `oli status` sends its first
// requests before paying for them and `oli inspect xapi` never does.
const LAZY_PACKAGES = ['node-forge', 'jose', 'csv-parse'];
const lazyPackages = {
  name: 'oli-lazy-packages',
  setup(b) {
    b.onResolve({ filter: new RegExp(`^(${LAZY_PACKAGES.join('|')})$`) }, (args) => (args.pluginData === 'oli-lazy' ? undefined : { path: args.path, namespace: 'oli-lazy' }));
    b.onLoad({ filter: /.*/, namespace: 'oli-lazy' }, async (args) => {
      const names = Object.keys(await import(args.path)).filter((k) => k !== 'default' && /^[A-Za-z_$][\w$]*$/.test(k));
      const id = JSON.stringify(args.path);
      return {
        resolveDir: process.cwd(),
        pluginData: 'oli-lazy',
        loader: 'js',
        // `default` too: node-forge is CommonJS and imported as a default (`import forge from 'node-forge'`).
        contents:
          `let m; const load = () => (m ??= require(${id}));\n` +
          `Object.defineProperty(exports, '__esModule', { value: true });\n` +
          `Object.defineProperty(exports, 'default', { enumerable: true, get: () => { const x = load(); return x && x.__esModule && 'default' in x ? x.default : x; } });\n` +
          names.map((k) => `Object.defineProperty(exports, ${JSON.stringify(k)}, { enumerable: true, get: () => load()[${JSON.stringify(k)}] });`).join('\n'),
      };
    });
  },
};
// @learninglocker/xapi-validation (the sandbox's own xAPI validator) loads its rules with
// `require(file)` on a variable, which esbuild cannot follow: rewrite that one helper into literal
// requires of every rule file it names, so the bundles stay self-contained (no node_modules at run time).
const xapiValidationRequires = {
  name: 'xapi-validation-static-requires',
  setup(b) {
    b.onLoad({ filter: /[\\/]@learninglocker[\\/]xapi-validation[\\/]dist[\\/]factory\.js$/ }, (args) => {
      const src = readFileSync(args.path, 'utf8');
      const files = [...new Set([...src.matchAll(/require(?:Rule|Map|File)\('(\.\/[\w/]+)'\)/g)].map((m) => m[1]))];
      if (!src.includes('return ruleAccessor(require(file))(data, path);') || files.length < 10) {
        throw new Error('@learninglocker/xapi-validation changed its factory.js: update the xapi-validation-static-requires plugin in scripts/build.mjs');
      }
      const table = `var __xapiRules = {${files.map((f) => `${JSON.stringify(f)}: function () { return require(${JSON.stringify(f)}); }`).join(', ')}};\n`;
      return { contents: table + src.replace('return ruleAccessor(require(file))(data, path);', 'return ruleAccessor(__xapiRules[file]())(data, path);'), loader: 'js' };
    });
  },
};
// Always minified: less to read and compile at every start (source maps stay linked in dev builds).
const cliCommon = { ...common, minify: true, platform: 'node', format: 'cjs', target: 'node20' };
jobs.push(build({ ...cliCommon, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, plugins: [cliSplit('./cli/'), xapiValidationRequires] }));
jobs.push(build({ ...cliCommon, entryPoints: Object.fromEntries(cliModules.map((m) => [m, `src/cli/commands/${m}.ts`])), outdir: 'dist/cli', plugins: [cliSplit('./'), lazyPackages, xapiValidationRequires] }));
if (existsSync('media/inspector/main.ts')) {
  jobs.push(build({
    ...common,
    entryPoints: ['media/inspector/main.ts'],
    outfile: 'dist/webview/inspector.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  }));
}
// The sandbox pod is loaded only when the "Start Local Sandbox" command runs: its own bundle keeps
// fastify out of dist/extension.js (fast activation).
if (existsSync('src/extension.ts') && existsSync('src/commands/localSandbox.ts')) {
  jobs.push(build({
    ...common,
    entryPoints: ['src/commands/localSandbox.ts'],
    outfile: 'dist/sandbox.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    plugins: [xapiValidationRequires],
  }));
}
// The extension's runtime (model, views, commands, engine, inspector): loaded by the activation
// shell dist/extension.js after activation, so activation does not parse zod, axios or node-forge.
if (existsSync('src/views/runtime.ts')) {
  jobs.push(build({
    ...common,
    entryPoints: ['src/views/runtime.ts'],
    outfile: 'dist/runtime.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  }));
}
// The integration suite that runs inside a real extension host (npm run test:vscode / test:electron).
if (integrationTests) {
  rmSync('out/test/integration', { recursive: true, force: true });
  const entries = readdirSync('test/integration').filter((f) => f.endsWith('.ts')).map((f) => `test/integration/${f}`);
  jobs.push(build({
    ...common,
    minify: false,
    sourcemap: 'inline',
    entryPoints: entries,
    outdir: 'out/test/integration',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'mocha'],
  }));
}
// l10n/bundle.l10n.json: every vscode.l10n.t('literal') of the extension (the source-language bundle
// that translators copy to bundle.l10n.<locale>.json).
if (existsSync('src/extension.ts')) {
  const files = (dir) => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : f.endsWith('.ts') ? [join(dir, f)] : []));
  const strings = {};
  for (const f of ['src/extension.ts', ...files('src/views'), ...files('src/commands')]) {
    for (const m of readFileSync(f, 'utf8').matchAll(/l10n\.t\(\s*'((?:[^'\\]|\\.)*)'/g)) strings[m[1].replace(/\\'/g, "'")] = m[1].replace(/\\'/g, "'");
  }
  mkdirSync('l10n', { recursive: true });
  const sorted = Object.fromEntries(Object.keys(strings).sort().map((k) => [k, strings[k]]));
  writeFileSync('l10n/bundle.l10n.json', JSON.stringify(sorted, null, 2) + '\n');
}
mkdirSync('dist', { recursive: true });
await Promise.all(jobs);
chmodSync('dist/cli.js', 0o755);
