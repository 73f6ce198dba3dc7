import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { OracleClient } from '../../oracle/client';
import { findUsersBatched, primaryWorkEmail, type ScimLookupLearned, type ScimLookupSettings, type ScimUser } from '../../oracle/scimUsers';

export type IdentifierKind = 'email' | 'username';

export type IdentityProblemKind = 'missing' | 'duplicate' | 'inactive' | 'invalid';

export interface IdentityProblem {
  value: string;
  problem: IdentityProblemKind;
  message: string;
  users?: string[];
}

export interface IdentityReport {
  by: IdentifierKind;
  summary: { total: number; matched: number; missing: number; duplicate: number; inactive: number; invalid: number };
  problems: IdentityProblem[];
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export class IdentityFileError extends Error {
  override readonly name = 'IdentityFileError';
  readonly exitCode = 2;
}

/**
 * Reads learner identifiers from a file, streamed: a CSV with a header (the column named email,
 * work email, username or user name; else the first column), or one identifier per line.
 */
export async function* readIdentifiers(path: string, by: IdentifierKind): AsyncGenerator<string> {
  const stream = createReadStream(path, { encoding: 'utf8' });
  const opened = new Promise<void>((resolveOpen, reject) => {
    stream.once('open', () => resolveOpen());
    stream.once('error', (err) => reject(new IdentityFileError(`Cannot read ${path}: ${(err as Error).message}.`)));
  });
  await opened;
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let column = -1;
  let first = true;
  for await (const raw of lines) {
    const line = raw.replace(/^\uFEFF/, '').trim();
    if (!line) continue;
    if (first) {
      first = false;
      const header = splitCsv(line).map((h) => h.toLowerCase().replace(/[\s_-]/g, ''));
      const wanted = by === 'email' ? ['email', 'workemail', 'emailaddress', 'mail'] : ['username', 'user', 'login', 'userid'];
      const found = header.findIndex((h) => wanted.includes(h));
      const looksLikeHeader = found >= 0 || (line.includes(',') && !line.includes('@'));
      if (looksLikeHeader) {
        column = found >= 0 ? found : 0;
        continue;
      }
    }
    const cells = column >= 0 || line.includes(',') ? splitCsv(line) : [line];
    const value = (cells[Math.max(column, 0)] ?? '').trim();
    if (value) yield value;
  }
}

/** Minimal RFC 4180 cell split (quotes, doubled quotes). */
export function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** How a learner identifier is matched against a user, as Oracle does when it reads an xAPI statement. */
export function userMatches(user: ScimUser, by: IdentifierKind, value: string): boolean {
  const v = value.toLowerCase();
  if (by === 'username') return user.userName.toLowerCase() === v;
  return primaryWorkEmail(user)?.toLowerCase() === v;
}

/**
 * Checks that each identifier resolves to exactly one active Oracle user, with batched SCIM `or`
 * filters (about 50 identifiers a request, at most 8 in flight). Where the pod refuses a filter
 * form, the lookup adapts (see findUsersBatched) and never reports "missing" for a user it could
 * not look up: it throws ScimLookupError instead.
 */
export async function checkIdentities(
  client: OracleClient,
  values: Iterable<string> | AsyncIterable<string>,
  by: IdentifierKind,
  options: {
    signal?: AbortSignal;
    onProgress?: (done: number) => void;
    maxProblems?: number;
    /** What `oli probe` learnt about the pod's SCIM filters. */
    settings?: ScimLookupSettings;
    onLearn?: (learned: ScimLookupLearned) => void;
    maxScanUsers?: number;
  } = {},
): Promise<IdentityReport> {
  const report: IdentityReport = { by, summary: { total: 0, matched: 0, missing: 0, duplicate: 0, inactive: 0, invalid: 0 }, problems: [] };
  const maxProblems = options.maxProblems ?? 10_000;
  const seen = new Set<string>();
  const addProblem = (p: IdentityProblem) => {
    report.summary[p.problem]++;
    if (report.problems.length < maxProblems) report.problems.push(p);
  };
  const valid: string[] = [];
  async function* accepted(): AsyncGenerator<string> {
    for await (const raw of values as AsyncIterable<string>) {
      const value = raw.trim();
      const key = value.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      report.summary.total++;
      if (by === 'email' && !EMAIL.test(value)) {
        addProblem({ value, problem: 'invalid', message: 'not an email address' });
        continue;
      }
      valid.push(value);
      yield value;
    }
  }
  const found = await findUsersBatched(client, by === 'email' ? 'email' : 'userName', accepted(), {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.settings ? { settings: options.settings } : {}),
    ...(options.onLearn ? { onLearn: options.onLearn } : {}),
    ...(options.maxScanUsers !== undefined ? { maxScanUsers: options.maxScanUsers } : {}),
  });
  for (const value of valid) {
    const candidates = (found.get(value.toLowerCase()) ?? []).filter((u) => userMatches(u, by, value));
    if (candidates.length === 0) {
      addProblem({
        value,
        problem: 'missing',
        message: by === 'email' ? 'no Oracle user has this primary work email' : 'no Oracle user has this user name',
      });
    } else if (candidates.length > 1) {
      addProblem({ value, problem: 'duplicate', message: `${candidates.length} Oracle users share it: completions cannot be matched`, users: candidates.map((u) => u.userName) });
    } else if (!candidates[0]!.active) {
      addProblem({ value, problem: 'inactive', message: `the user ${candidates[0]!.userName} is inactive`, users: [candidates[0]!.userName] });
    } else {
      report.summary.matched++;
    }
  }
  return report;
}
