import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const PURE_LAYERS = ['src/core', 'src/oracle', 'src/sandbox', 'src/cli'];
const VSCODE_IMPORT = /(?:from\s+['"]vscode['"]|require\(\s*['"]vscode['"]\s*\)|import\(\s*['"]vscode['"]\s*\))/;

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (/\.(ts|js|mjs|cjs)$/.test(name)) out.push(p);
  }
  return out;
}

describe('architecture', () => {
  it('nothing under src/core, src/oracle, src/sandbox or src/cli imports vscode', () => {
    const offenders = PURE_LAYERS.flatMap(walk).filter((f) => VSCODE_IMPORT.test(readFileSync(f, 'utf8')));
    assert.deepEqual(offenders, []);
  });

  it('the guard recognises every import form it looks for', () => {
    for (const s of [`import * as vscode from 'vscode'`, `const v = require("vscode")`, `await import('vscode')`]) {
      assert.ok(VSCODE_IMPORT.test(s), s);
    }
    assert.ok(!VSCODE_IMPORT.test(`import { x } from './vscodeish'`));
  });

  it('the sandbox never imports product code (src/core, src/oracle, src/cli, src/views, src/commands)', () => {
    const PRODUCT_IMPORT = /(?:from\s+|import\(\s*|require\(\s*)['"]\.\.\/(?:core|oracle|cli|views|commands)(?:\/|['"])/;
    const offenders = walk('src/sandbox').filter((f) => PRODUCT_IMPORT.test(readFileSync(f, 'utf8')));
    assert.deepEqual(offenders, []);
    assert.ok(PRODUCT_IMPORT.test(`import { x } from '../core/inspect/xapi-validate'`));
    assert.ok(PRODUCT_IMPORT.test(`import type { OracleAuth } from '../oracle/auth'`));
    assert.ok(!PRODUCT_IMPORT.test(`import { x } from './coreish'`));
  });

  it('zod is imported as a namespace (import * as z), never as a named z: a named import keeps all of zod, its 50 locales included, in every bundle', () => {
    const NAMED_Z = /import\s*\{[^}]*\bz\b[^}]*\}\s*from\s*['"]zod(?:\/[\w/-]+)?['"]/;
    const offenders = ['src', 'media'].flatMap(walk).filter((f) => NAMED_Z.test(readFileSync(f, 'utf8')));
    assert.deepEqual(offenders, []);
    assert.ok(NAMED_Z.test(`import { z } from 'zod'`));
    assert.ok(NAMED_Z.test(`import { type ZodType, z } from "zod/v4"`));
    assert.ok(!NAMED_Z.test(`import * as z from 'zod'`));
  });

  it('no default exports in src (named exports only)', () => {
    const offenders = walk('src').filter((f) => /^export default /m.test(readFileSync(f, 'utf8')));
    assert.deepEqual(offenders, []);
  });
});
