/**
 * Target 3 (issue 6, raised to 4x by issue 13): `oli inspect xapi FILE --json` on 100,000 NDJSON statements is at least 4x
 * faster, as a whole process, than a script running @learninglocker/xapi-validation on the same
 * file (bench/xapi-peer.cjs: same streaming, one verdict per statement), with the same or better
 * agreement with the ADL LRS conformance suite (test/fixtures/corpora, 1.0.3, every case run through
 * both processes as NDJSON).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { CLI, ROOT, median, round, runNode, runNodeMaxRss, BenchError } from './lib/measure';
import { writeXapiNdjson } from './lib/xapiCorpus';
import type { Figure } from './lib/report';

export const XAPI_STATEMENTS = 100_000;
/** Issue 12: `oli inspect xapi -` on 100,000 statements stays under this peak resident memory. */
export const XAPI_STDIN_MAX_RSS_MB = 150;
/** Issue 13, point 6: at least this many times faster than the peer, whole processes. */
export const XAPI_MIN_RATIO = 4;
const PEER = resolve(ROOT, 'bench', 'xapi-peer.cjs');
const RUNS = 5;

interface Verdicts {
  total: number;
  valid: number;
  /** verdict per 0-based statement index */
  byIndex: boolean[];
}

function oliVerdicts(text: string): Verdicts {
  const doc = JSON.parse(text) as { results: { index: number; valid: boolean }[]; summary: { total: number; valid: number } };
  const byIndex: boolean[] = [];
  for (const r of doc.results) byIndex[r.index] = r.valid;
  return { total: doc.summary.total, valid: doc.summary.valid, byIndex };
}

function peerVerdicts(text: string): Verdicts {
  const byIndex: boolean[] = [];
  let summary = { total: 0, valid: 0 };
  for (const line of text.split('\n')) {
    if (!line) continue;
    const o = JSON.parse(line) as { index?: number; valid?: boolean; summary?: { total: number; valid: number } };
    if (o.summary) summary = o.summary;
    else byIndex[o.index!] = o.valid!;
  }
  return { ...summary, byIndex };
}

export function adlCorpusPath(): string {
  return resolve(ROOT, 'test', 'fixtures', 'corpora', 'xapi-lrs-cts-v1_0_3.json');
}

