import { OracleError } from '../../oracle/errors';
import { takeSnapshot, type Snapshot } from '../../core/compare/snapshot';
import { diffSnapshots, diffToJson, diffToText, type EnvironmentDiff } from '../../core/compare/diff';
import { ExitCode, UsageError } from '../errors';
import type { CliCommand } from './registry';
import { emitReport, loadPlanFile, PLAN_OPTIONS, sessionFor, TIMEOUT_HELP } from './planCommon';

export const diffCommand: CliCommand = {
  name: 'diff',
  summary: 'What differs between two environments (job role, user and roles, provider, schedules, certificate)',
  help: `Usage: oli diff ENV_A ENV_B [--plan FILE] [--json] [--out FILE] [--verbose] [--timeout SECONDS]

Reads both pods in parallel, read-only, and lists what differs: the job role (exists, category,
the integration user's membership, its attestation), the integration user and its roles (active,
email, person link, roles), the provider's configuration (configured, its integration user, the
attested settings), the schedules and their times (each process: frequency and start time, job
id), and the issuer and certificate (the certificate each environment uses, a rotation, the API
Authentication attestation, a call as the integration user). A fact that cannot be read on one side
is listed as not comparable, never as a difference. One environment that cannot be read at all
does not hide the other: what it holds is printed (exit 2).
Credentials per environment, as for any command (an oli login session, or for Basic
OLI_USERNAME_<ENV>/OLI_PASSWORD_<ENV>, else OLI_USERNAME/OLI_PASSWORD).
Exit 0 when nothing differs, 1 when something differs or cannot be compared, 2 on a usage or connection error.
${TIMEOUT_HELP}`,
  options: { ...PLAN_OPTIONS, out: { type: 'string' } },
  async run(values, positionals, io) {
    const [a, b, ...rest] = positionals;
    if (!a || !b || rest.length) throw new UsageError('Name the two environments to compare: oli diff ENV_A ENV_B.');
    if (a === b) throw new UsageError(`Compare two different environments (both are "${a}").`);
    const { plan } = await loadPlanFile(values, io);
    for (const env of [a, b]) if (!plan.environments[env]) throw new UsageError(`No environment "${env}" in the plan (known: ${Object.keys(plan.environments).join(', ')}).`);
    const reads = await Promise.allSettled(
      [a, b].map(async (env) => {
        const { options } = await sessionFor(values, io, env);
        return takeSnapshot(options);
      }),
    );
    const snapshots = reads.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const errors: Record<string, string> = {};
    reads.forEach((r, i) => {
      if (r.status === 'rejected') {
        const e = r.reason as { userMessage?: () => string; message?: string };
        errors[[a, b][i]!] = r.reason instanceof OracleError ? r.reason.userMessage() : (e?.message ?? String(r.reason));
      }
    });
    const diff: EnvironmentDiff =
      snapshots.length === 2
        ? { ...diffSnapshots(snapshots[0] as Snapshot, snapshots[1] as Snapshot), errors, snapshots }
        : { a, b, differences: [], cannotCompare: [], same: [], errors, snapshots };
    await emitReport(values, io, values.json ? JSON.stringify(diffToJson(diff), null, 2) + '\n' : diffToText(diff), 'Diff');
    io.stderr(`${snapshots.reduce((n, s) => n + s.requests, 0)} request(s), both environments read in parallel.\n`);
    if (Object.keys(errors).length) return ExitCode.usage;
    return diff.differences.length || diff.cannotCompare.length ? ExitCode.problem : ExitCode.ok;
  },
};
