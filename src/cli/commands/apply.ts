import { ExitCode, UsageError } from '../errors';
import { redactBody } from '../../oracle/redact';
import { STEP_IDS, type StepId } from '../../core/plan/stepIds';
import type { CliCommand } from './registry';
import { allSatisfied, engineFor, formatResults, PLAN_OPTIONS, statusJson, TIMEOUT_HELP } from './planCommon';

export const applyCommand: CliCommand = {
  name: 'apply',
  summary: 'Perform the steps Oracle\'s APIs allow (idempotent), or --dry-run them',
  help: `Usage: oli apply [--env NAME] [--plan FILE] (--step ID | --all) [--dry-run] [--yes] [--json] [--verbose] [--timeout SECONDS]

--all applies every automatic step in order; --step applies one (a guided step's apply only
prepares local material, e.g. the api-authentication verification kit). Apply re-checks first and
changes only what is missing: running it twice creates nothing new. --dry-run prints every HTTP
request it would send (redacted) and sends no change. Applying to an environment marked
"production" in the plan needs --yes.
Steps: ${STEP_IDS.join(', ')}.
${TIMEOUT_HELP}`,
  options: { ...PLAN_OPTIONS, step: { type: 'string' }, all: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, yes: { type: 'boolean' } },
  async run(values, _positionals, io) {
    const step = values.step as string | undefined;
    if (!!step === !!values.all) throw new UsageError('Give either --step ID or --all.');
    if (step && !(STEP_IDS as readonly string[]).includes(step)) throw new UsageError(`Unknown step "${step}". Steps: ${STEP_IDS.join(', ')}.`);
    const dryRun = values['dry-run'] === true;
    const { engine, loaded } = await engineFor(values, io);
    if (!dryRun && loaded.plan.environments[loaded.environment]?.production && values.yes !== true)
      throw new UsageError(`"${loaded.environment}" is marked production in the plan: re-run with --yes to apply, or --dry-run to see the requests first.`);
    const outcome = await engine.apply((step as StepId | undefined) ?? 'all', { dryRun });
    if (values.json) {
      io.stdout(
        JSON.stringify(
          { ...statusJson(loaded, engine, outcome.results), dryRun, plannedRequests: outcome.plannedRequests.map((r) => ({ ...r, body: redactBody(r.body) })), performed: outcome.performed },
          null,
          2,
        ) + '\n',
      );
    } else if (dryRun) {
      io.stdout(`Dry run on ${loaded.environment} (${loaded.url}): ${outcome.plannedRequests.length} change(s) would be sent.\n`);
      for (const r of outcome.plannedRequests) {
        io.stdout(`\n# ${r.why}\n${r.method} ${r.url}\n`);
        if (r.body !== undefined) io.stdout(JSON.stringify(redactBody(r.body), null, 2) + '\n');
      }
    } else {
      for (const p of outcome.performed) io.stdout(`changed: ${p}\n`);
      if (!outcome.performed.length) io.stdout('Nothing to change.\n');
      io.stdout(formatResults(outcome.results, new Map(engine.steps.map((s) => [s.id, s.title]))));
    }
    io.stderr(`${engine.requestCount} request(s).\n`);
    const relevant = step ? outcome.results.filter((r) => r.id === step) : outcome.results.filter((r) => engine.steps.find((s) => s.id === r.id)?.automation === 'automatic');
    return dryRun || allSatisfied(relevant) ? ExitCode.ok : ExitCode.problem;
  },
};
