import { createReadStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import type { OracleClient } from '../../oracle/client';
import { findUsersBatched, primaryWorkEmail, type ScimLookupLearned, type ScimLookupSettings, type ScimUser } from '../../oracle/scimUsers';
import { hasUnprintable } from '../text/printable';

export type IdentifierKind = 'email' | 'username';

export type IdentityProblemKind = 'missing' | 'duplicate' | 'inactive' | 'invalid';

export interface IdentityProblem {
  value: string;
  problem: IdentityProblemKind;
  message: string;
  users?: string[];
  /** Line of the learner file where the row starts (1-based), when the value came from a file. */
  line?: number;
}

export interface IdentityReport {
  by: IdentifierKind;
  summary: { total: number; matched: number; missing: number; duplicate: number; inactive: number; invalid: number };
  problems: IdentityProblem[];
}

/** One learner row of a file: the identifier, where it starts, and why it could not be read (if so). */
export interface LearnerRow {
  value: string;
  line: number;
  /** The row is malformed (an unclosed quote, a stray quote): reported as invalid, the others are still checked. */
  error?: string;
}

export class IdentityFileError extends Error {
  override readonly name = 'IdentityFileError';
  readonly exitCode = 2;
}

/** RFC 5321 section 4.5.3.1: a local part is at most 64 octets; a path at most 256, so an address at most 254. */
export const MAX_LOCAL_PART_OCTETS = 64;
export const MAX_ADDRESS_OCTETS = 254;
/** Longest user name looked up (Oracle documents no limit; a longer value is a broken row, not a user). */
export const MAX_USERNAME_CHARS = 254;

/**
 * Why a learner identifier cannot be a user's (it is reported `invalid` and never sent to the
 * pod), or undefined when it can be looked up.
 */
export function identifierProblem(value: string, by: IdentifierKind): string | undefined {
  if (hasUnprintable(value)) return 'holds a control or invisible character';
  if (by === 'username') {
    if (value.length > MAX_USERNAME_CHARS) return `is ${value.length} characters long; a user name is at most ${MAX_USERNAME_CHARS}`;
    if (/\s/.test(value)) return 'holds whitespace, which no user name has';
    return undefined;
  }
  const octets = Buffer.byteLength(value, 'utf8');
  if (octets > MAX_ADDRESS_OCTETS) return `is ${octets} bytes long; an email address is at most ${MAX_ADDRESS_OCTETS} (RFC 5321)`;
  const at = value.lastIndexOf('@');
  if (at <= 0 || at === value.length - 1 || /\s/.test(value)) return 'not an email address';
  const local = Buffer.byteLength(value.slice(0, at), 'utf8');
  if (local > MAX_LOCAL_PART_OCTETS) return `its local part (before @) is ${local} bytes long; at most ${MAX_LOCAL_PART_OCTETS} (RFC 5321)`;
  if (!/^[^@]+\.[^@.]+$/.test(value.slice(at + 1)) || value.slice(at + 1).includes('..')) return 'not an email address (the domain needs a dot)';
  return undefined;
}

type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be';

/**
 * Decodes a byte stream to text: UTF-8, or UTF-16 LE/BE when the file starts with its byte order
 * mark (Excel's "Unicode text" export); the BOM is dropped. Line ends become LF (a CR LF file keeps
 * the same line numbers as an LF one).
 */
class LearnerFileDecoder extends Transform {
  private decoder?: TextDecoder;
  private head = Buffer.alloc(0);
  private pendingCr = false;

  constructor() {
    super({ readableObjectMode: false, decodeStrings: true });
  }

  private emit_(text: string): void {
    if (!text) return;
    let t = text;
    if (this.pendingCr) {
      t = '\r' + t;
      this.pendingCr = false;
    }
    if (t.endsWith('\r')) {
      this.pendingCr = true;
      t = t.slice(0, -1);
    }
    if (t) this.push(t.replace(/\r\n?/g, '\n'));
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (!this.decoder) {
      this.head = Buffer.concat([this.head, chunk]);
      if (this.head.length < 3) return done();
      let encoding: TextEncodingName = 'utf-8';
      let skip = 0;
      if (this.head[0] === 0xff && this.head[1] === 0xfe) [encoding, skip] = ['utf-16le', 2];
      else if (this.head[0] === 0xfe && this.head[1] === 0xff) [encoding, skip] = ['utf-16be', 2];
      else if (this.head[0] === 0xef && this.head[1] === 0xbb && this.head[2] === 0xbf) skip = 3;
      this.decoder = new TextDecoder(encoding, { ignoreBOM: true });
      chunk = this.head.subarray(skip);
      this.head = Buffer.alloc(0);
    }
    this.emit_(this.decoder.decode(chunk, { stream: true }));
    done();
  }

  override _flush(done: TransformCallback): void {
    if (!this.decoder) {
      const bom = this.head[0] === 0xef && this.head[1] === 0xbb && this.head[2] === 0xbf;
      this.decoder = new TextDecoder('utf-8');
      this.emit_(this.decoder.decode(bom ? this.head.subarray(3) : this.head, { stream: true }));
    }
    this.emit_(this.decoder.decode());
    if (this.pendingCr) this.push('\n');
    done();
  }
}

/** The first record's line, outside quotes (for the delimiter and the header). */
function firstLine(text: string): string {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (c === '\n' && !quoted) return text.slice(0, i);
  }
  return text;
}

