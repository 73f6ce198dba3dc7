import { OracleError } from '../../oracle/errors';
import type { StepResult } from '../../core/plan/result';
import type { StepStatus } from '../../core/plan/stepIds';
import { ExitCode } from '../errors';
import type { CliIO } from '../io';
import { allSatisfied, basisMark, engineFor, statusJson } from './planCommon';

const ICON: Record<StepStatus, string> = { done: '✔', attested: '✔', 'not-applicable': '–', 'needs-action': '!', blocked: '…', failed: '✖', unknown: '?' };

type EnvRun = { environment: string; url: string; requests: number } & ({ ok: true; results: StepResult[]; json: ReturnType<typeof statusJson> } | { ok: false; error: string; reason: string });

/**
 * `oli status --all-envs`: every environment of the plan at once, in parallel (each with its own
 * credentials: OLI_USERNAME_<ENV>/OLI_PASSWORD_<ENV>, else OLI_USERNAME/OLI_PASSWORD), as a matrix
 * of steps × environments. One environment's failure is reported in its column and never hides the
 * others. Each environment's state (history) is written as for a single status.
 */
export async function statusAllEnvironments(values: Record<string, unknown>, environments: string[], io: CliIO): Promise<number> {
  const runs: EnvRun[] = await Promise.all(
    environments.map(async (environment): Promise<EnvRun> => {
      let url = '';
      let engineRequests = () => 0;
      try {
        const quiet: CliIO = { ...io, stderr: (t) => io.stderr(`[${environment}] ${t}`) };
        const { engine, loaded } = await engineFor({ ...values, env: environment }, quiet);
        url = loaded.url;
        engineRequests = () => engine.requestCount;
        const results = await engine.status();
        return { environment, url, requests: engine.requestCount, ok: true, results, json: statusJson(loaded, engine, results) };
      } catch (err) {
        const e = err as { userMessage?: () => string; message?: string; reason?: string; name?: string };
        const message = typeof e.userMessage === 'function' ? e.userMessage() : (e.message ?? String(err));
        return { environment, url, requests: engineRequests(), ok: false, error: message, reason: err instanceof OracleError ? err.reason : (e.name ?? 'error') };
      }
    }),
  );
  if (values.json) {
    io.stdout(
      JSON.stringify(
        {
          environments: runs.map((r) => (r.ok ? { ...r.json, url: r.url, requests: r.requests } : { environment: r.environment, url: r.url, error: { reason: r.reason, message: r.error } })),
        },
        null,
        2,
      ) + '\n',
    );
  } else io.stdout(matrixText(runs));
  io.stderr(`${runs.reduce((n, r) => n + r.requests, 0)} request(s) across ${runs.length} environment(s), in parallel (${runs.map((r) => `${r.environment} ${r.requests}`).join(', ')}).\n`);
  if (runs.some((r) => !r.ok)) return ExitCode.usage;
  return runs.every((r) => r.ok && allSatisfied(r.results)) ? ExitCode.ok : ExitCode.problem;
}

function matrixText(runs: EnvRun[]): string {
  const first = runs.find((r): r is Extract<EnvRun, { ok: true }> => r.ok);
  const steps = first ? first.json.steps.map((s) => s.id) : [];
  const width = Math.max(14, ...runs.map((r) => r.environment.length + 2));
  const stepWidth = Math.max(22, ...steps.map((s) => s.length + 2));
  const lines = [`${first ? `${first.json.provider} ` : ''}on ${runs.length} environment(s)`, ''];
  lines.push(`${'step'.padEnd(stepWidth)}${runs.map((r) => r.environment.padEnd(width)).join('')}`);
  for (const id of steps) {
    const cells = runs.map((r) => {
      if (!r.ok) return '✖ no answer'.padEnd(width);
      const s = r.results.find((x) => x.id === id);
      return (s ? `${ICON[s.status]} ${s.status}` : '').padEnd(width);
    });
    lines.push(`${id.padEnd(stepWidth)}${cells.join('')}`);
  }
  const differing = steps.filter((id) => new Set(runs.filter((r) => r.ok).map((r) => (r as Extract<EnvRun, { ok: true }>).results.find((x) => x.id === id)?.status)).size > 1);
  lines.push('');
  if (differing.length) lines.push(`Differs between environments: ${differing.join(', ')} (oli diff A B says how).`);
  for (const r of runs) if (!r.ok) lines.push(`✖ ${r.environment} (${r.url || 'no URL'}) could not be read: ${r.error}`);
  for (const r of runs) {
    if (!r.ok) continue;
    const open = r.results.filter((s) => !['done', 'attested', 'not-applicable'].includes(s.status));
    for (const s of open) lines.push(`${r.environment}: ${s.id} ${s.status} ${basisMark(s.basis)} ${s.detail}`);
  }
  return lines.join('\n') + '\n';
}
