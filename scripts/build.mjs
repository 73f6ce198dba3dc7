// Bundles the extension (CommonJS, `vscode` external), the `oli` CLI and the webview code with esbuild.
import { build } from 'esbuild';
import { existsSync, chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const production = process.argv.includes('--production');
const integrationTests = process.argv.includes('--integration-tests');
const common = {
  bundle: true,
  // jsonc-parser's UMD build (its "main") loads its parts with a require esbuild cannot follow: take its ES modules.
  alias: { 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js' },
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

const jobs = [];
// Each bundle's esbuild metafile (which inputs it holds, their bytes, its imports) goes to
// out/build-meta/<name>.json: `npm run bench` reads it (no zod in the webview bundles) and it is
// what to open to see why a bundle is heavy (e.g. https://esbuild.github.io/analyze/).
const META_DIR = 'out/build-meta';
rmSync(META_DIR, { recursive: true, force: true });
async function bundle(name, options) {
  const result = await build({ ...options, metafile: true });
  mkdirSync(META_DIR, { recursive: true });
  writeFileSync(join(META_DIR, `${name}.json`), JSON.stringify(result.metafile));
  return result;
}
if (existsSync('src/extension.ts')) {
  jobs.push(bundle('extension', {
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
// src/cli/commands/ loads with a literal `import('./name')` is an entry point dist/cli/name.mjs,
// imported at run time, so a command loads only its own code and the chunks it shares.
const cliModules = [...new Set(readdirSync('src/cli/commands').filter((f) => f.endsWith('.ts')).flatMap((f) => [...readFileSync(join('src/cli/commands', f), 'utf8').matchAll(/\bimport\(\s*'\.\/([\w-]+)'\s*\)/g)].map((m) => m[1])))].filter((m) => existsSync(`src/cli/commands/${m}.ts`));
rmSync('dist/cli', { recursive: true, force: true });
// node-forge and jose run only when a certificate or a JWT is handled, csv-parse only when a
// learner file is read. Each is its own file, built once (`vendor-<name>.js` next to the bundles
// that use it: dist/cli/ for the CLI, dist/ for the extension), and the bundles hold a shim with one
// lazy getter per export that requires it on first use: `oli status` sends its first requests
// before paying for them, `oli inspect xapi` and the extension's activation never do.
const LAZY_PACKAGES = ['node-forge', 'jose', 'csv-parse'];
const vendorFile = (name) => `vendor-${name.replace(/[^\w-]/g, '-')}.js`;
const lazyPackages = {
  name: 'oli-lazy-packages',
  setup(b) {
    b.onResolve({ filter: new RegExp(`^(${LAZY_PACKAGES.join('|')})$`) }, (args) => ({ path: args.path, namespace: 'oli-lazy' }));
    b.onLoad({ filter: /.*/, namespace: 'oli-lazy' }, async (args) => {
      const names = Object.keys(await import(args.path)).filter((k) => k !== 'default' && /^[A-Za-z_$][\w$]*$/.test(k));
      const file = JSON.stringify(vendorFile(args.path));
      return {
        resolveDir: process.cwd(),
        loader: 'js',
        // `default` too: node-forge is CommonJS and imported as a default (`import forge from 'node-forge'`).
        contents:
          `let m; const load = () => (m ??= require(__dirname + '/' + ${file}));\n` +
          `Object.defineProperty(exports, '__esModule', { value: true });\n` +
          `Object.defineProperty(exports, 'default', { enumerable: true, get: () => { const x = load(); return x && x.__esModule && 'default' in x ? x.default : x; } });\n` +
          names.map((k) => `Object.defineProperty(exports, ${JSON.stringify(k)}, { enumerable: true, get: () => load()[${JSON.stringify(k)}] });`).join('\n'),
      };
    });
  },
};
// node-forge's index loads all of forge (TLS, SSH, Ed25519, key exchange...); the product uses its
// PKI, PKCS#12, ASN.1, PEM, message digests and utilities only (src/core/inspect/certificates.ts,
// src/core/plan/oracleJwt.ts): its vendor file loads those modules (and what they load). The build
// fails if the product uses a part of forge the file does not hold (checked at the end).
const FORGE_MODULES = ['asn1', 'md.all', 'pem', 'pki', 'pkcs12', 'util'];
const vendorEntry = (name) =>
  name === 'node-forge'
    ? `module.exports = require('node-forge/lib/forge');\n${FORGE_MODULES.map((m) => `require('node-forge/lib/${m}');`).join('\n')}`
    : `module.exports = require(${JSON.stringify(name)});`;
/** The vendor files the lazy shims require, in `dir`. */
function vendorBundles(dir) {
  return LAZY_PACKAGES.map((name) =>
    bundle(`${dir.replace(/\W/g, '-')}-${vendorFile(name).replace(/\.js$/, '')}`, {
      ...common,
      minify: true,
      sourcemap: false,
      stdin: { contents: vendorEntry(name), resolveDir: process.cwd(), loader: 'js' },
      outfile: join(dir, vendorFile(name)),
      platform: 'node',
      format: 'cjs',
      target: 'node20',
    }),
  );
}
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
// zod can turn a schema into a JSON Schema (toJSONSchema, the schemas' toJSONSchema method and
// their Standard Schema JSON Schema): only scripts/gen-schema.ts does, from the sources, to write
// schemas/oracle-learning.schema.json. In the extension's shared zod (dist/vendor-zod.js) those
// modules are stubs that say so if called; every schema is built and parses as before.
const ZOD_JSON_SCHEMA_MODULES = /[\\/]zod[\\/]v4[\\/]core[\\/](json-schema-processors|to-json-schema|json-schema-generator)\.js$/;
const zodWithoutJsonSchema = {
  name: 'oli-zod-without-json-schema',
  setup(b) {
    b.onLoad({ filter: ZOD_JSON_SCHEMA_MODULES }, (args) => {
      const src = readFileSync(args.path, 'utf8');
      const names = [...new Set([...src.matchAll(/^export (?:function|const|class) (\w+)/gm)].map((m) => m[1]))];
      const renamed = [...src.matchAll(/^export \{ (\w+) as (\w+) \};?$/gm)].map((m) => m[2]);
      if (!names.length) throw new Error(`zod changed ${args.path}: update oli-zod-without-json-schema in scripts/build.mjs`);
      const refuse = `() => { throw new Error('JSON Schema generation is not in this build (scripts/gen-schema.ts makes schemas/oracle-learning.schema.json from the sources)'); }`;
      // Factories of methods (createToJSONSchemaMethod...) are called while a schema is built: they return the refusing method.
      const contents = [
        `const refuse = ${refuse};`,
        ...names.map((n) => (/^create\w+Method$/.test(n) ? `export const ${n} = () => refuse;` : n === 'allProcessors' ? `export const ${n} = {};` : `export const ${n} = refuse;`)),
        ...renamed.map((n) => `export const ${n} = refuse;`),
      ].join('\n');
      return { contents, loader: 'js' };
    });
  },
};
// The sandbox's fastify declares no JSON schemas (its routes parse their input with zod) and gives
// fastify compiler factories that refuse one (src/sandbox/server.ts): the default compilers (Ajv,
// fast-json-stringify, about 300 KB with their dependencies) are never required, nor is
// light-my-request (fastify.inject, for tests that run from the sources) or pino (the sandbox runs
// with logger: false). The bundles hold a stub that throws in their place.
// @learninglocker/xapi-validation (the sandbox's xAPI validator) uses two lodash functions (its
// dist/tests/ helpers, never bundled, use omit too): the bundles take them from lodash's own
// per-function modules instead of the whole library (the same code).
const XAPI_VALIDATION_LODASH = ['isPlainObject', 'isObject'];
const sandboxDeps = {
  name: 'oli-sandbox-deps',
  setup(b) {
    b.onResolve({ filter: /^(@fastify\/ajv-compiler|@fastify\/fast-json-stringify-compiler|light-my-request|\.\/logger-pino\.js)$/ }, (args) =>
      /[\\/]node_modules[\\/]fastify[\\/]/.test(args.importer) ? { path: args.path, namespace: 'oli-fastify-stub' } : undefined,
    );
    // semver checks the fastify version a registered plugin asks for: the sandbox registers none.
    b.onResolve({ filter: /^semver$/ }, (args) => (/[\\/]fastify[\\/]lib[\\/]plugin-utils\.js$/.test(args.importer) ? { path: 'semver', namespace: 'oli-semver-stub' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'oli-semver-stub' }, () => ({
      contents: "const refuse = () => { throw new Error('semver is not in this build: the sandbox registers no fastify plugin (see scripts/build.mjs)'); };\nmodule.exports = { gt: refuse, coerce: refuse, satisfies: refuse };",
      loader: 'js',
    }));
    b.onLoad({ filter: /.*/, namespace: 'oli-fastify-stub' }, (args) => ({
      contents: `module.exports = function () { throw new Error(${JSON.stringify(`${args.path} is not in this build: the sandbox declares no JSON schemas, trusts no proxy and is not injected into (see scripts/build.mjs)`)}); };`,
      loader: 'js',
    }));
    // find-my-way checks a route's regular expression with safe-regex2 (and its parser, ret): the
    // sandbox declares no route with one. Only find-my-way's own three constant expressions, which it
    // checks as it loads, are answered safe (taken from its source here; the build fails if that
    // changes); any other expression throws, so a route with one would fail at start-up, in every test.
    // fastify reads X-Forwarded-For with @fastify/proxy-addr (and ipaddr.js) only under trustProxy,
    // which the sandbox never sets: the generic stub above stands in for it.
    b.onResolve({ filter: /^safe-regex2$/ }, (args) => (/[\\/]find-my-way[\\/]/.test(args.importer) ? { path: args.importer, namespace: 'oli-safe-regex' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'oli-safe-regex' }, (args) => {
      const src = readFileSync(args.path, 'utf8');
      const checked = [...src.matchAll(/^if \(!isRegexSafe\((\w+)\)\) \{$/gm)].map((m) => m[1]);
      const literals = checked.map((name) => new RegExp(`^const ${name} = (/.+/[a-z]*)$`, 'm').exec(src)?.[1]);
      if (checked.length !== 3 || literals.some((l) => !l) || (src.match(/isRegexSafe\(/g) ?? []).length !== checked.length + 2) {
        throw new Error('find-my-way changed how it uses safe-regex2: update oli-sandbox-deps in scripts/build.mjs');
      }
      return {
        contents: `const own = new Set(${JSON.stringify(literals)});\nmodule.exports = (re) => { if (re instanceof RegExp && own.has(String(re))) return true; throw new Error('safe-regex2 is not in this build: the sandbox declares no route with a regular expression (see scripts/build.mjs)'); };`,
        loader: 'js',
      };
    });
    b.onResolve({ filter: /^@fastify\/proxy-addr$/ }, (args) => (/[\\/]fastify[\\/]lib[\\/]/.test(args.importer) ? { path: '@fastify/proxy-addr', namespace: 'oli-fastify-stub' } : undefined));
    b.onResolve({ filter: /^lodash$/ }, (args) => (/[\\/]@learninglocker[\\/]xapi-validation[\\/]/.test(args.importer) ? { path: 'lodash', namespace: 'oli-lodash' } : undefined));
    b.onLoad({ filter: /^lodash$/, namespace: 'oli-lodash' }, () => {
      const used = new Set();
      for (const f of readdirSync('node_modules/@learninglocker/xapi-validation/dist', { recursive: true })) {
        if (!String(f).endsWith('.js') || /^tests[\\/]/.test(String(f))) continue;
        for (const m of readFileSync(join('node_modules/@learninglocker/xapi-validation/dist', String(f)), 'utf8').matchAll(/lodash_1\.(\w+)/g)) used.add(m[1]);
      }
      const extra = [...used].filter((n) => !XAPI_VALIDATION_LODASH.includes(n));
      if (extra.length) throw new Error(`@learninglocker/xapi-validation now uses lodash's ${extra.join(', ')}: add them to XAPI_VALIDATION_LODASH in scripts/build.mjs`);
      return { resolveDir: process.cwd(), loader: 'js', contents: XAPI_VALIDATION_LODASH.map((n) => `exports.${n} = require('lodash/${n}');`).join('\n') };
    });
  },
};
// axios in Node needs only its http adapter. Its fetch adapter probes fetch/Request/Response at
// load, and its utils read globalThis.FormData, which makes Node load its bundled undici (about
// 10 ms); form-data brings mime-db (140 KB). None of them is used here: the fetch adapter is
// replaced by "not available", form-data by a class that refuses to be built, and the FormData
// probe is made on first use.
const axiosNodeOnly = {
  name: 'oli-axios-node-only',
  setup(b) {
    b.onResolve({ filter: /^form-data$/ }, () => ({ path: 'form-data', namespace: 'oli-stub' }));
    // `debug` (follow-redirects, the proxy agents): silent, as it is unless DEBUG=... is set; this
    // product traces its requests itself (--verbose, OLI_TRACE=1). HTTP/2 is never asked of axios.
    b.onResolve({ filter: /^debug$/ }, () => ({ path: 'debug', namespace: 'oli-stub' }));
    b.onLoad({ filter: /^debug$/, namespace: 'oli-stub' }, () => ({
      contents: 'function createDebug() { const d = () => undefined; d.enabled = false; d.log = () => undefined; d.extend = createDebug; return d; }\ncreateDebug.enable = () => undefined; createDebug.disable = () => ""; createDebug.enabled = () => false;\nmodule.exports = createDebug; module.exports.default = createDebug;',
      loader: 'js',
    }));
    b.onResolve({ filter: /^http2$/ }, (args) => (/[\\/]axios[\\/]/.test(args.importer) ? { path: 'http2', namespace: 'oli-stub' } : undefined));
    b.onLoad({ filter: /^http2$/, namespace: 'oli-stub' }, () => ({ contents: "module.exports = { get constants() { throw new Error('HTTP/2 is not used by this build'); } };", loader: 'js' }));
    b.onLoad({ filter: /^form-data$/, namespace: 'oli-stub' }, () => ({
      contents: "module.exports = class FormData { constructor() { throw new Error('multipart form bodies are not supported by this build'); } };",
      loader: 'js',
    }));
    b.onLoad({ filter: /[\\/]axios[\\/]lib[\\/]adapters[\\/]fetch\.js$/ }, () => ({ contents: 'export const getFetch = () => false;\nexport default false;\n', loader: 'js' }));
    b.onLoad({ filter: /[\\/]axios[\\/]lib[\\/]utils\.js$/ }, (args) => {
      const src = readFileSync(args.path, 'utf8');
      const probe = "const FormDataCtor = typeof G.FormData !== 'undefined' ? G.FormData : undefined;";
      const use = 'if (FormDataCtor && thing instanceof FormDataCtor) return true;';
      if (!src.includes(probe) || !src.includes(use)) throw new Error('axios changed lib/utils.js: update the oli-axios-node-only plugin in scripts/build.mjs');
      return {
        contents: src
          .replace(probe, "let FormDataCtorCache; const formDataCtor = () => (FormDataCtorCache ??= typeof G.FormData !== 'undefined' ? G.FormData : null);")
          .replace(use, 'const FormDataCtor = formDataCtor(); if (FormDataCtor && thing instanceof FormDataCtor) return true;'),
        loader: 'js',
      };
    });
  },
};
// The extension's two bundles, dist/runtime.js and dist/sandbox.js, share one copy of zod:
// dist/vendor-zod.js holds the members the sources use (z.object, z.string...: every `z.name` in
// src/, found here), and each bundle requires it where it imported 'zod'. One zod also means one
// configuration (src/core/zodSettings.ts). The CLI's commands share theirs through a common chunk.
const ZOD_TYPE_ONLY = ['infer', 'input', 'output'];
/** Used by scripts/gen-schema.ts only (src/core/plan/planSchemaJson.ts), never by the extension's bundles. */
const ZOD_BUILD_TIME_ONLY = ['toJSONSchema'];
/** The TypeScript files under `dir`, recursively. */
const tsFiles = (dir) => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? tsFiles(join(dir, f)) : f.endsWith('.ts') ? [join(dir, f)] : []));
function zodMembers() {
  const used = new Set();
  for (const f of tsFiles('src')) {
    const text = readFileSync(f, 'utf8');
    if (/from 'zod[^']*'/.test(text) && !/^import (type )?\* as z from 'zod';$/m.test(text)) throw new Error(`${f} imports zod otherwise than \`import * as z from 'zod'\`: the shared dist/vendor-zod.js would miss it (scripts/build.mjs)`);
    for (const m of text.matchAll(/\bz\.([A-Za-z_$][\w$]*)/g)) if (!ZOD_TYPE_ONLY.includes(m[1]) && !ZOD_BUILD_TIME_ONLY.includes(m[1])) used.add(m[1]);
  }
  return [...used].sort();
}
const zodVendorEntry = () => `import * as z from 'zod';\nmodule.exports = { ${zodMembers().map((m) => `${JSON.stringify(m)}: z.${m}`).join(', ')} };`;
const sharedZod = {
  name: 'oli-shared-zod',
  setup(b) {
    b.onResolve({ filter: /^zod$/ }, () => ({ path: 'zod', namespace: 'oli-shared-zod' }));
    b.onLoad({ filter: /.*/, namespace: 'oli-shared-zod' }, () => ({ contents: "module.exports = require(__dirname + '/vendor-zod.js');", loader: 'js' }));
  },
};
// Always minified: less to read and compile at every start (source maps stay linked in dev builds).
const cliCommon = { ...common, minify: true, platform: 'node', target: 'node20' };
// The dispatcher (CommonJS: `oli --version` loads nothing else) imports dist/cli/<command>.mjs.
const cliDispatch = {
  name: 'oli-command-modules',
  setup(b) {
    b.onResolve({ filter: /^\.\/[\w-]+$/ }, (args) => (args.kind === 'dynamic-import' && /src[\\/]cli[\\/]commands$/.test(args.resolveDir) && cliModules.includes(args.path.slice(2)) ? { path: `./cli/${args.path.slice(2)}.mjs`, external: true } : undefined));
  },
};
jobs.push(...vendorBundles('dist/cli'));
jobs.push(bundle('cli', { ...cliCommon, format: 'cjs', entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, plugins: [cliDispatch] }));
// The commands: ES modules with code splitting, so what several commands use (the core, the
// Oracle client, zod, axios) is one shared chunk (dist/cli/chunk-*.mjs) loaded once per run.
// `require`, `__dirname` and `__filename` are defined for the CommonJS packages bundled in them.
const esmPrelude = "import { createRequire as __oliRequire } from 'node:module'; import { fileURLToPath as __oliPath } from 'node:url'; import { dirname as __oliDir } from 'node:path'; const require = __oliRequire(import.meta.url); const __filename = __oliPath(import.meta.url); const __dirname = __oliDir(__filename);";
jobs.push(bundle('cli-commands', {
  ...cliCommon,
  format: 'esm',
  splitting: true,
  // dist/cli/xapiWorker.mjs: the worker threads of `oli inspect xapi` (src/cli/xapiParallel.ts).
  entryPoints: { ...Object.fromEntries(cliModules.map((m) => [m, `src/cli/commands/${m}.ts`])), xapiWorker: 'src/cli/xapiWorker.ts' },
  outdir: 'dist/cli',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunk-[hash]',
  banner: { js: esmPrelude },
  // No command makes a JSON Schema (scripts/gen-schema.ts does, from the sources): zod's generator stays out of the shared chunk.
  plugins: [lazyPackages, axiosNodeOnly, xapiValidationRequires, sandboxDeps, zodWithoutJsonSchema],
}));
// The webview pages (the Inspector, the step page, the identity check): one bundle each, always
// minified (what the webview loads at every show), with no zod (their protocols are hand-checked).
for (const page of ['inspector', 'stepPage', 'identityPage']) {
  if (!existsSync(`media/${page}/main.ts`)) continue;
  jobs.push(bundle(`webview-${page}`, {
    ...common,
    minify: true,
    entryPoints: [`media/${page}/main.ts`],
    outfile: `dist/webview/${page}.js`,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  }));
}
// The sandbox pod is loaded only when the "Start Local Sandbox" command runs: its own bundle keeps
// fastify out of dist/extension.js (fast activation).
if (existsSync('src/extension.ts') && existsSync('src/commands/localSandbox.ts')) {
  jobs.push(bundle('sandbox', {
    ...common,
    entryPoints: ['src/commands/localSandbox.ts'],
    outfile: 'dist/sandbox.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    plugins: [lazyPackages, axiosNodeOnly, xapiValidationRequires, sandboxDeps, sharedZod],
  }));
}
// The extension's runtime (model, views, commands, engine, inspector): loaded by the activation
// shell dist/extension.js after activation, so activation does not parse zod, axios or node-forge.
if (existsSync('src/views/runtime.ts')) {
  jobs.push(bundle('runtime', {
    ...common,
    entryPoints: ['src/views/runtime.ts'],
    outfile: 'dist/runtime.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    plugins: [lazyPackages, axiosNodeOnly, sharedZod],
  }));
  jobs.push(...vendorBundles('dist'));
  jobs.push(
    bundle('dist-vendor-zod', {
      ...common,
      minify: true,
      sourcemap: false,
      stdin: { contents: zodVendorEntry(), resolveDir: process.cwd(), loader: 'js' },
      outfile: 'dist/vendor-zod.js',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      plugins: [zodWithoutJsonSchema],
    }),
  );
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
// l10n/bundle.l10n.json: every string the extension and the core localise (vscode.l10n.t in
// src/views, src/commands and the shell; l10n.t of @vscode/l10n in src/core), extracted by
// @vscode/l10n-dev (a real parser, not a pattern): the source-language bundle translators copy to
// bundle.l10n.<locale>.json. Skipped when no source changed since the bundle was written.
if (existsSync('src/extension.ts')) {
  const sources = ['src/extension.ts', ...tsFiles('src/views'), ...tsFiles('src/commands'), ...tsFiles('src/core')];
  const bundlePath = 'l10n/bundle.l10n.json';
  const newest = Math.max(...sources.map((f) => statSync(f).mtimeMs), statSync('scripts/build.mjs').mtimeMs);
  if (!existsSync(bundlePath) || statSync(bundlePath).mtimeMs < newest || production) {
    jobs.push(
      (async () => {
        const { getL10nJson } = await import('@vscode/l10n-dev');
        const strings = await getL10nJson(sources.map((f) => ({ extension: '.ts', contents: readFileSync(f, 'utf8') })));
        mkdirSync('l10n', { recursive: true });
        const sorted = Object.fromEntries(Object.keys(strings).sort().map((k) => [k, strings[k]]));
        writeFileSync(bundlePath, JSON.stringify(sorted, null, 2) + '\n');
      })(),
    );
  }
}
mkdirSync('dist', { recursive: true });
await Promise.all(jobs);
chmodSync('dist/cli.js', 0o755);
{
  // Every forge namespace the product names (forge.pki, forge.asn1...) is in the vendor file.
  const used = new Set();
  for (const f of tsFiles('src')) for (const m of readFileSync(f, 'utf8').matchAll(/\bforge\.(\w+)/g)) used.add(m[1]);
  const forge = createRequire(import.meta.url)(join(process.cwd(), 'dist', 'cli', vendorFile('node-forge')));
  const missing = [...used].filter((n) => forge[n] === undefined);
  if (missing.length) throw new Error(`dist/cli/${vendorFile('node-forge')} has no forge.${missing.join(', forge.')}: add the module to FORGE_MODULES in scripts/build.mjs`);
}
