/**
 * Inspecting many xAPI statements: one statement, a JSON array, or NDJSON (one statement per line).
 * NDJSON is streamed line by line (readline), so a file of any size runs in constant memory; a single
 * JSON document (object or array) is limited to MAX_DOCUMENT_BYTES.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { InspectError, MAX_DOCUMENT_BYTES, assertSize } from './errors';
import { oracleReadingOfStatement, type OracleReading } from './xapi-oracle';
import { validateXapiStatement, type XapiError, type XapiVersion } from './xapi-validate';

export interface XapiStatementResult {
  /** 0-based position among the statements. */
  index: number;
  /** 1-based line in the input (NDJSON), or null for statements of a JSON document. */
  line: number | null;
  valid: boolean;
  errors: XapiError[];
  oracle: OracleReading;
}

export interface XapiSummary {
  total: number;
  valid: number;
  invalid: number;
}

export interface XapiInspection {
  results: XapiStatementResult[];
  summary: XapiSummary;
}

export interface InspectXapiOptions {
  /** xAPI version to validate against (default 1.0.3). */
  version?: XapiVersion;
}

/** Validates one parsed statement and adds Oracle's reading. */
export function inspectXapiStatement(statement: unknown, index: number, line: number | null, options: InspectXapiOptions = {}): XapiStatementResult {
  const v = validateXapiStatement(statement, options.version ? { version: options.version } : {});
  return { index, line, valid: v.valid, errors: v.errors, oracle: oracleReadingOfStatement(statement) };
}

function notJsonLine(index: number, line: number, err: unknown): XapiStatementResult {
  return {
    index,
    line,
    valid: false,
    errors: [{ path: '', message: `line ${line} is not JSON (${(err as Error).message}); NDJSON needs one complete statement per line` }],
    oracle: oracleReadingOfStatement(undefined),
  };
}

/**
 * Streams results for NDJSON lines (blank lines skipped). A line that is not JSON gives an invalid
 * result rather than stopping the stream.
 */
export async function* inspectXapiLines(lines: AsyncIterable<string> | Iterable<string>, options: InspectXapiOptions = {}, firstLine = 1, firstIndex = 0): AsyncGenerator<XapiStatementResult> {
  let index = firstIndex;
  let lineNo = firstLine - 1;
  for await (const raw of lines) {
    lineNo++;
    const text = raw.trim();
    if (text === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      yield notJsonLine(index++, lineNo, err);
      continue;
    }
    yield inspectXapiStatement(parsed, index++, lineNo, options);
  }
}

/** Results for a parsed JSON document: an array of statements or one statement. */
export function inspectXapiDocument(doc: unknown, options: InspectXapiOptions = {}): XapiStatementResult[] {
  const list = Array.isArray(doc) ? doc : [doc];
  return list.map((s, i) => inspectXapiStatement(s, i, null, options));
}

/**
 * Inspects pasted/selected text: one statement, an array, or NDJSON. For the webview and small inputs.
 * Throws InspectError('not-json') when the text is none of these.
 */
export function inspectXapiText(text: string, options: InspectXapiOptions = {}): XapiInspection {
  assertSize(Buffer.byteLength(text, 'utf8'), 'The xAPI input');
  const trimmed = text.trim();
  if (trimmed === '') throw new InspectError('empty', 'The xAPI input is empty; give one statement, an array of statements or NDJSON');
  let results: XapiStatementResult[];
  try {
    results = inspectXapiDocument(JSON.parse(trimmed), options);
  } catch (err) {
    if (!trimmed.startsWith('{')) throw new InspectError('not-json', `The xAPI input is not JSON (${(err as Error).message}); give one statement, an array of statements or NDJSON`);
    const lines = trimmed.split(/\r?\n/);
    if (lines.length < 2) throw new InspectError('not-json', `The xAPI input is not JSON (${(err as Error).message})`);
    results = [];
    let index = 0;
    lines.forEach((l, i) => {
      const t = l.trim();
      if (t === '') return;
      try {
        results.push(inspectXapiStatement(JSON.parse(t), index++, i + 1, options));
      } catch (e) {
        results.push(notJsonLine(index++, i + 1, e));
      }
    });
    if (results.every((r) => r.errors[0]?.message.includes('is not JSON'))) {
      throw new InspectError('not-json', `The xAPI input is not JSON (${(err as Error).message})`);
    }
  }
  return { results, summary: summarize(results) };
}

export function summarize(results: Iterable<XapiStatementResult>): XapiSummary {
  const s: XapiSummary = { total: 0, valid: 0, invalid: 0 };
  for (const r of results) {
    s.total++;
    if (r.valid) s.valid++;
    else s.invalid++;
  }
  return s;
}

/**
 * Inspects a file (or a readable stream such as stdin) holding one statement, an array, or NDJSON,
 * yielding results in batches (one batch per chunk read; constant memory for NDJSON). NDJSON is
 * detected when the first non-blank line is a complete JSON value; otherwise the input is one JSON
 * document, refused above MAX_DOCUMENT_BYTES. Throws InspectError for unreadable or non-JSON input.
 */
