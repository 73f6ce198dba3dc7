import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ExitCode, UsageError } from '../errors';
import { cliCredentials } from '../credentials';
import { adminAuth, clientFor } from '../../core/plan/context';
import { withAdminSignIn } from '../../core/plan/signIn';
import { printable } from '../../core/text/printable';
import { checkIdentities, readIdentifiers, type IdentifierKind } from '../../core/plan/identity';
import type { CliCommand } from './registry';
import { actorName, loadPlanFor, networkOptions, PLAN_OPTIONS, TIMEOUT_HELP, traceLogger } from './planCommon';

export const identityCommand: CliCommand = {
  name: 'identity',
  summary: 'Check that learner identifiers resolve to exactly one active Oracle user',
  help: `Usage: oli identity FILE [--env NAME] [--plan FILE] [--by email|username] [--json]

FILE: a CSV with a header (column email / username, else the first) or one identifier per line
(streamed; - is not supported). The delimiter (, ; or tab) is detected from the first line; quoted
fields may span lines; UTF-8 (with or without BOM) and UTF-16 with BOM are read. Each row is
checked before any lookup (RFC 5321 lengths: 64 bytes before the @, 254 in all; no control
characters): a bad row is "invalid" with its line, the others are still checked. Identifiers are
looked up with batched SCIM filters (50 a request, 8 in flight; the first alone, proving the
credentials). Output: {"summary":{"total","matched","missing","duplicate","inactive","invalid"},"problems":[{"value","problem","message","line"}]}.
Exit 0 when all resolve, 1 otherwise. --verbose (or OLI_TRACE=1) traces every request (redacted).
${TIMEOUT_HELP}`,
  options: { ...PLAN_OPTIONS, by: { type: 'string' } },
  async run(values, positionals, io) {
    const file = positionals[0];
    if (!file) throw new UsageError('Name the file of learner identifiers: oli identity FILE.');
    const path = resolve(io.cwd, file);
    try {
      await stat(path);
    } catch {
      throw new UsageError(`Cannot read ${file}: no such file.`);
    }
    const loaded = await loadPlanFor(values, io);
    const by = ((values.by as string | undefined) ?? loaded.plan.learnerIdentifier) as IdentifierKind;
    if (by !== 'email' && by !== 'username') throw new UsageError('--by is email or username.');
    const onLog = traceLogger(values, io);
    const credentials = await cliCredentials(loaded, io, { ...networkOptions(values, io), ...(onLog ? { onLog } : {}) });
    const client = clientFor(loaded.plan, loaded.planDir, loaded.environment, adminAuth(loaded.environment, credentials), {
      ...networkOptions(values, io),
      ...(onLog ? { onLog } : {}),
    });
    let last = 0;
    // The first lookup proves the credentials alone (the client's sign-in gate); a refusal stops here.
    const signIn = { planDir: loaded.planDir, environment: loaded.environment, username: credentials.admin!.username, admin: credentials.admin!, url: loaded.url, owner: `${actorName(io)} (process ${process.pid})`, nextStep: 'Check OLI_USERNAME and OLI_PASSWORD before running it again.' };
    const report = await withAdminSignIn(signIn, () =>
      checkIdentities(client, readIdentifiers(path, by), by, {
        signal: io.signal,
        onProgress: (done) => {
          if (done - last >= 1000) {
            last = done;
            io.stderr(`checked ${done} identifiers…\n`);
          }
        },
      }),
    );
    const s = report.summary;
    if (values.json) io.stdout(JSON.stringify({ summary: s, problems: report.problems }, null, 2) + '\n');
    else {
      io.stdout(`${s.total} identifiers by ${by}: ${s.matched} matched, ${s.missing} missing, ${s.duplicate} duplicate, ${s.inactive} inactive, ${s.invalid} invalid.\n`);
      // Values come from the file: shown escaped (a control sequence in an address is never sent to the terminal).
      for (const p of report.problems.slice(0, 50)) io.stdout(`  ${p.problem.padEnd(9)} ${p.line !== undefined ? `line ${p.line}: ` : ''}${printable(p.value)}: ${printable(p.message)}\n`);
      if (report.problems.length > 50) io.stdout(`  … ${report.problems.length - 50} more (use --json for all).\n`);
    }
    io.stderr(`${client.stats.requests} request(s).\n`);
    return s.matched === s.total ? ExitCode.ok : ExitCode.problem;
  },
};
