import { updateState } from '../../core/plan/stateStore';
import { recordHealth, runHealth } from '../../core/health/health';
import { healthExitCode } from '../../core/health/report';
import { healthToMarkdown, healthToText } from '../../core/health/render';
import type { CliCommand } from './registry';
import { emitReport, PLAN_OPTIONS, reportFormat, sessionFor, TIMEOUT_HELP } from './planCommon';

export const healthCommand: CliCommand = {
  name: 'health',
  summary: 'Is the integration still healthy? Scheduled runs, content sync, certificate, completions',
  help: `Usage: oli health [--env NAME] [--plan FILE] [--json | --format md] [--out FILE] [--verbose] [--timeout SECONDS]

After the setup, what a support rotation checks first thing in the morning, read-only:
  - each scheduled process the plan relies on: its recurring request (daily schedule), its latest
    runs (state, start and end, from ESS's documented request fields) and the next one; a failed
    run, a run waiting or running too long, or no recent success is a finding with what to check;
  - the content sync's last success (Load and Synchronize External Course Data, and the bulk
    ingest for xAPI providers);
  - the inbound certificate's days left (jwt variant; a warning from plan health.certificateWarningDays,
    default 30, an error within 7 days or once expired);
  - the last completion read back, where the administrator may read learning records
    (learnerLearningRecords applies to the learner: an administrator usually sees only their own).
Every finding has a level (ok, info, warning, unknown: could not be read, error) and its basis.
The run is kept in .oracle-learning/<env>.state.json (the last health and the history).
Exit 0 when everything is ok, 1 with a warning or something unreadable, 2 with an error (or a
usage or connection error). Thresholds: the plan's "health" section.
${TIMEOUT_HELP}`,
  options: { ...PLAN_OPTIONS, format: { type: 'string' }, out: { type: 'string' } },
  async run(values, _positionals, io) {
    const format = reportFormat(values);
    const { options, statePath } = await sessionFor(values, io);
    const report = await runHealth({ ...options, onProgress: (m) => io.stderr(`${m}\n`) });
    // Under the state file's lock, on top of what another command saved meanwhile.
    await updateState(statePath, options.environment, (s) => recordHealth(s, report, 'cli'), { owner: `oli health (process ${process.pid})` });
    await emitReport(values, io, format === 'json' ? JSON.stringify(report, null, 2) + '\n' : format === 'md' ? healthToMarkdown(report) : healthToText(report), 'Health report');
    return healthExitCode(report.level);
  },
};
