import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ExitCode, UsageError } from '../errors';
import { OracleError } from '../../oracle/errors';
import { cliCredentials } from '../credentials';
import { probeEnvironment } from '../../core/probe/probe';
import { probeToMarkdown, probeToText, recordProbe } from '../../core/probe/render';
import { CallRecorder } from '../../core/plan/history';
import type { RequestLogEntry } from '../../oracle/client';
import { statePath, updateState } from '../../core/plan/stateStore';
import { adminRefusalFacts, recordRefusedSignIn, recordSignInSuccess, SignInRefusedError } from '../../core/plan/signIn';
import type { CliCommand } from './registry';
import { actorName, loadPlanFor, networkOptions, PLAN_OPTIONS, TIMEOUT_HELP, traceLogger } from './planCommon';

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
    const format = (values.format as string | undefined) ?? (values.json ? 'json' : 'text');
    if (!['text', 'md', 'json'].includes(format)) throw new UsageError('--format is md or json (or leave it out for text).');
    const loaded = await loadPlanFor(values, io);
    const network = networkOptions(values, io);
    const trace = traceLogger(values, io);
    const calls = new CallRecorder();
    const onLog = (e: RequestLogEntry) => {
      calls.add(e);
      trace?.(e);
    };
    const credentials = await cliCredentials(loaded, io, { ...network, onLog });
    const report = await probeEnvironment({
      plan: loaded.plan,
      planDir: loaded.planDir,
      environment: loaded.environment,
      credentials,
      signal: io.signal,
      onProgress: (m) => io.stderr(`${m}\n`),
      ...network,
      onLog,
    });
    const signIn = report.assumptions.find((a) => a.id === 'sign-in');
    const signInFailed = signIn?.outcome !== 'confirmed';
    const owner = `oli probe (${actorName(io)}, process ${process.pid})`;
    const { key, facts } = adminRefusalFacts(credentials.admin!, loaded.environment, loaded.url, 'Check OLI_USERNAME and OLI_PASSWORD before running it again.');
    const path = statePath(loaded.planDir, loaded.environment);
    if (!signInFailed) {
      await recordSignInSuccess(loaded.planDir, loaded.environment, key, owner).catch(() => undefined);
      await updateState(path, loaded.environment, (state) => recordProbe(state, report, { by: actorName(io), via: 'cli', ...calls.since(0) }), { owner });
    } else if (signIn?.outcome === 'refused') {
      // The same lockout count as every other command: this refusal is recorded next to the others.
      const count = await recordRefusedSignIn(loaded.planDir, loaded.environment, key, owner).catch(() => 1);
      const refusal = new SignInRefusedError(
        new OracleError({ reason: 'auth', method: 'GET', path: '/hcmRestApi/scim/Users', status: signIn.status ?? 401 }),
        { ...facts, refusedInARow: count },
      );
      io.stderr(`oli: ${refusal.userMessage()}\n`);
    }
    const text = format === 'json' ? JSON.stringify(report, null, 2) + '\n' : format === 'md' ? probeToMarkdown(report) : probeToText(report);
    if (values.out) {
      const out = resolve(io.cwd, values.out as string);
      await writeFile(out, text, 'utf8');
      io.stderr(`Probe report written to ${out}\n`);
    } else io.stdout(text);
    io.stderr(`${report.requests} request(s), all GET.\n`);
    if (signInFailed) return ExitCode.usage;
    return report.summary.contradicted || report.summary.refused ? ExitCode.problem : ExitCode.ok;
  },
};
