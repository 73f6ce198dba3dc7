/**
 * `oli inspect xapi`, batch by batch: each batch of results as text (the documented JSON shape,
 * results joined by commas, or lines for a person) with its counts, in input order.
 *
 * NDJSON from a file or standard input is inspected by worker threads (one per core, at most 4)
 * when the built CLI's worker file is there (dist/cli/xapiWorker.mjs): the main thread reads the
 * bytes, cuts them at line ends and counts their lines and statements (so each chunk knows its
 * first line and statement number), the workers decode, parse, validate and print the chunks they
 * are handed (transferred, not copied), and the main thread writes their text in order. A JSON
 * document, one core, or the sources (the unit tests) run on the main thread (inspectXapiBatches).
 * OLI_XAPI_THREADS sets the number of worker threads (1: none).
 */
import { createReadStream, existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { isAscii } from 'node:buffer';
import { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { inspectLine, inspectXapiBatches, type InspectXapiOptions, type XapiStatementResult } from '../core/inspect/xapi-stream';
import { xapiHuman, xapiResultJsonText } from './xapiOutput';

export type XapiFormat = 'json' | 'human';

/** Printed results: JSON texts joined by commas, or lines for a person; and their counts. */
export interface XapiTextBatch {
  text: string;
  total: number;
  valid: number;
  invalid: number;
}

/** A worker's answer: the same, its text as UTF-8 bytes (transferred, not copied, and written as they are). */
export interface XapiBytesBatch {
  bytes: Uint8Array;
  total: number;
  valid: number;
  invalid: number;
}

/** A chunk of whole NDJSON lines for a worker: its bytes, its first line's number and first statement's. */
export interface XapiChunkJob {
  id: number;
  bytes: Uint8Array;
  firstLine: number;
  firstIndex: number;
  options: InspectXapiOptions;
  format: XapiFormat;
}

/** Prints results one by one into a batch (its text and counts). */
class BatchPrinter {
  private readonly texts: string[] = [];
  private valid = 0;
  constructor(private readonly format: XapiFormat) {}

  add(r: XapiStatementResult): void {
    if (r.valid) this.valid++;
    this.texts.push(this.format === 'json' ? xapiResultJsonText(r) : xapiHuman(r));
  }

  batch(): XapiTextBatch {
    const total = this.texts.length;
    return { text: this.texts.join(this.format === 'json' ? ',' : ''), total, valid: this.valid, invalid: total - this.valid };
  }
}

export function formatResults(results: XapiStatementResult[], format: XapiFormat): XapiTextBatch {
  const printer = new BatchPrinter(format);
  for (const r of results) printer.add(r);
  return printer.batch();
}

const LF = 10;
const CR = 13;
const OPEN_BRACE = 123;

/** Calls `each(start, end)` for every line of `bytes` (LF or CRLF; the end excludes the break; a last line without one counts). */
function eachLine(bytes: Uint8Array, each: (start: number, end: number) => void): void {
  let start = 0;
  while (start < bytes.length) {
    let nl = bytes.indexOf(LF, start);
    if (nl < 0) nl = bytes.length;
    each(start, nl > start && bytes[nl - 1] === CR ? nl - 1 : nl);
    start = nl + 1;
  }
}

/** Whether a line holds nothing (as `line.trim() === ''` says: it is skipped and counts no statement). */
function isBlank(buf: Buffer, start: number, end: number): boolean {
  if (end === start) return true;
  if (buf[start] === OPEN_BRACE) return false;
  return buf.toString('utf8', start, end).trim() === '';
}

/** The lines and statements of a chunk of whole lines. */
export function countChunk(bytes: Uint8Array): { lines: number; statements: number } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let lines = 0;
  let statements = 0;
  eachLine(buf, (s, e) => {
    lines++;
    if (!isBlank(buf, s, e)) statements++;
  });
  return { lines, statements };
}

/** A batch's text as UTF-8 bytes in a buffer of their own (so that it can be transferred). */
export function batchBytes(b: XapiTextBatch): XapiBytesBatch {
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(b.text, 'utf8'));
  bytes.write(b.text, 'utf8');
  return { bytes, total: b.total, valid: b.valid, invalid: b.invalid };
}

