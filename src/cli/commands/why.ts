import { UsageError } from '../errors';
import { updateState } from '../../core/plan/stateStore';
import { recordWhy, runWhy } from '../../core/why/why';
import { whyToMarkdown, whyToText } from '../../core/why/render';
import type { WhyOutcome } from '../../core/why/report';
import type { CliCommand } from './registry';
import { emitReport, PLAN_OPTIONS, reportFormat, sessionFor, TIMEOUT_HELP } from './planCommon';

/** `--since`: a date (YYYY-MM-DD, midnight UTC) or an ISO date-time. */
export function parseSince(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const v = raw.trim();
  const t = /^\d{4}-\d{2}-\d{2}$/.test(v) ? Date.parse(`${v}T00:00:00Z`) : /^\d{4}-\d{2}-\d{2}T/.test(v) ? Date.parse(v) : Number.NaN;
  if (Number.isNaN(t)) throw new UsageError(`--since is a date (2026-03-14) or an ISO date-time (2026-03-14T09:26:00Z), not "${v.slice(0, 40)}".`);
  return new Date(t).toISOString();
}

const EXIT: Record<WhyOutcome, number> = { landed: 0, 'should-have-landed': 0, 'not-yet': 1, 'cannot-tell': 1, 'not-landed': 1 };

export const whyCommand: CliCommand = {
  name: 'why',
  summary: "Why didn't a learner's completion land? A timeline checked against the pod, and a verdict",
  help: `Usage: oli why --learner ID --content ID|URL [--since DATE] [--env NAME] [--plan FILE] [--json | --format md] [--out FILE]

Follows one completion's way into Oracle Learning and checks each link against the pod, read-only:
the learner resolves to one active user by the identifier the provider sends (work email or user
name, per the plan; either may be given); the course is imported (by external id or URL); the
provider is configured with the integration user, who is active, holds the job role and is accepted
(API Authentication, certificate validity); the provider's documented delivery delay has passed
(Coursera: 4-hour batches; Udemy Business: near real time); "Process Learning Experience
Statements" ran successfully after the completion; and, where the administrator may read learning
records, the learner's record (a Coursera retake is another enrollment). It ends with a verdict and
the first broken link, in words a support desk can paste into a ticket.
--since: when the learner completed (2026-03-14 or 2026-03-14T09:26:00Z).
Exit 0 when it landed (or everything checkable holds), 1 when it did not land, is not due yet or
cannot be told, 2 on a usage or connection error. Kept in the environment's history.
${TIMEOUT_HELP}`,
  options: { ...PLAN_OPTIONS, learner: { type: 'string' }, content: { type: 'string' }, since: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' } },
  async run(values, _positionals, io) {
    const learner = (values.learner as string | undefined)?.trim();
    const content = (values.content as string | undefined)?.trim();
    if (!learner) throw new UsageError('--learner is required: the learner\'s primary work email or Oracle user name.');
    if (!content) throw new UsageError('--content is required: the provider\'s external content id or the course URL.');
    const since = parseSince(values.since as string | undefined);
    const format = reportFormat(values);
    const { options, statePath } = await sessionFor(values, io);
    const report = await runWhy({ ...options, learner, content, ...(since ? { since } : {}), onProgress: (m) => io.stderr(`${m}\n`) });
    await updateState(statePath, options.environment, (s) => recordWhy(s, report, 'cli'), { owner: `oli why (process ${process.pid})` });
    await emitReport(values, io, format === 'json' ? JSON.stringify(report, null, 2) + '\n' : format === 'md' ? whyToMarkdown(report) : whyToText(report), 'Why report');
    return EXIT[report.verdict.outcome];
  },
};
