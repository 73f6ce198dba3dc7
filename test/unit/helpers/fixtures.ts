import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** test/fixtures/, inside the repository: the tests read nothing outside it. */
export const FIXTURES_DIR = resolve(__dirname, '../../fixtures');

/**
 * Reads a committed public test-vector set from test/fixtures/corpora/ (provenance and licences in
 * test/fixtures/README.md). A missing file is a test failure with its own message, never a skip.
 */
export function corpus<T = unknown>(file: string): T {
  const path = resolve(FIXTURES_DIR, 'corpora', file);
  if (!existsSync(path)) throw new Error(`test fixture missing: ${path}. It is committed with the repository (see test/fixtures/README.md); restore it with git.`);
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** A quotation of Oracle's own documentation kept in test/fixtures/oracle/ (source URL inside the file; see test/fixtures/README.md). */
export function oracleFixture<T = unknown>(file: string): T {
  const path = resolve(FIXTURES_DIR, 'oracle', file);
  if (!existsSync(path)) throw new Error(`test fixture missing: ${path}. It is committed with the repository (see test/fixtures/README.md); restore it with git.`);
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}
