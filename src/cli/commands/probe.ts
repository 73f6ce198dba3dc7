import { ExitCode } from '../errors';
import { EnvCredentialStore } from '../../core/model/credentials';
import { probeEnvironment } from '../../core/probe/probe';
import { probeToMarkdown, probeToText, recordProbe } from '../../core/probe/render';
import { loadState, saveState, statePath } from '../../core/plan/stateStore';
import type { CliCommand } from './registry';
import { emitReport, loadPlanFor, PLAN_OPTIONS, reportFormat, requestTimeoutMs, TIMEOUT_HELP, traceLogger } from './planCommon';

export const probeCommand: CliCommand = {
  name: 'probe',
  summary: "Ask a pod, read-only, which of the product's assumptions hold there",
  help: `Usage: oli probe [--env NAME] [--plan FILE] [--json | --format md] [--out FILE] [--verbose] [--timeout SECONDS]

Read-only (GET only, never a change; nothing more is asked after a failed sign-in): for each
assumption the product relies on where Oracle publishes little (SCIM filter forms and their size
limit, the ADF envelope and REST framework version, each Learning resource and its field names,
ESS query forms and requestType words, the Learning job ids), it records confirmed, contradicted,
refused (HTTP status, and what grants access) or not available, with the basis of the assumption
and the shape of the answer (keys and types, never values). It ends with the administrator's
missing privileges per step, and writes what it confirmed (job ids, field names, batch size, ESS
words) to .oracle-learning/<env>.state.json so that later status and apply use it.
Run it first on a new pod. Exit 0 when nothing was contradicted or refused, 1 otherwise, 2 when
the sign-in failed. --format md gives the report to attach to a bug (nothing secret in it).
${TIMEOUT_HELP}`,
  options: { ...PLAN_OPTIONS, format: { type: 'string' }, out: { type: 'string' } },
  async run(values, _positionals, io) {
    const format = reportFormat(values);
    const loaded = await loadPlanFor(values, io);
    const credentials = await new EnvCredentialStore(io.env).get(loaded.environment);
    const timeoutMs = requestTimeoutMs(values);
    const onLog = traceLogger(values, io);
    const report = await probeEnvironment({
      plan: loaded.plan,
      planDir: loaded.planDir,
      environment: loaded.environment,
      credentials,
      signal: io.signal,
      onProgress: (m) => io.stderr(`${m}\n`),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(onLog ? { onLog } : {}),
    });
    const signInFailed = report.assumptions.some((a) => a.id === 'sign-in' && a.outcome !== 'confirmed');
    if (!signInFailed) {
      const path = statePath(loaded.planDir, loaded.environment);
      const state = await loadState(path, loaded.environment);
      recordProbe(state, report);
      await saveState(path, state);
    }
    await emitReport(values, io, format === 'json' ? JSON.stringify(report, null, 2) + '\n' : format === 'md' ? probeToMarkdown(report) : probeToText(report), 'Probe report');
    io.stderr(`${report.requests} request(s), all GET.\n`);
    if (signInFailed) return ExitCode.usage;
    return report.summary.contradicted || report.summary.refused ? ExitCode.problem : ExitCode.ok;
  },
};
