import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../errors';
import { EnvCredentialStore } from '../../core/model/credentials';
import { loadState, saveState, statePath } from '../../core/plan/stateStore';
import { recordHealth, runHealth } from '../../core/health/health';
import { healthExitCode } from '../../core/health/report';
import { healthToMarkdown, healthToText } from '../../core/health/render';
import type { CliCommand } from './registry';
import { loadPlanFor, PLAN_OPTIONS, requestTimeoutMs, TIMEOUT_HELP, traceLogger } from './planCommon';

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
    const format = (values.format as string | undefined) ?? (values.json ? 'json' : 'text');
    if (!['text', 'md', 'json'].includes(format)) throw new UsageError('--format is md or json (or leave it out for text).');
    const loaded = await loadPlanFor(values, io);
    const credentials = await new EnvCredentialStore(io.env).get(loaded.environment);
    const path = statePath(loaded.planDir, loaded.environment);
    const state = await loadState(path, loaded.environment);
    const timeoutMs = requestTimeoutMs(values);
    const onLog = traceLogger(values, io);
    const report = await runHealth({
      plan: loaded.plan,
      planDir: loaded.planDir,
      environment: loaded.environment,
      credentials,
      state,
      signal: io.signal,
      onProgress: (m) => io.stderr(`${m}\n`),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(onLog ? { onLog } : {}),
    });
    recordHealth(state, report, 'cli');
    await saveState(path, state);
    const text = format === 'json' ? JSON.stringify(report, null, 2) + '\n' : format === 'md' ? healthToMarkdown(report) : healthToText(report);
    if (values.out) {
      const out = resolve(io.cwd, values.out as string);
      await writeFile(out, text, 'utf8');
      io.stderr(`Health report written to ${out}\n`);
    } else io.stdout(text);
    return healthExitCode(report.level);
  },
};