export async function benchXapi(log: (s: string) => void = console.log): Promise<Figure[]> {
  log(`xAPI validation (${XAPI_STATEMENTS} NDJSON statements)`);
  const dir = mkdtempSync(join(tmpdir(), 'oli-bench-xapi-'));
  try {
    const file = join(dir, 'statements.ndjson');
    const made = await writeXapiNdjson(file, XAPI_STATEMENTS);
    log(`  generated ${made.count} statements (${made.invalid} made invalid), ${round(made.bytes / 1e6, 1)} MB`);
    const oliTimes: number[] = [];
    const peerTimes: number[] = [];
    let oli: Verdicts | undefined;
    let peer: Verdicts | undefined;
    for (let i = 0; i < RUNS; i++) {
      // Interleaved, so that both see the same machine load.
      const o = await runNode([CLI, 'inspect', 'xapi', file, '--json'], { stdoutFile: join(dir, 'oli.json'), timeoutMs: 300_000 });
      if (o.code !== 1) throw new BenchError('exit-code', `oli inspect xapi exited ${o.code} (expected 1: invalid statements found): ${o.stderr.slice(0, 300)}`);
      const p = await runNode([PEER, file], { stdoutFile: join(dir, 'peer.ndjson'), timeoutMs: 300_000 });
      if (p.code !== 0) throw new BenchError('exit-code', `the peer script exited ${p.code}: ${p.stderr.slice(0, 300)}`);
      oliTimes.push(o.ms);
      peerTimes.push(p.ms);
      if (i === 0) {
        oli = oliVerdicts(readFileSync(join(dir, 'oli.json'), 'utf8'));
        peer = peerVerdicts(readFileSync(join(dir, 'peer.ndjson'), 'utf8'));
      }
    }
    const ratio = median(peerTimes) / median(oliTimes);
    let same = 0;
    for (let i = 0; i < XAPI_STATEMENTS; i++) if (oli!.byIndex[i] === peer!.byIndex[i]) same++;
    log(`  oli ${oliTimes.map((t) => round(t)).join(', ')} ms; peer ${peerTimes.map((t) => round(t)).join(', ')} ms; ratio ${round(ratio, 2)}; verdicts equal on ${same}`);

    // Agreement with the ADL suite, through both whole processes.
    const corpusPath = adlCorpusPath();
    if (!existsSync(corpusPath)) throw new BenchError('setup', `the ADL corpus is missing: ${corpusPath} (committed with the repository: restore it with git; see test/fixtures/README.md)`);
    const cases = JSON.parse(readFileSync(corpusPath, 'utf8')) as { statement: unknown; expectValid: boolean }[];
    const adl = join(dir, 'adl.ndjson');
    writeFileSync(adl, cases.map((c) => JSON.stringify(c.statement)).join('\n') + '\n');
    const ao = await runNode([CLI, 'inspect', 'xapi', adl, '--json'], { stdoutFile: join(dir, 'adl-oli.json'), timeoutMs: 60_000 });
    const ap = await runNode([PEER, adl], { stdoutFile: join(dir, 'adl-peer.ndjson'), timeoutMs: 60_000 });
    if (ao.code === 2 || ap.code !== 0) throw new BenchError('exit-code', `ADL run failed: oli ${ao.code} ${ao.stderr.slice(0, 200)}; peer ${ap.code} ${ap.stderr.slice(0, 200)}`);
    const vo = oliVerdicts(readFileSync(join(dir, 'adl-oli.json'), 'utf8'));
    const vp = peerVerdicts(readFileSync(join(dir, 'adl-peer.ndjson'), 'utf8'));
    const agree = (v: Verdicts) => cases.filter((c, i) => v.byIndex[i] === c.expectValid).length;
    const ao1 = agree(vo);
    const ap1 = agree(vp);
    log(`  ADL 1.0.3 suite (${cases.length} cases): oli agrees on ${ao1}, peer on ${ap1}`);
    const command = `node dist/cli.js inspect xapi statements.ndjson --json  vs  node bench/xapi-peer.cjs statements.ndjson`;
    const memory = await xapiMemory(file, dir, log);
    return [
      memory,
      {
        id: 'xapi.speed',
        figure: `\`oli inspect xapi --json\` on ${XAPI_STATEMENTS.toLocaleString('en')} NDJSON statements vs @learninglocker/xapi-validation script, whole processes`,
        value: round(ratio, 2),
        unit: 'x faster',
        bound: `>= ${XAPI_MIN_RATIO}`,
        pass: ratio >= XAPI_MIN_RATIO,
        detail: `oli ${round(median(oliTimes))} ms, peer ${round(median(peerTimes))} ms (medians of ${RUNS} interleaved runs); ${made.invalid} statements made invalid; the two agree on ${same} of ${XAPI_STATEMENTS} verdicts`,
        command,
      },
      {
        id: 'xapi.agreement',
        figure: `Agreement with the ADL LRS conformance suite 1.0.3 (${cases.length} cases)`,
        value: `${round((100 * ao1) / cases.length, 1)}% vs ${round((100 * ap1) / cases.length, 1)}%`,
        unit: '(oli vs peer)',
        bound: 'oli >= peer',
        pass: ao1 >= ap1,
        detail: `oli ${ao1}/${cases.length}, peer ${ap1}/${cases.length}; both run as whole processes on the suite's statements as NDJSON`,
        command: `node dist/cli.js inspect xapi adl.ndjson --json  vs  node bench/xapi-peer.cjs adl.ndjson`,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Peak resident memory of `oli inspect xapi - --json` with the statements piped to standard input
 * (streamed), next to the same file given by name: NDJSON from stdin runs in the memory of a file.
 */
async function xapiMemory(file: string, dir: string, log: (s: string) => void): Promise<Figure> {
  const fromStdin = await runNodeMaxRss([CLI, 'inspect', 'xapi', '-', '--json'], { stdinFile: file, stdoutFile: join(dir, 'stdin.json'), timeoutMs: 300_000 });
  if (fromStdin.code !== 1) throw new BenchError('exit-code', `oli inspect xapi - exited ${fromStdin.code}: ${fromStdin.stderr.slice(0, 300)}`);
  const fromFile = await runNodeMaxRss([CLI, 'inspect', 'xapi', file, '--json'], { stdoutFile: join(dir, 'file.json'), timeoutMs: 300_000 });
  log(`  peak resident memory: stdin ${round(fromStdin.maxRssMb)} MB, file ${round(fromFile.maxRssMb)} MB`);
  return {
    id: 'xapi.stdin-memory',
    figure: `Peak resident memory of \`oli inspect xapi - --json\` on ${XAPI_STATEMENTS.toLocaleString('en')} NDJSON statements from standard input`,
    value: round(fromStdin.maxRssMb),
    unit: 'MB',
    bound: `< ${XAPI_STDIN_MAX_RSS_MB}`,
    pass: fromStdin.maxRssMb < XAPI_STDIN_MAX_RSS_MB,
    detail: `the same file given by name: ${round(fromFile.maxRssMb)} MB (process.resourceUsage().maxRSS, bench/maxrss-probe.cjs)`,
    command: 'cat statements.ndjson | node --require ./bench/maxrss-probe.cjs dist/cli.js inspect xapi - --json',
  };
}

/** `node --import tsx bench/xapi.bench.ts --memory`: the memory figure alone. */
async function memoryOnly(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'oli-bench-xapi-'));
  try {
    const file = join(dir, 'statements.ndjson');
    await writeXapiNdjson(file, XAPI_STATEMENTS);
    return [await xapiMemory(file, dir, console.log)];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  (process.argv.includes('--memory') ? memoryOnly() : benchXapi()).then(
    (f) => console.log(JSON.stringify(f, null, 2)),
    (e) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
