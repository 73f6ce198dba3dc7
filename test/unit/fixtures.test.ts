import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { corpus, FIXTURES_DIR } from './helpers/fixtures';

const REPO = resolve(__dirname, '../..');
const SCANNED = ['test', 'bench', 'scripts'];

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'node_modules' && name !== 'screenshots') out.push(...walk(p));
    } else if (/\.(ts|js|mjs|cjs|sh)$/.test(name)) out.push(p);
  }
  return out;
}

/**
 * Where a source file names a path outside the repository: a relative literal that climbs above the
 * repository root from the file's folder, a `..` joined onto the repository root, or an absolute path
 * into a home or work folder. (Temporary folders and the e2e tool cache are not inputs and are fine.)
 */
function outsideReferences(file: string, text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/['"`]((?:\.\.\/)+[^'"`\s]*)['"`]/g)) {
    const target = resolve(dirname(file), m[1]!);
    if (relative(REPO, target).startsWith('..')) found.push(m[1]!);
  }
  for (const m of text.matchAll(/\b(?:repoRoot|ROOT|root|REPO|repo)\s*,\s*['"]\.\.['"]/g)) found.push(m[0]);
  for (const m of text.matchAll(/['"`](\/(?:work|home|root|Users|mnt)\/[^'"`\s]*)['"`]/g)) found.push(m[1]!);
  // A corpus file named outside test/fixtures (a vector set kept beside the repository).
  for (const m of text.matchAll(/(?<!fixtures\/)\bcorpora\/[\w.-]+\.json/g)) found.push(m[0]);
  return found;
}

describe('fixtures: the tests are self-contained', () => {
  const listed = readFileSync(join(FIXTURES_DIR, 'README.md'), 'utf8');
  const files = readdirSync(join(FIXTURES_DIR, 'corpora')).sort();

  it('every public vector set in test/fixtures/corpora is listed in its README with source and licence, and is a non-empty case list', () => {
    assert.ok(files.length >= 7, files.join(', '));
    for (const f of files) {
      const row = listed.split('\n').find((l) => l.startsWith(`| \`${f}\``));
      assert.ok(row, `${f} has a row in test/fixtures/README.md`);
      assert.match(row, /MIT|Apache-2\.0|BSD/, `${f}: licence`);
      assert.match(row, /https:\/\//, `${f}: source`);
      const cases = corpus<unknown[]>(f);
      assert.ok(Array.isArray(cases) && cases.length > 0, f);
    }
  });

  it('every set the README lists is present (a missing fixture fails, it is never skipped)', () => {
    const section = (heading: string) => listed.split(/^## /m).find((s) => s.startsWith(heading)) ?? '';
    const named = (heading: string) => [...section(heading).matchAll(/^\| `([\w.-]+\.json)`/gm)].map((m) => m[1]!).sort();
    assert.deepEqual(named('corpora/'), files);
    assert.deepEqual(named('oracle/'), readdirSync(join(FIXTURES_DIR, 'oracle')).filter((f) => f.endsWith('.json')).sort());
    assert.throws(() => corpus('no-such-set.json'), /test fixture missing: .*no-such-set\.json/);
  });

  it('no test, bench or script reads a path outside the repository', () => {
    const offenders = SCANNED.flatMap((d) => walk(join(REPO, d)))
      .filter((f) => f !== __filename)
      .flatMap((f) => outsideReferences(f, readFileSync(f, 'utf8')).map((r) => `${relative(REPO, f)}: ${r}`));
    assert.deepEqual(offenders, []);
  });

  it('the guard recognises what it looks for', () => {
    const probe = join(REPO, 'test', 'unit', 'probe.ts');
    const q = "'";
    const bad = [
      `readFileSync(resolve(__dirname, ${q}../../../elsewhere/x.json${q}))`,
      `resolve(ROOT, ${q}..${q}, ${q}elsewhere${q})`,
      `const p = ${q}/work/elsewhere/x${q}`,
      `path: ${q}../elsewhere/corpora/a.json${q}`,
      `join(vectors, ${q}corpora/a.json${q})`,
    ];
    for (const s of bad) assert.ok(outsideReferences(probe, s).length > 0, s);
    for (const s of [`import x from ${q}../../src/core/a${q}`, `resolve(__dirname, ${q}../..${q})`, `join(tmpdir(), ${q}oli-${q})`]) {
      assert.deepEqual(outsideReferences(probe, s), [], s);
    }
  });
});
