// Bundles the extension (CommonJS, `vscode` external), the `oli` CLI and the webview code with esbuild.
import { build } from 'esbuild';
import { existsSync, chmodSync, mkdirSync } from 'node:fs';

const production = process.argv.includes('--production');
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
jobs.push(build({
  ...common,
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/cli.js',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  banner: { js: '#!/usr/bin/env node' },
}));
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
mkdirSync('dist', { recursive: true });
await Promise.all(jobs);
chmodSync('dist/cli.js', 0o755);