/** A chunk of whole NDJSON lines inspected and printed (a worker's job). */
export function chunkText(job: Omit<XapiChunkJob, 'id'>): XapiTextBatch {
  const buf = Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength);
  const printer = new BatchPrinter(job.format);
  let line = job.firstLine;
  let index = job.firstIndex;
  // Bytes below 0x80 read the same as UTF-8 and as Latin-1, which decodes without checking sequences.
  const encoding = isAscii(buf) ? 'latin1' : 'utf8';
  eachLine(buf, (s, e) => {
    // Printed at once: the parsed statement dies young (a cheap scavenge), not with the whole chunk.
    if (!isBlank(buf, s, e)) printer.add(inspectLine(buf.toString(encoding, s, e), index++, line, job.options));
    line++;
  });
  return printer.batch();
}

function threadCount(env: NodeJS.ProcessEnv): number {
  const asked = Number(env.OLI_XAPI_THREADS);
  if (Number.isInteger(asked) && asked >= 1) return Math.min(asked, 16);
  return Math.min(availableParallelism(), 4);
}

/** Worker threads that print chunks; each answer is matched to its job by id. */
class ChunkPool {
  private readonly workers: Worker[] = [];
  /** Jobs each worker has not answered yet: the next job goes to the least busy. */
  private readonly busy: number[] = [];
  private readonly waiting = new Map<number, { worker: number; resolve: (b: XapiBytesBatch) => void; reject: (e: unknown) => void }>();
  private failure?: Error;

  constructor(file: string, count: number) {
    for (let i = 0; i < count; i++) {
      // Each statement is printed as soon as it is read, so its garbage dies young: a small young generation
      // keeps the scavenges in cache (measured against 2, 4, 16, 32 and 64 MB with 128 KB chunks).
      const w = new Worker(file, { resourceLimits: { maxYoungGenerationSizeMb: 8 } });
      w.on('message', (m: { id: number; batch?: XapiBytesBatch; error?: string }) => {
        const entry = this.waiting.get(m.id);
        if (!entry) return;
        this.waiting.delete(m.id);
        this.busy[entry.worker]!--;
        if (m.batch) entry.resolve(m.batch);
        else entry.reject(new Error(`an xAPI worker thread failed: ${m.error ?? 'no reason given'}`));
      });
      w.on('error', (err) => this.fail(err));
      w.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`an xAPI worker thread stopped (exit code ${code})`));
      });
      this.workers.push(w);
      this.busy.push(0);
    }
  }

  run(job: XapiChunkJob): Promise<XapiBytesBatch> {
    if (this.failure) return Promise.reject(this.failure);
    let worker = 0;
    for (let i = 1; i < this.workers.length; i++) if (this.busy[i]! < this.busy[worker]!) worker = i;
    this.busy[worker]!++;
    return new Promise((resolve, reject) => {
      this.waiting.set(job.id, { worker, resolve, reject });
      this.workers[worker]!.postMessage(job, [job.bytes.buffer as ArrayBuffer]);
    });
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const entry of this.waiting.values()) entry.reject(err);
    this.waiting.clear();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** The first non-blank line says NDJSON when it is a complete JSON object (as inspectXapiBatches decides). */
function firstLineSaysNdjson(buf: Buffer): boolean | undefined {
  let answer: boolean | undefined;
  let start = 0;
  while (answer === undefined && start < buf.length) {
    const nl = buf.indexOf(LF, start);
    if (nl < 0) return undefined; // not a whole line yet
    const head = buf.toString('utf8', start, nl > start && buf[nl - 1] === CR ? nl - 1 : nl).trim();
    start = nl + 1;
    if (head === '') continue;
    if (!head.startsWith('{')) return false;
    try {
      JSON.parse(head);
      answer = true;
    } catch {
      answer = false;
    }
  }
  return answer;
}

