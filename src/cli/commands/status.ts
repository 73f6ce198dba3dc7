import { ExitCode, UsageError } from '../errors';
import { statusAllEnvironments } from './statusAllEnvs';
import type { CliCommand } from './registry';
import { allSatisfied, engineFor, formatResults, loadPlanFile, PLAN_OPTIONS, statusJson, TIMEOUT_HELP } from './planCommon';

export const statusCommand: CliCommand = {
  name: 'status',
  summary: 'Read every step\'s live status from the environment',
  help: `Usage: oli status [--env NAME | --all-envs] [--plan FILE] [--json] [--verbose] [--timeout SECONDS]

Reads the live state of every step of the plan from the pod (credentials from OLI_USERNAME /
OLI_PASSWORD, and OLI_CLIENT_ID / OLI_CLIENT_SECRET for the OAuth variant).
Exit 0 when every step is done, attested or not applicable; 1 when a step needs action or failed;
2 on a usage or connection error. --verbose (or OLI_TRACE=1) traces every request (redacted).
--all-envs: every environment of the plan at once, in parallel, as a matrix of steps × environments
(each environment's own sign-in: an oli login session, or for Basic OLI_USERNAME_<ENV>/
OLI_PASSWORD_<ENV>, else OLI_USERNAME/OLI_PASSWORD); an environment that cannot be read is said in its column and never hides the
others (exit 2 then). --json: {"environments":[status of each, or {"environment","error"}]}.
${TIMEOUT_HELP}`,
  options: { ...PLAN_OPTIONS, 'all-envs': { type: 'boolean' } },
  async run(values, _positionals, io) {
    if (values['all-envs']) {
      if (values.env) throw new UsageError('--all-envs reads every environment; leave --env out.');
      const { plan } = await loadPlanFile(values, io);
      return statusAllEnvironments(values, Object.keys(plan.environments), io);
    }
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
