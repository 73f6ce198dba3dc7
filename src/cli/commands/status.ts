import { ExitCode } from '../errors';
import type { CliCommand } from './registry';
import { allSatisfied, engineFor, formatResults, PLAN_OPTIONS, statusJson, TIMEOUT_HELP } from './planCommon';

export const statusCommand: CliCommand = {
  name: 'status',
  summary: 'Read every step\'s live status from the environment',
  help: `Usage: oli status [--env NAME] [--plan FILE] [--json] [--verbose] [--timeout SECONDS]

Reads the live state of every step of the plan from the pod (credentials from OLI_USERNAME /
OLI_PASSWORD, and OLI_CLIENT_ID / OLI_CLIENT_SECRET for the OAuth variant).
Exit 0 when every step is done, attested or not applicable; 1 when a step needs action or failed;
2 on a usage or connection error. --verbose (or OLI_TRACE=1) traces every request (redacted).
${TIMEOUT_HELP}`,
  options: { ...PLAN_OPTIONS },
  async run(values, _positionals, io) {
    const { engine, loaded } = await engineFor(values, io);
    const results = await engine.status();
    if (values.json) io.stdout(JSON.stringify(statusJson(loaded, engine, results), null, 2) + '\n');
    else {
      io.stdout(`${loaded.plan.provider} (${loaded.plan.auth}) on ${loaded.environment} — ${loaded.url}\n`);
      io.stdout(formatResults(results, new Map(engine.steps.map((s) => [s.id, s.title])), values.verbose === true));
    }
    io.stderr(`${engine.requestCount} request(s).\n`);
    return allSatisfied(results) ? ExitCode.ok : ExitCode.problem;
  },
};
