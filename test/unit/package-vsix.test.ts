import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, resolve } from 'node:path';
import { readZip } from './helpers/zip';

const REPO = resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string; license: string };

interface MdRef {
  kind: 'image' | 'link';
  target: string;
}

/** The links and images of a Markdown document (inline, reference definitions, autolinks, HTML img/a), outside code. */
function markdownRefs(md: string): MdRef[] {
  const text = md.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
  const refs: MdRef[] = [];
  for (const m of text.matchAll(/(!?)\[(?:[^\][]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+["'(][^)]*)?\)/g)) refs.push({ kind: m[1] ? 'image' : 'link', target: m[2]! });
  for (const m of text.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)) refs.push({ kind: 'link', target: m[1]! });
  for (const m of text.matchAll(/<((?:https?|mailto):[^>\s]+)>/g)) refs.push({ kind: 'link', target: m[1]! });
  for (const m of text.matchAll(/<img\b[^>]*\bsrc\s*=\s*["']([^"']+)["']/gi)) refs.push({ kind: 'image', target: m[1]! });
  for (const m of text.matchAll(/<a\b[^>]*\bhref\s*=\s*["']([^"']+)["']/gi)) refs.push({ kind: 'link', target: m[1]! });
  return refs;
}

/** GitHub-style heading anchors of a Markdown document. */
function anchors(md: string): Set<string> {
  return new Set([...md.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)].map((m) => m[1]!.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').trim().replace(/\s/g, '-')));
}

/** Why a README reference does not resolve inside the .vsix (whose README is extension/readme.md), or undefined when it does. */
function unresolved(ref: MdRef, files: Map<string, Buffer>, readme: string): string | undefined {
  const t = ref.target;
  if (/^https:\/\/[^/\s]+\.[^/\s]+/i.test(t)) return undefined;
  if (ref.kind === 'link' && /^mailto:[^@\s]+@[^@\s]+$/i.test(t)) return undefined;
  if (/^[a-z][a-z0-9+.-]*:/i.test(t) || t.startsWith('//')) return `${t}: not https`;
  if (t.startsWith('#')) return anchors(readme).has(decodeURIComponent(t.slice(1)).toLowerCase()) ? undefined : `${t}: no such heading`;
  const path = decodeURIComponent(t.split(/[?#]/)[0]!);
  const inVsix = posix.normalize(posix.join('extension', path));
  if (!inVsix.startsWith('extension/')) return `${t}: outside the extension`;
  const data = files.get(inVsix);
  if (!data) return `${t}: not in the .vsix (${inVsix})`;
  if (ref.kind === 'image') {
    if (/\.svg$/i.test(path)) return `${t}: SVG images are refused on the Marketplace`;
    const png = data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const jpeg = data[0] === 0xff && data[1] === 0xd8;
    const gif = data.subarray(0, 4).toString('latin1') === 'GIF8';
    if (!png && !jpeg && !gif) return `${t}: not a PNG, JPEG or GIF image`;
  }
  return undefined;
}

describe('the .vsix (npm run package) is fit for the Marketplace', function () {
  this.timeout(300_000);
  let dir: string;
  let files: Map<string, Buffer>;
  let readme: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'oli-vsix-'));
    const vsix = join(dir, 'oracle-learning-integrations.vsix');
    const r = spawnSync('npm', ['run', '--silent', 'package', '--', '--out', vsix], { cwd: REPO, encoding: 'utf8' });
    assert.equal(r.status, 0, `npm run package failed:\n${r.stdout}\n${r.stderr}`);
    files = readZip(vsix);
    readme = files.get('extension/readme.md')?.toString('utf8') ?? '';
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('holds the licence, the changelog and the Details page README, and no sources, source maps or tests', () => {
    const licence = files.get('extension/LICENSE.txt')?.toString('utf8');
    assert.equal(licence, readFileSync(join(REPO, 'LICENSE'), 'utf8'));
    assert.equal(pkg.license, 'MIT');
    assert.match(licence!, /^MIT License/);
    const changelog = files.get('extension/changelog.md')?.toString('utf8') ?? '';
    assert.match(changelog, /Keep a Changelog/);
    assert.match(changelog, new RegExp(`^## \\[${pkg.version.replace(/\./g, '\\.')}\\]`, 'm'), 'the changelog has a section for the packaged version');
    assert.equal(readme, readFileSync(join(REPO, 'MARKETPLACE.md'), 'utf8'));
    const names = [...files.keys()];
    assert.deepEqual(names.filter((n) => /\.map$|^extension\/(src|test|bench|scripts|node_modules|out)\//.test(n)), []);
    // one README only (README.md and readme.md would collide on case-insensitive file systems)
    const lower = names.map((n) => n.toLowerCase());
    assert.deepEqual(lower.filter((n, i) => lower.indexOf(n) !== i), []);
  });

  it('its manifest: preview, categories, keywords an Oracle / HCM / Learning / Coursera / JWT / xAPI search finds, gallery banner, icon', () => {
    const m = JSON.parse(files.get('extension/package.json')!.toString('utf8')) as { preview?: boolean; categories: string[]; keywords: string[]; galleryBanner?: { color: string; theme: string }; icon: string };
    assert.equal(m.preview, true);
    assert.ok(m.categories.some((c) => c !== 'Other'), m.categories.join());
    const keywords = m.keywords.map((k) => k.toLowerCase());
    for (const k of ['oracle', 'hcm', 'learning', 'coursera', 'jwt', 'xapi']) assert.ok(keywords.includes(k), k);
    assert.ok(keywords.length <= 30, 'the Marketplace keeps at most 30 keywords');
    assert.match(m.galleryBanner?.color ?? '', /^#[0-9a-f]{6}$/i);
    assert.ok(['dark', 'light'].includes(m.galleryBanner?.theme ?? ''));
    assert.ok(files.has(`extension/${m.icon}`));
    const vsixManifest = files.get('extension.vsixmanifest')!.toString('utf8');
    for (const asset of ['Content.Details', 'Content.Changelog', 'Content.License', 'Icons.Default']) assert.match(vsixManifest, new RegExp(`Microsoft\\.VisualStudio\\.Services\\.${asset.replace('.', '\\.')}"`), asset);
    assert.match(vsixManifest, /<Tags>[^<]*\bcoursera\b[^<]*<\/Tags>/i);
    assert.match(vsixManifest, /<GalleryFlags>[^<]*\bPreview\b/);
  });

  it('every README link and image resolves inside the .vsix or is absolute https; the four screenshots are in it', () => {
    const refs = markdownRefs(readme);
    const broken = refs.map((r) => unresolved(r, files, readme)).filter((x) => x !== undefined);
    assert.deepEqual(broken, []);
    const images = refs.filter((r) => r.kind === 'image');
    assert.ok(images.length >= 4, `${images.length} images`);
    // the Details page says what a Marketplace user needs to know
    for (const heading of ['Commands', 'Settings', 'Privacy']) assert.match(readme, new RegExp(`^## ${heading}$`, 'm'));
    assert.match(readme, /No telemetry/i);
  });

  it('the link check recognises what it refuses', () => {
    const fake = new Map([['extension/docs/a.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])]]);
    const md = '# Title\n\n![ok](docs/a.png) ![missing](docs/b.png) [http](http://example.com) [up](../x.md) [anchor](#title) [bad anchor](#nope) <img src="docs/c.png"> `[code](ignored.md)`\n[ref]: SECURITY.md\n';
    const result = markdownRefs(md).map((r) => [r.target, unresolved(r, fake, md) === undefined]);
    assert.deepEqual(result, [['docs/a.png', true], ['docs/b.png', false], ['http://example.com', false], ['../x.md', false], ['#title', true], ['#nope', false], ['SECURITY.md', false], ['docs/c.png', false]]);
  });
});
