import { writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { cliCredentials } from '../credentials';
import { PlanEngine } from '../../core/plan/engine';
import { loadPlan, PLAN_FILE_NAME, resolveEnvironment, type PlanFile } from '../../core/plan/planFile';
import { BASIS_LEGEND, BASIS_MARK, type Basis, type StepResult } from '../../core/plan/result';
import { loadState, statePath } from '../../core/plan/stateStore';
import type { StepStatus } from '../../core/plan/stepIds';
import { planDirOf } from '../../core/plan/context';
import type { CliIO } from '../io';
import { formatRetry, type RequestLogEntry, type RetryNotice } from '../../oracle/client';
import { printable } from '../../core/text/printable';
import { inspectionSettings, numberSetting, SETTINGS } from '../settings';

export { inspectionSettings };
import { UsageError } from '../errors';
import type { SessionOptions } from '../../core/ops/session';

export const PLAN_OPTIONS = {
  env: { type: 'string' },
  plan: { type: 'string' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean' },
  timeout: { type: 'string' },
  'connect-timeout': { type: 'string' },
  proxy: { type: 'string' },
  'cert-warning-days': { type: 'string' },
  'clock-tolerance': { type: 'string' },
} as const;

/** Help lines shared by the commands that talk to the pod. */
export const TIMEOUT_HELP = `--timeout SECONDS (or OLI_TIMEOUT): per-request timeout (default 30; 1-600): a request without a complete answer by then counts as a network fault (retried when safe).
--connect-timeout SECONDS (or OLI_CONNECT_TIMEOUT): time allowed for the connection and the first byte of each answer (default 10; 1-600). A pod that never answers is given up on after 3 such attempts.
--proxy URL: the HTTPS proxy for environments whose plan entry names none (default: HTTPS_PROXY; NO_PROXY lists hosts reached directly).
--cert-warning-days N (or OLI_CERT_WARNING_DAYS): a certificate expiring within N days is flagged (default 30).
--clock-tolerance SECONDS (or OLI_CLOCK_TOLERANCE): clock skew allowed for a JWT's exp, nbf and iat (default 60).
--env NAME (or OLI_ENV): the environment; default: the plan's defaultEnvironment, or its only one.
Each retry prints one line on stderr. Credentials are proven with one request before anything else is sent: a refused sign-in stops the command at once (exit 2).`;

/** `--timeout SECONDS` (or OLI_TIMEOUT) as milliseconds, or undefined for the client's default. */
export function requestTimeoutMs(values: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): number | undefined {
  const s = numberSetting(values, env, SETTINGS.timeout);
  return s === undefined ? undefined : Math.round(s * 1000);
}

/** `--connect-timeout SECONDS` (or OLI_CONNECT_TIMEOUT) as milliseconds, or undefined for the client's default. */
export function firstByteTimeoutMs(values: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): number | undefined {
  const s = numberSetting(values, env, SETTINGS.connectTimeout);
  return s === undefined ? undefined : Math.round(s * 1000);
}

/** The network settings of a command's options: timeouts, the proxy, and one stderr line per retry. */
export function networkOptions(values: Record<string, unknown>, io: CliIO): { timeoutMs?: number; firstByteTimeoutMs?: number; defaultProxy?: string; onRetry: (n: RetryNotice) => void } {
  const timeoutMs = requestTimeoutMs(values, io.env);
  const firstByte = firstByteTimeoutMs(values, io.env);
  const proxy = (values.proxy as string | undefined)?.trim();
  return {
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(firstByte !== undefined ? { firstByteTimeoutMs: firstByte } : {}),
    ...(proxy ? { defaultProxy: proxy } : {}),
    onRetry: (n) => io.stderr(`retrying: ${formatRetry(n)}\n`),
  };
}

export function actorName(io: CliIO): string {
  if (io.env.OLI_ACTOR) return io.env.OLI_ACTOR;
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

export interface LoadedPlan {
  plan: PlanFile;
  planPath: string;
  planDir: string;
  environment: string;
  url: string;
}

/** The plan file (`--plan`, else oracle-learning.json in the working folder), whatever its environments. */
export async function loadPlanFile(values: Record<string, unknown>, io: CliIO): Promise<{ plan: PlanFile; planPath: string }> {
  const planPath = resolve(io.cwd, (values.plan as string | undefined) ?? PLAN_FILE_NAME);
  return { plan: await loadPlan(planPath), planPath };
}

export async function loadPlanFor(values: Record<string, unknown>, io: CliIO): Promise<LoadedPlan> {
  const { plan, planPath } = await loadPlanFile(values, io);
  // --env, else OLI_ENV (the CLI's counterpart of the VS Code setting oracleLearning.defaultEnvironment), else the plan's default.
  const named = (values.env as string | undefined) ?? (io.env.OLI_ENV?.trim() || undefined);
  const env = resolveEnvironment(plan, named);
  return { plan, planPath, planDir: planDirOf(planPath), environment: env.name, url: env.config.url };
}

/** With --verbose or OLI_TRACE=1: one stderr line per request attempt (the entries are already redacted by the client). */
export function traceLogger(values: Record<string, unknown>, io: CliIO): ((e: RequestLogEntry) => void) | undefined {
  if (values.verbose !== true && io.env.OLI_TRACE !== '1') return undefined;
  return (e) => io.stderr(`  ${e.method} ${e.url} -> ${e.status ?? e.error ?? '?'} (${e.durationMs} ms, attempt ${e.attempt})\n`);
}

/** `--format md|json` (or `--json`), text when neither: for commands that print a report. */
export function reportFormat(values: Record<string, unknown>): 'text' | 'md' | 'json' {
  const format = (values.format as string | undefined) ?? (values.json ? 'json' : 'text');
  if (format !== 'text' && format !== 'md' && format !== 'json') throw new UsageError('--format is md or json (or leave it out for text).');
  return format;
}

/** Prints a report, or writes it to `--out FILE` (saying where on stderr). */
export async function emitReport(values: Record<string, unknown>, io: CliIO, text: string, what: string): Promise<void> {
  if (!values.out) return io.stdout(text);
  const out = resolve(io.cwd, values.out as string);
  await writeFile(out, text, 'utf8');
  io.stderr(`${what} written to ${out}\n`);
}

/** What a read-only operation on the chosen environment needs: the plan, its credentials (per environment), state, signal, timeout and trace. */
export async function sessionFor(values: Record<string, unknown>, io: CliIO, environment?: string): Promise<{ loaded: LoadedPlan; options: SessionOptions; statePath: string }> {
  const loaded = await loadPlanFor(environment ? { ...values, env: environment } : values, io);
  const path = statePath(loaded.planDir, loaded.environment);
  const onLog = traceLogger(values, io);
  const network = networkOptions(values, io);
  const options: SessionOptions = {
    plan: loaded.plan,
    planDir: loaded.planDir,
    environment: loaded.environment,
    credentials: await cliCredentials(loaded, io, { ...network, ...(onLog ? { onLog } : {}) }),
    state: await loadState(path, loaded.environment),
    signal: io.signal,
    actor: actorName(io),
    ...network,
    ...inspectionSettings(values, io.env),
    ...(onLog ? { onLog } : {}),
  };
  return { loaded, options, statePath: path };
}

/** An engine for the CLI: credentials from the environment variables, progress on stderr. */
export async function engineFor(values: Record<string, unknown>, io: CliIO): Promise<{ engine: PlanEngine; loaded: LoadedPlan }> {
  const loaded = await loadPlanFor(values, io);
  const onLog = traceLogger(values, io);
  const credentials = await cliCredentials(loaded, io, { ...networkOptions(values, io), ...(onLog ? { onLog } : {}) });
  const state = await loadState(statePath(loaded.planDir, loaded.environment), loaded.environment);
  const engine = new PlanEngine({
    plan: loaded.plan,
    planDir: loaded.planDir,
    environment: loaded.environment,
    credentials,
    state,
    signal: io.signal,
    actor: actorName(io),
    via: 'cli',
    onProgress: (m) => io.stderr(`${printable(m)}\n`),
    ...networkOptions(values, io),
    ...inspectionSettings(values, io.env),
    ...(onLog ? { onLog } : {}),
  });
  return { engine, loaded };
}

const ICON: Record<StepStatus, string> = {
  done: '✔',
  attested: '✔',
  'not-applicable': '–',
  'needs-action': '!',
  blocked: '…',
  failed: '✖',
  unknown: '?',
};

/** `[D]`, `[I]` or `[S]`: what a finding rests on (see BASIS_LEGEND). */
export function basisMark(basis: Basis | undefined): string {
  return basis ? `[${BASIS_MARK[basis]}]` : '   ';
}

export function formatResults(results: StepResult[], titles: Map<string, string>, verbose = false): string {
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`${ICON[r.status]} ${r.id.padEnd(22)} ${r.status.padEnd(14)} ${basisMark(r.basis)} ${titles.get(r.id) ?? ''}`);
    // Details quote the pod, the plan and learner files: shown escaped, never interpreted by the terminal.
    lines.push(`    ${printable(r.detail)}`);
    if (verbose || r.status === 'failed' || r.status === 'unknown') for (const c of r.checks) lines.push(`      ${c.outcome.padEnd(7)} ${basisMark(c.basis)} ${printable(c.message)}`);
  }
  lines.push('', BASIS_LEGEND);
  return lines.join('\n') + '\n';
}

export function allSatisfied(results: StepResult[]): boolean {
  return results.every((r) => r.status === 'done' || r.status === 'attested' || r.status === 'not-applicable');
}

export function statusJson(loaded: LoadedPlan, engine: PlanEngine, results: StepResult[]) {
  return {
    environment: loaded.environment,
    provider: loaded.plan.provider,
    steps: results.map((r) => ({
      id: r.id,
      title: engine.steps.find((s) => s.id === r.id)?.title ?? r.id,
      status: r.status,
      automation: engine.steps.find((s) => s.id === r.id)?.automation ?? 'automatic',
      detail: r.detail,
      ...(r.basis ? { basis: r.basis } : {}),
      checks: r.checks.map((c) => ({ id: c.id, title: c.title, outcome: c.outcome, basis: c.basis ?? 'inferred', message: c.message })),
    })),
  };
}
