// `npm run package [-- vsce options, e.g. --out x.vsix]`: the .vsix for the Marketplace, with vsce's
// checks on (licence, changelog, README links and images, manifest).
//
// - The Details page README is MARKETPLACE.md (vsce packages it as extension/readme.md); the root
//   README.md is for the repository.
// - --no-dependencies: the extension's bundles (esbuild) contain every runtime dependency.
// - While package.json has no "repository" (the project has no public repository yet), two more
//   options are needed, and CONTRIBUTING.md says so:
//     --allow-missing-repository   vsce refuses a manifest without a repository URL;
//     --no-rewrite-relative-links  vsce would rewrite the README's relative links against the
//                                  repository URL, and refuses without one. The README's images and
//                                  links are packaged in the .vsix instead (test/unit/package-vsix
//                                  checks that each one resolves inside it or is absolute https).
//   Once "repository" is set, neither is passed: vsce rewrites relative links to absolute https URLs.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const args = ['package', '--no-dependencies', '--readme-path', 'MARKETPLACE.md', '--changelog-path', 'CHANGELOG.md'];
if (!manifest.repository) args.push('--allow-missing-repository', '--no-rewrite-relative-links');
args.push(...process.argv.slice(2));
const r = spawnSync(process.execPath, [join(root, 'node_modules/@vscode/vsce/vsce'), ...args], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
