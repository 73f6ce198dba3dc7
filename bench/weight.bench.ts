/**
 * Target 4 (issue 6): nothing activates at VS Code start-up (package.json activationEvents has no
 * "*" and no onStartupFinished); activation (bundle load + activate) at most 50 ms; a cold
 * `oli --version` at most 150 ms.
 *
 * Issue 13, point 6 ("lighter, faster"), on the production build `npm run package` makes:
 * - each webview bundle (dist/webview/*.js) at most 150 KB and without zod (its esbuild metafile
 *   lists no node_modules/zod input, and the text holds none of zod's markers);
 * - loading the `status` command: a node process that only imports dist/cli/status.mjs (and the
 *   chunks it imports), minus a bare `node -e 0`, interleaved, medians: at most 60 ms;
 * - dist/runtime.js (what the activation shell requires once activated): the activation probe with
 *   --runtime (it requires runtime.js after activate()) minus the same probe without it, new
 *   processes, interleaved, medians: at most 120 ms;
 * - the .vsix at most 600 KB.
 *
 * Activation is measured outside VS Code (bench/activation-probe.cjs): require() of the
 * dist/extension.js shipped in the .vsix plus activate() with a minimal vscode stub, in a new node
 * process. It is the extension's own cost, not the extension host's.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, ROOT, cliStartupMs, median, round, runNode, BenchError } from './lib/measure';
import type { Figure } from './lib/report';

const PROBE = join(ROOT, 'bench', 'activation-probe.cjs');
/** Issue 13, point 6. */
export const WEBVIEW_MAX_KB = 150;
export const STATUS_LOAD_MAX_MS = 60;
export const RUNTIME_LOAD_MAX_MS = 120;
export const VSIX_MAX_KB = 600;
const KB = 1024;
/** Runs of each side of an interleaved load-time comparison. */
const LOAD_RUNS = 21;
/** The esbuild metafiles scripts/build.mjs writes for each bundle. */
const META_DIR = join(ROOT, 'out', 'build-meta');
/** Texts only zod's code holds (class names it registers, its internals' property). */
const ZOD_MARKERS = [/["'`]\$?ZodType["'`]/, /["'`]ZodObject["'`]/, /\._zod\b/];

interface Metafile {
  inputs: Record<string, { bytes: number }>;
  outputs: Record<string, { bytes: number; inputs: Record<string, { bytesInOutput: number }>; imports: { path: string; kind: string; external?: boolean }[]; entryPoint?: string }>;
}

function readMeta(name: string): Metafile {
  const file = join(META_DIR, `${name}.json`);
  if (!existsSync(file)) throw new BenchError('missing-build', `${file} is missing: scripts/build.mjs writes it (run npm run package)`);
  return JSON.parse(readFileSync(file, 'utf8')) as Metafile;
}

/** The size of a package's inputs in an output, by package name (node_modules/<name>/...). */
function packageBytes(output: Metafile['outputs'][string], pkg: string): number {
  let bytes = 0;
  for (const [input, v] of Object.entries(output.inputs)) if (input.includes(`node_modules/${pkg}/`)) bytes += v.bytesInOutput;
  return bytes;
}

