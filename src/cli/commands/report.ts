import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ExitCode, UsageError } from '../errors';
import { buildReport, reportToMarkdown } from '../../core/plan/report';
import type { CliCommand } from './registry';
import { actorName, allSatisfied, engineFor, PLAN_OPTIONS } from './planCommon';

export const reportCommand: CliCommand = {
  name: 'report',
  summary: 'Write the audit record of an environment (Markdown or JSON)',
  help: `Usage: oli report [--env NAME] [--plan FILE] [--format md|json] [--out FILE]

Re-checks every step and writes the audit record: environment, steps, statuses, who attested
what and when, evidence, and the history of requests made. Never holds a secret.`,
  options: { ...PLAN_OPTIONS, format: { type: 'string' }, out: { type: 'string' } },
  async run(values, _positionals, io) {
    const format = (values.format as string | undefined) ?? (values.json ? 'json' : 'md');
    if (format !== 'md' && format !== 'json') throw new UsageError('--format is md or json.');
    const { engine, loaded } = await engineFor(values, io);
    const results = await engine.status();
    const report = buildReport({ plan: loaded.plan, environment: loaded.environment, url: loaded.url, steps: engine.steps, results, state: engine.state, actor: actorName(io) });
    const text = format === 'json' ? JSON.stringify(report, null, 2) + '\n' : reportToMarkdown(report);
    if (values.out) {
      const out = resolve(io.cwd, values.out as string);
      await writeFile(out, text, 'utf8');
      io.stderr(`Report written to ${out}\n`);
    } else io.stdout(text);
    return allSatisfied(results) ? ExitCode.ok : ExitCode.problem;
  },
};