export async function* inspectXapiBatches(source: string | Readable, options: InspectXapiOptions = {}): AsyncGenerator<XapiStatementResult[]> {
  let size: number | null = null;
  if (typeof source === 'string') {
    try {
      const st = await stat(source);
      if (!st.isFile()) throw new InspectError('unreadable', `${source} is not a file`);
      size = st.size;
    } catch (err) {
      if (err instanceof InspectError) throw err;
      throw new InspectError('unreadable', `Cannot read ${source}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  // 64 KB reads: a batch (about a hundred statements) dies young; 1 MB batches outlived the young
  // generation and cost a quarter of the run in garbage collection on 100,000 statements.
  const input = typeof source === 'string' ? createReadStream(source, { highWaterMark: 1 << 16 }) : source;
  const DOC_TOO_LARGE = 'The xAPI JSON document (use NDJSON, one statement per line, for large inputs)';
  let mode: 'unknown' | 'ndjson' | 'document' = 'unknown';
  let lineNo = 0;
  let index = 0;
  const docParts: string[] = [];
  let docBytes = 0;
  try {
    for await (const lines of splitLineBatches(input)) {
      if (mode === 'ndjson') {
        const out: XapiStatementResult[] = [];
        for (const line of lines) {
          lineNo++;
          if (line.length === 0 || line.trim() === '') continue;
          out.push(inspectLine(line, index++, lineNo, options));
        }
        if (out.length) yield out;
        continue;
      }
      if (mode === 'document') {
        for (const line of lines) {
          docBytes += Buffer.byteLength(line) + 1;
          docParts.push(line);
        }
        assertSize(docBytes, DOC_TOO_LARGE);
        continue;
      }
      // Decide on the first non-blank line.
      let i = 0;
      while (i < lines.length && lines[i]!.trim() === '') {
        i++;
        lineNo++;
      }
      if (i === lines.length) continue;
      const head = lines[i]!.trim();
      let complete = false;
      if (head.startsWith('{')) {
        try {
          JSON.parse(head);
          complete = true;
        } catch {
          /* a pretty-printed document */
        }
      }
      if (complete) {
        mode = 'ndjson';
        const out: XapiStatementResult[] = [];
        for (; i < lines.length; i++) {
          lineNo++;
          const line = lines[i]!;
          if (line.trim() === '') continue;
          out.push(inspectLine(line, index++, lineNo, options));
        }
        if (out.length) yield out;
        continue;
      }
      if (!head.startsWith('{') && !head.startsWith('[')) {
        throw new InspectError('not-json', 'The xAPI input is not JSON: expected a statement ({...}), an array ([...]) or NDJSON (one statement per line)');
      }
      mode = 'document';
      if (size !== null) assertSize(size, DOC_TOO_LARGE);
      for (; i < lines.length; i++) {
        docBytes += Buffer.byteLength(lines[i]!) + 1;
        docParts.push(lines[i]!);
      }
      assertSize(docBytes, DOC_TOO_LARGE);
    }
  } finally {
    if (typeof source === 'string') input.destroy();
  }
  if (mode === 'unknown') throw new InspectError('empty', 'The xAPI input is empty; give one statement, an array of statements or NDJSON');
  if (mode === 'document') {
    let doc: unknown;
    try {
      doc = JSON.parse(docParts.join('\n'));
    } catch (err) {
      throw new InspectError('not-json', `The xAPI input is not valid JSON (${(err as Error).message}); give one statement, an array of statements or NDJSON`);
    }
    yield inspectXapiDocument(doc, options);
  }
}

/** One NDJSON line: its statement inspected, or an invalid result when it is not JSON. */
export function inspectLine(line: string, index: number, lineNo: number, options: InspectXapiOptions): XapiStatementResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (err) {
    return notJsonLine(index, lineNo, err);
  }
  return inspectXapiStatement(parsed, index, lineNo, options);
}

/** Same as inspectXapiBatches, one result at a time. */
export async function* inspectXapiStream(source: string | Readable, options: InspectXapiOptions = {}): AsyncGenerator<XapiStatementResult> {
  for await (const batch of inspectXapiBatches(source, options)) yield* batch;
}

/**
 * Lines of a byte or text stream (LF or CRLF, without the break), one array per chunk read. Faster
 * than node:readline for large NDJSON: chunks are split with indexOf and each line decoded once.
 */
export async function* splitLineBatches(input: AsyncIterable<Buffer | string>): AsyncGenerator<string[]> {
  let carry: Buffer | null = null;
  for await (const chunk of input) {
    const buf: Buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    const lines: string[] = [];
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(10, start);
      if (nl < 0) break;
      let end = nl;
      if (carry) {
        // The line began in the previous chunk: join only its two pieces.
        const whole = Buffer.concat([carry, buf.subarray(0, nl)]);
        carry = null;
        lines.push(whole.toString('utf8', 0, whole.length > 0 && whole[whole.length - 1] === 13 ? whole.length - 1 : whole.length));
      } else {
        if (end > start && buf[end - 1] === 13) end--;
        lines.push(buf.toString('utf8', start, end));
      }
      start = nl + 1;
    }
    if (start < buf.length) {
      carry = carry ? Buffer.concat([carry, buf.subarray(start)]) : Buffer.from(buf.subarray(start));
      if (carry.length > MAX_DOCUMENT_BYTES) assertSize(carry.length, 'A single line of the xAPI input');
    }
    if (lines.length) yield lines;
  }
  if (carry && carry.length) {
    const end = carry[carry.length - 1] === 13 ? carry.length - 1 : carry.length;
    yield [carry.toString('utf8', 0, end)];
  }
}