/** The inspected input as printed text, batch by batch, in input order. */
export async function* xapiTextBatches(source: string | Readable, options: InspectXapiOptions, format: XapiFormat, env: NodeJS.ProcessEnv = process.env): AsyncGenerator<XapiTextBatch | XapiBytesBatch> {
  const workerFile = join(__dirname, 'xapiWorker.mjs');
  const threads = threadCount(env);
  if (threads < 2 || !existsSync(workerFile)) {
    for await (const results of inspectXapiBatches(source, options)) yield formatResults(results, format);
    return;
  }
  // The head of the input decides between NDJSON (here) and one JSON document (inspectXapiBatches).
  // 128 KB reads: a chunk's results die young in the worker (larger chunks measured slower, with more memory).
  const input = typeof source === 'string' ? createReadStream(source, { highWaterMark: 1 << 17 }) : source;
  const chunks = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const head: Buffer[] = [];
  let ndjson: boolean | undefined;
  try {
    while (ndjson === undefined) {
      const next = await chunks.next();
      if (next.done) break;
      head.push(typeof next.value === 'string' ? Buffer.from(next.value, 'utf8') : next.value);
      const joined = Buffer.concat(head);
      ndjson = firstLineSaysNdjson(joined);
      // A first line longer than the inspector's document limit: left to inspectXapiBatches to refuse.
      if (ndjson === undefined && joined.length > 10 * 1024 * 1024) ndjson = false;
    }
  } catch (err) {
    if (typeof source === 'string') input.destroy();
    // An unreadable file: inspectXapiBatches says so the usual way.
    if (typeof source === 'string') {
      for await (const results of inspectXapiBatches(source, options)) yield formatResults(results, format);
      return;
    }
    throw err;
  }
  if (!ndjson) {
    if (typeof source === 'string') {
      input.destroy();
      for await (const results of inspectXapiBatches(source, options)) yield formatResults(results, format);
    } else {
      const rest = async function* () {
        yield* head;
        for (;;) {
          const next = await chunks.next();
          if (next.done) return;
          yield next.value;
        }
      };
      for await (const results of inspectXapiBatches(Readable.from(rest()), options)) yield formatResults(results, format);
    }
    return;
  }
  const pool = new ChunkPool(workerFile, threads);
  const queue: Promise<XapiBytesBatch>[] = [];
  let id = 0;
  let line = 1;
  let index = 0;
  /** Hands a worker whole lines in a buffer of their own (transferred to it). */
  const dispatch = (own: Uint8Array) => {
    const counts = countChunk(own);
    const answer = pool.run({ id: id++, bytes: own, firstLine: line, firstIndex: index, options, format });
    answer.catch(() => undefined); // awaited in order below, where a failure is thrown
    queue.push(answer);
    line += counts.lines;
    index += counts.statements;
  };
  // The bytes after the last line end so far (a copy: the read buffers come from a shared pool).
  let carry: Buffer = Buffer.alloc(0);
  const take = (chunk: Buffer) => {
    const last = chunk.lastIndexOf(LF);
    if (last < 0) {
      carry = Buffer.concat([carry, chunk]);
      return;
    }
    // One copy of each byte: the carried line's start and this chunk's whole lines, into the worker's buffer.
    const own = new Uint8Array(carry.length + last + 1);
    own.set(carry, 0);
    own.set(chunk.subarray(0, last + 1), carry.length);
    carry = Buffer.from(chunk.subarray(last + 1));
    dispatch(own);
  };
  try {
    for (const chunk of head) take(chunk);
    for (;;) {
      // At most two chunks per thread in flight: memory stays bounded whatever the input's size.
      while (queue.length >= threads * 2) yield await queue.shift()!;
      const next = await chunks.next();
      if (next.done) break;
      take(typeof next.value === 'string' ? Buffer.from(next.value, 'utf8') : next.value);
    }
    if (carry.length) dispatch(new Uint8Array(carry));
    while (queue.length) yield await queue.shift()!;
  } finally {
    if (typeof source === 'string') input.destroy();
    await pool.close();
  }
}
