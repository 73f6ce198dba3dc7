/**
 * Measuring whole processes: wall time from spawn to exit (high-resolution clock of the bench
 * process), exit code, captured stderr and, optionally, stdout to a file. Figures are taken as
 * medians of a few runs and turned into ratios inside one bench run (the machines are noisy).
 */
import { spawn } from 'node:child_process';
import { createReadStream, openSync, closeSync } from 'node:fs';
import { resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');
export const CLI = resolve(ROOT, 'dist', 'cli.js');

export interface ProcessRun {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Write stdout to this file instead of capturing it (large outputs). */
  stdoutFile?: string;
  /** Kill the process after this many ms (the bench must stop by itself). */
  timeoutMs?: number;
  /** Called with each stderr chunk as it arrives. */
  onStderr?: (text: string) => void;
  /** Called once the process is spawned (e.g. to feed a FIFO). */
  onSpawn?: () => void;
  /** Standard input of the process: this file, through a pipe (as with `cat FILE |`). */
  stdinFile?: string;
}

/** Runs `node --require bench/maxrss-probe.cjs ARGS...`: its peak resident memory in MB, with the run. */
export async function runNodeMaxRss(args: string[], o: RunOptions = {}): Promise<ProcessRun & { maxRssMb: number }> {
  const r = await runNode(['--require', resolve(ROOT, 'bench', 'maxrss-probe.cjs'), ...args], o);
  const m = /oli-bench-maxrss-kb=(\d+)/.exec(r.stderr);
  if (!m) throw new BenchError('setup', `no peak memory reported by node ${args.join(' ')}: ${r.stderr.slice(-300)}`);
  return { ...r, maxRssMb: Number(m[1]) / 1024 };
}

export class BenchError extends Error {
  override readonly name = 'BenchError';
  constructor(
    readonly reason: 'timeout' | 'exit-code' | 'setup' | 'missing-build',
    message: string,
  ) {
    super(message);
  }
}

/** Runs `node ARGS...` and measures its wall time. */
export function runNode(args: string[], o: RunOptions = {}): Promise<ProcessRun> {
  return new Promise((resolvePromise, reject) => {
    const fd = o.stdoutFile ? openSync(o.stdoutFile, 'w') : undefined;
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, {
      cwd: o.cwd ?? ROOT,
      env: o.env ?? process.env,
      stdio: [o.stdinFile ? 'pipe' : 'ignore', fd ?? 'pipe', 'pipe'],
    });
    o.onSpawn?.();
    if (o.stdinFile) {
      const input = createReadStream(o.stdinFile);
      input.on('error', reject);
      child.stdin!.on('error', () => undefined); // the process may stop reading early (it exits first)
      input.pipe(child.stdin!);
    }
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      o.onStderr?.(d);
    });
    const timer = o.timeoutMs
      ? setTimeout(() => {
          child.kill('SIGKILL');
          reject(new BenchError('timeout', `node ${args.join(' ')} did not finish within ${o.timeoutMs} ms`));
        }, o.timeoutMs)
      : undefined;
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (timer) clearTimeout(timer);
      if (fd !== undefined) closeSync(fd);
      resolvePromise({ ms, code, stdout, stderr });
    });
  });
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (!s.length) return Number.NaN;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Median wall time of a cold `oli --version` (a new node process each time), interleaved with a
 * bare `node -e 0` (the floor under any CLI start-up on this machine, at the same moment).
 */
export async function cliStartupMs(runs = 7): Promise<{ median: number; min: number; bareNode: number; runs: number[] }> {
  const times: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < runs; i++) {
    bare.push((await runNode(['-e', '0'], { timeoutMs: 30_000 })).ms);
    const r = await runNode([CLI, '--version'], { timeoutMs: 30_000 });
    if (r.code !== 0 || r.stdout.trim() === '') throw new BenchError('exit-code', `oli --version exited ${r.code}: ${r.stderr.slice(0, 300)}`);
    times.push(r.ms);
  }
  return { median: median(times), min: Math.min(...times), bareNode: median(bare), runs: times };
}

export const round = (n: number, digits = 0): number => Math.round(n * 10 ** digits) / 10 ** digits;