/** Each dist/webview/*.js: its size and whether zod is in it (metafile inputs and zod's markers in the text). */
function webviewFigures(): Figure[] {
  const dir = join(ROOT, 'dist', 'webview');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.js')).sort() : [];
  if (!files.length) throw new BenchError('missing-build', 'dist/webview/*.js: no webview bundle (run npm run package)');
  return files.map((f) => {
    const bytes = statSync(join(dir, f)).size;
    const text = readFileSync(join(dir, f), 'utf8');
    const meta = readMeta(`webview-${f.replace(/\.js$/, '')}`);
    const out = Object.entries(meta.outputs).find(([k]) => k.endsWith(`dist/webview/${f}`))?.[1];
    if (!out) throw new BenchError('setup', `out/build-meta/webview-${f.replace(/\.js$/, '')}.json does not describe dist/webview/${f}`);
    const zodBytes = packageBytes(out, 'zod');
    const markers = ZOD_MARKERS.filter((m) => m.test(text)).map(String);
    const noZod = zodBytes === 0 && markers.length === 0;
    const biggest = Object.entries(out.inputs)
      .map(([k, v]) => [k.replace(/^.*node_modules\//, ''), v.bytesInOutput] as const)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([k, v]) => `${k} ${round(v / KB, 1)} KB`)
      .join(', ');
    return {
      id: `weight.webview.${f.replace(/\.js$/, '')}`,
      figure: `Webview bundle dist/webview/${f} (production build): size, and no zod`,
      value: `${round(bytes / KB, 1)} KB, ${noZod ? 'no zod' : 'zod'}`,
      unit: '',
      bound: `<= ${WEBVIEW_MAX_KB} KB, no zod`,
      pass: bytes <= WEBVIEW_MAX_KB * KB && noZod,
      detail: `${bytes} bytes (1 KB = 1024 bytes); zod inputs in its esbuild metafile: ${zodBytes} bytes; zod markers in the text: ${markers.join(' ') || 'none'}; largest inputs: ${biggest}`,
      command: `stat dist/webview/${f}; out/build-meta/webview-${f.replace(/\.js$/, '')}.json (npm run package)`,
    };
  });
}

/** The chunks dist/cli/<entry>.mjs loads when it is imported (its static imports, transitively), from the metafile. */
function staticGraph(meta: Metafile, entry: string): { files: string[]; bytes: number; byPackage: Map<string, number> } {
  const key = Object.keys(meta.outputs).find((k) => k.endsWith(`dist/cli/${entry}.mjs`));
  if (!key) throw new BenchError('setup', `out/build-meta/cli-commands.json has no dist/cli/${entry}.mjs`);
  const seen = new Set<string>();
  const todo = [key];
  while (todo.length) {
    const k = todo.pop()!;
    if (seen.has(k)) continue;
    seen.add(k);
    for (const i of meta.outputs[k]!.imports) if (i.kind === 'import-statement' && !i.external && meta.outputs[i.path]) todo.push(i.path);
  }
  const byPackage = new Map<string, number>();
  let bytes = 0;
  for (const k of seen) {
    bytes += meta.outputs[k]!.bytes;
    for (const [input, v] of Object.entries(meta.outputs[k]!.inputs)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const name = m ? m[1]! : input.split('/').slice(0, 2).join('/');
      byPackage.set(name, (byPackage.get(name) ?? 0) + v.bytesInOutput);
    }
  }
  return { files: [...seen].map((k) => k.replace(/^.*dist\//, 'dist/')), bytes, byPackage };
}

/**
 * Whole-process wall times of `node A...` and `node B...`, interleaved (A, B, A, B...), LOAD_RUNS
 * each: their medians and the difference of the medians (B's extra cost over A's).
 */
async function interleaved(a: string[], b: string[], what: string): Promise<{ a: number; b: number; extra: number; bRuns: number[] }> {
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < LOAD_RUNS; i++) {
    const ra = await runNode(a, { timeoutMs: 60_000 });
    const rb = await runNode(b, { timeoutMs: 60_000 });
    if (ra.code !== 0 || rb.code !== 0) throw new BenchError('exit-code', `${what}: node ${a.join(' ')} exited ${ra.code}, node ${b.join(' ')} exited ${rb.code}: ${(ra.stderr + rb.stderr).slice(0, 500)}`);
    ta.push(ra.ms);
    tb.push(rb.ms);
  }
  return { a: median(ta), b: median(tb), extra: median(tb) - median(ta), bRuns: tb };
}

/** Loading the `status` command (dist/cli/status.mjs and the chunks it imports), beyond a bare `node -e 0`. */
async function statusLoadFigure(log: (s: string) => void): Promise<Figure> {
  const entry = join(ROOT, 'dist', 'cli', 'status.mjs');
  if (!existsSync(entry)) throw new BenchError('missing-build', 'dist/cli/status.mjs is missing (run npm run package)');
  const graph = staticGraph(readMeta('cli-commands'), 'status');
  const m = await interleaved(['-e', '0'], [entry], 'status load');
  log(`  status command load ${round(m.b)} ms - bare node ${round(m.a)} ms = ${round(m.extra, 1)} ms (${graph.files.length} files, ${round(graph.bytes / KB)} KB)`);
  const heaviest = [...graph.byPackage]
    .sort((x, y) => y[1] - x[1])
    .slice(0, 6)
    .map(([k, v]) => `${k} ${round(v / KB)} KB`)
    .join(', ');
  return {
    id: 'weight.statusLoad',
    figure: 'Loading the `status` command (production build): whole process beyond a bare `node -e 0`',
    value: round(m.extra, 1),
    unit: 'ms',
    bound: `<= ${STATUS_LOAD_MAX_MS}`,
    pass: m.extra <= STATUS_LOAD_MAX_MS,
    detail: `median ${round(m.b)} ms of \`node dist/cli/status.mjs\` (it only imports the command: ${graph.files.length} files, ${round(graph.bytes / KB)} KB; ${heaviest}) minus median ${round(m.a)} ms of \`node -e 0\`; ${LOAD_RUNS} runs each, interleaved`,
    command: 'node dist/cli/status.mjs  vs  node -e 0',
  };
}

/** dist/runtime.js (from the .vsix) required after activation, beyond the same probe without it. */
async function runtimeLoadFigure(shipped: string, log: (s: string) => void): Promise<Figure> {
  const runtime = join(shipped, '..', 'runtime.js');
  if (!existsSync(runtime)) throw new BenchError('missing-build', 'the .vsix holds no extension/dist/runtime.js');
  const m = await interleaved([PROBE, shipped], [PROBE, shipped, '--runtime'], 'runtime load');
  const inProcess: number[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await runNode([PROBE, shipped, '--runtime'], { timeoutMs: 60_000 });
    inProcess.push((JSON.parse(r.stdout) as { runtimeLoadMs: number }).runtimeLoadMs);
  }
  log(`  runtime.js load ${round(m.b)} ms - ${round(m.a)} ms = ${round(m.extra, 1)} ms (in process ${round(median(inProcess), 1)} ms)`);
  return {
    id: 'weight.runtimeLoad',
    figure: '`dist/runtime.js` (the lazily loaded runtime, shipped bundle): load time after activation, vscode stub',
    value: round(m.extra, 1),
    unit: 'ms',
    bound: `<= ${RUNTIME_LOAD_MAX_MS}`,
    pass: m.extra <= RUNTIME_LOAD_MAX_MS,
    detail: `median ${round(m.b)} ms of the activation probe that then requires runtime.js (${round(statSync(runtime).size / KB)} KB) minus median ${round(m.a)} ms of the same probe without it; ${LOAD_RUNS} new processes each, interleaved; timed inside the process: ${round(median(inProcess), 1)} ms (median of 5)`,
    command: 'node bench/activation-probe.cjs <vsix>/extension/dist/extension.js --runtime  vs  the same without --runtime',
  };
}

export async function benchWeight(log: (s: string) => void = console.log): Promise<Figure[]> {
  log('Extension and CLI weight');
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { activationEvents?: string[]; scripts?: Record<string, string> };
  const events = pkg.activationEvents ?? [];
  const atStartup = events.filter((e) => e === '*' || e === 'onStartupFinished');
  const figures: Figure[] = [
    {
      id: 'weight.activationEvents',
      figure: 'Activation events that fire at VS Code start-up',
      value: atStartup.length,
      unit: `(of ${events.length}: ${events.join(', ') || 'none'})`,
      bound: '= 0',
      pass: atStartup.length === 0,
      detail: 'package.json activationEvents: no "*", no onStartupFinished',
      command: 'package.json',
    },
  ];

  // First, before the packaging below loads the machine.
  const startup = await cliStartupMs(15);
  log(`  oli --version ${round(startup.median)} ms (min ${round(startup.min)}); bare node ${round(startup.bareNode)} ms`);
  figures.push({
    id: 'weight.cliStartup',
    figure: 'Cold `oli --version` (new node process)',
    value: round(startup.median),
    unit: 'ms',
    bound: '<= 150',
    pass: startup.median <= 150,
    detail: `median of 15 (min ${round(startup.min)} ms); a bare \`node -e 0\` takes ${round(startup.bareNode)} ms on this machine, interleaved in the same run`,
    command: `node ${CLI.replace(ROOT + '/', '')} --version`,
  });

  const dir = mkdtempSync(join(tmpdir(), 'oli-bench-vsix-'));
  try {
    if (!pkg.scripts?.package) throw new BenchError('missing-build', 'package.json has no "package" script (vsce package)');
    const vsix = join(dir, 'oracle-learning-integrations.vsix');
    log('  npm run package (production build, vsce) ...');
    execFileSync('npm', ['run', 'package', '--', '--out', vsix], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 });
    const bytes = statSync(vsix).size;
    execFileSync('unzip', ['-q', '-o', vsix, 'extension/dist/*', 'extension/package.json', '-d', join(dir, 'x')]);
    const shipped = join(dir, 'x', 'extension', 'dist', 'extension.js');
    const loads: number[] = [];
    const activates: number[] = [];
    const totals: number[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await runNode([PROBE, shipped], { timeoutMs: 60_000 });
      if (r.code !== 0) throw new BenchError('exit-code', `activation probe exited ${r.code}: ${r.stderr.slice(0, 500)}`);
      const m = JSON.parse(r.stdout) as { loadMs: number; activateMs: number; totalMs: number };
      loads.push(m.loadMs);
      activates.push(m.activateMs);
      totals.push(m.totalMs);
    }
    const activation = median(totals);
    log(`  .vsix ${round(bytes / 1024)} KB; activation ${round(activation, 1)} ms (load ${round(median(loads), 1)} + activate ${round(median(activates), 1)})`);
    figures.push(
      {
        id: 'weight.activation',
        figure: 'Activation: require(dist/extension.js) + activate(), shipped bundle, vscode stub',
        value: round(activation, 1),
        unit: 'ms',
        bound: '<= 50',
        pass: activation <= 50,
        detail: `median of 7 new node processes: load ${round(median(loads), 1)} ms + activate ${round(median(activates), 1)} ms (no folder open); measured outside VS Code with a minimal vscode stub, not in the extension host`,
        command: 'node bench/activation-probe.cjs <vsix>/extension/dist/extension.js',
      },
      {
        id: 'weight.vsix',
        figure: '.vsix size',
        value: round(bytes / KB),
        unit: 'KB',
        bound: `<= ${VSIX_MAX_KB}`,
        pass: bytes <= VSIX_MAX_KB * KB,
        detail: `${bytes} bytes (1 KB = 1024 bytes); largest entries: ${vsixEntries(vsix)}`,
        command: 'npm run package -- --out <tmp>/oracle-learning-integrations.vsix',
      },
    );
    // On the production build the packaging just made (dist/), once the machine is quiet again.
    figures.push(...webviewFigures());
    figures.push(await statusLoadFigure(log));
    figures.push(await runtimeLoadFigure(shipped, log));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  return figures;
}

/** The .vsix's largest entries (compressed), from `unzip -v`. */
function vsixEntries(vsix: string): string {
  const listing = execFileSync('unzip', ['-v', vsix], { encoding: 'utf8' });
  const rows: [string, number][] = [];
  for (const line of listing.split('\n')) {
    const m = /^\s*(\d+)\s+\S+\s+(\d+)\s+\S+\s+\S+\s+\S+\s+\S+\s+(extension\/\S+)$/.exec(line);
    if (m) rows.push([m[3]!.replace(/^extension\//, ''), Number(m[2])]);
  }
  return rows
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([k, v]) => `${k} ${round(v / KB)} KB`)
    .join(', ');
}

if (require.main === module) {
  benchWeight().then(
    (f) => console.log(JSON.stringify(f, null, 2)),
    (e) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