/** The field delimiter of a learner file: the most frequent of `,` `;` and tab in its first line (comma when none). */
export function detectDelimiter(headerLine: string): ',' | ';' | '\t' {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const c of headerLine) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === ',' || c === ';' || c === '\t')) counts[c]++;
  }
  const best = (Object.entries(counts) as [',' | ';' | '\t', number][]).sort((a, b) => b[1] - a[1])[0]!;
  return best[1] > 0 ? best[0] : ',';
}

/**
 * Reads learner identifiers from a file, streamed: a CSV with a header (the column named email,
 * work email, username or user name; else the first column), or one identifier per line.
 * Parsed with csv-parse: the delimiter is detected (`,` `;` or tab), quoted fields may span lines,
 * UTF-8 (with or without BOM) and UTF-16 with BOM are read. A malformed row is yielded with its
 * line and an `error`; the rows after it are still read.
 */
export async function* readIdentifiers(path: string, by: IdentifierKind): AsyncGenerator<LearnerRow> {
  const stream = createReadStream(path);
  await new Promise<void>((resolveOpen, reject) => {
    stream.once('open', () => resolveOpen());
    stream.once('error', (err) => reject(new IdentityFileError(`Cannot read ${path}: ${(err as Error).message}.`)));
  });
  const text = stream.pipe(new LearnerFileDecoder());
  stream.once('error', (err) => text.destroy(new IdentityFileError(`Cannot read ${path}: ${(err as Error).message}.`)));
  // The first line decides the delimiter and whether it is a header.
  let head = '';
  const iterator = text[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const buffered: string[] = [];
  while (!head.includes('\n')) {
    const next = await iterator.next();
    if (next.done) break;
    const piece = String(next.value);
    buffered.push(piece);
    head += piece;
    if (head.length > 1 << 20) break;
  }
  const delimiter = detectDelimiter(firstLine(head));
  const skipped: LearnerRow[] = [];
  const parser = parseCsv({
    delimiter,
    info: true,
    raw: true,
    relax_column_count: true,
    // A stray quote inside a field is kept as text (the value then fails validation on its own
    // line); strict quoting loses its place after the first error and swallows the next rows.
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    record_delimiter: '\n',
    on_skip: (err, raw) => {
      skipped.push({ value: (raw ?? '').trim(), line: Number((err as { lines?: unknown } | undefined)?.lines ?? 0), error: err ? err.message.replace(/ at line \d+/, '').split(':')[0]! : 'unreadable row' });
      return undefined;
    },
  });
  const drained = () =>
    new Promise((r) => {
      parser.once('drain', r);
      parser.once('close', r);
    });
  (async () => {
    try {
      for (const piece of buffered) if (!parser.write(piece)) await drained();
      for (;;) {
        if (parser.destroyed) return;
        const next = await iterator.next();
        if (next.done) break;
        if (!parser.write(String(next.value))) await drained();
      }
      parser.end();
    } catch (err) {
      parser.destroy(err as Error);
    }
  })();
  try {
    let column = -1;
    let first = true;
    const wanted = by === 'email' ? ['email', 'workemail', 'emailaddress', 'mail', 'primaryworkemail'] : ['username', 'user', 'login', 'userid'];
    for await (const entry of parser as AsyncIterable<{ record: string[]; info: { lines: number }; raw: string }>) {
      const cells = entry.record;
      const endLine = entry.info.lines;
      // The raw text of the record, without the empty lines before it and its own line end.
      const raw = entry.raw.replace(/^\n+/, '').replace(/\n$/, '');
      const line = endLine - (raw.match(/\n/g)?.length ?? 0);
      // Malformed rows come in file order with the others (the parser reports them ahead).
      while (skipped.length && skipped[0]!.line < line) yield skipped.shift()!;
      if (first) {
        first = false;
        const header = cells.map((h) => h.replace(/^\uFEFF/, '').toLowerCase().replace(/[\s_-]/g, ''));
        const found = header.findIndex((h) => wanted.includes(h));
        const looksLikeHeader = found >= 0 || (cells.length > 1 && !cells.some((c) => c.includes('@')));
        if (looksLikeHeader) {
          column = found >= 0 ? found : 0;
          continue;
        }
      }
      const value = (cells[Math.max(column, 0)] ?? '').trim();
      if (value) yield { value, line };
    }
    while (skipped.length) yield skipped.shift()!;
  } finally {
    // Stopped early (an error, a cancelled check): release the file.
    parser.destroy();
    stream.destroy();
  }
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
  values: Iterable<string | LearnerRow> | AsyncIterable<string | LearnerRow>,
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
  const lines = new Map<string, number>();
  async function* accepted(): AsyncGenerator<string> {
    for await (const raw of values as AsyncIterable<string | LearnerRow>) {
      const row: LearnerRow = typeof raw === 'string' ? { value: raw, line: 0 } : raw;
      const value = row.value.trim();
      const at = row.line > 0 ? { line: row.line } : {};
      if (row.error) {
        // A malformed row: invalid, with its line; the next rows are still checked.
        report.summary.total++;
        addProblem({ value: value.length > 80 ? `${value.slice(0, 77)}...` : value, problem: 'invalid', message: `the row cannot be read: ${row.error}`, ...at });
        continue;
      }
      const key = value.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      report.summary.total++;
      // Checked before any lookup: a value no user can have (too long, control characters) never reaches the pod.
      const problem = identifierProblem(value, by);
      if (problem) {
        addProblem({ value: value.length > 80 ? `${value.slice(0, 77)}...` : value, problem: 'invalid', message: problem, ...at });
        continue;
      }
      if (row.line > 0) lines.set(key, row.line);
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
    const line = lines.get(value.toLowerCase());
    const at = line !== undefined ? { line } : {};
    const candidates = (found.get(value.toLowerCase()) ?? []).filter((u) => userMatches(u, by, value));
    if (candidates.length === 0) {
      addProblem({
        value,
        problem: 'missing',
        message: by === 'email' ? 'no Oracle user has this primary work email' : 'no Oracle user has this user name',
        ...at,
      });
    } else if (candidates.length > 1) {
      addProblem({ value, problem: 'duplicate', message: `${candidates.length} Oracle users share it: completions cannot be matched`, users: candidates.map((u) => u.userName), ...at });
    } else if (!candidates[0]!.active) {
      addProblem({ value, problem: 'inactive', message: `the user ${candidates[0]!.userName} is inactive`, users: [candidates[0]!.userName], ...at });
    } else {
      report.summary.matched++;
    }
  }
  return report;
}
