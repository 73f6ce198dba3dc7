import { stat } from 'node:fs/promises';
import { ScimLookupError, type ScimLookupLearned } from '../../../oracle/scimUsers';
import { checkIdentities, readIdentifiers, type IdentityReport, type LearnerRow } from '../identity';
import { LEARNER_SAMPLE_SIZE, type StepContext } from '../context';
import { fail, info, pass, unknown, warn, type CheckOutcome, type StepBehaviour } from './behaviour';
import * as l10n from '@vscode/l10n';

/** Users read at most, in a status, when the pod accepts no email filter (a fuller check: oli identity). */
const STATUS_MAX_SCAN = 20_000;

/** The lookup options of a status: what `oli probe` learnt about the pod's filters, and a bounded scan. */
function lookupOptions(ctx: StepContext, onLearn: (l: ScimLookupLearned) => void) {
  const scim = ctx.state.probe?.scim;
  return { ...(ctx.signal ? { signal: ctx.signal } : {}), ...(scim ? { settings: scim } : {}), onLearn, maxScanUsers: STATUS_MAX_SCAN };
}

const SAMPLE_SIZE = LEARNER_SAMPLE_SIZE;

/** A learner list up to this size is read whole while the sign-in request is in flight; a larger one is streamed by the check. */
const READ_AHEAD_MAX_BYTES = 1 << 20;

/**
 * The rows of the plan's learner list when it is small enough to hold (read once per context),
 * else undefined (the check streams the file). A file that cannot be read is the check's to report.
 */
function sampleRows(ctx: StepContext, path: string): Promise<LearnerRow[] | undefined> {
  return ctx.once('identity-sample-rows', async () => {
    const size = await stat(path).then(
      (s) => (s.isFile() ? s.size : undefined),
      () => undefined,
    );
    if (size === undefined || size > READ_AHEAD_MAX_BYTES) return undefined;
    const rows: LearnerRow[] = [];
    for await (const row of readIdentifiers(path, ctx.plan.learnerIdentifier)) rows.push(row);
    return rows;
  });
}

/** Learner identity: every learner must resolve to exactly one active user by the configured identifier. */
export const learnerIdentity: StepBehaviour = {
  async prepare(ctx) {
    if (ctx.plan.identitySample) await sampleRows(ctx, ctx.planRelative(ctx.plan.identitySample)).catch(() => undefined);
  },
  async check(ctx): Promise<CheckOutcome> {
    try {
      return await checkLearners(ctx);
    } catch (err) {
      if (!(err instanceof ScimLookupError)) throw err;
      return {
        status: 'unknown',
        detail: l10n.t('Could not look the learners up: {0}', err.message),
        checks: [unknown('resolved', l10n.t('Resolved'), err.message, 'inferred')],
      };
    }
  },
};

async function checkLearners(ctx: StepContext): Promise<CheckOutcome> {
    const by = ctx.plan.learnerIdentifier;
    let learned: ScimLookupLearned | undefined;
    const options = lookupOptions(ctx, (l) => (learned = l));
    let report: IdentityReport;
    let source: string;
    if (ctx.plan.identitySample) {
      source = `the learner list ${ctx.plan.identitySample}`;
      const path = ctx.planRelative(ctx.plan.identitySample);
      report = await checkIdentities(ctx.client, (await sampleRows(ctx, path)) ?? readIdentifiers(path, by), by, options);
    } else {
      // No list: a fixed-size sample of the tenant's users, checked the same way (two requests whatever the tenant size).
      source = `a sample of ${SAMPLE_SIZE} users`;
      const active = (await ctx.learnerSample()).filter((u) => u.active);
      const values: string[] = [];
      let withoutEmail = 0;
      for (const u of active) {
        if (by === 'username') values.push(u.userName);
        else {
          const email = u.emails?.find((e) => e.primary && (e.type ?? 'W') === 'W')?.value ?? u.emails?.find((e) => e.type === 'W')?.value;
          if (email) values.push(email);
          else withoutEmail++;
        }
      }
      report = await checkIdentities(ctx.client, values, by, options);
      if (withoutEmail) {
        report.summary.total += withoutEmail;
        report.summary.missing += withoutEmail;
        report.problems.push({ value: `${withoutEmail} sampled users`, problem: 'missing', message: l10n.t('active users without a primary work email cannot be identified by email') });
      }
    }
    const s = report.summary;
    const checks = [
      info('identifier', l10n.t('Identifier'), by === 'email' ? 'Learners are identified by primary work email (xAPI actor.mbox).' : 'Learners are identified by Oracle user name (xAPI actor.account.name).', 'documented'),
      s.matched === s.total
        ? pass('resolved', l10n.t('Resolved'), l10n.t('{0} of {1} identifiers from {2} resolve to exactly one active user.', s.matched, s.total, source), 'documented')
        : warn('resolved', l10n.t('Resolved'), l10n.t('{0} of {1} identifiers from {2} resolve to exactly one active user.', s.matched, s.total, source), 'documented'),
    ];
    const fallbacks = (learned as ScimLookupLearned | undefined)?.fallbacks ?? [];
    if (fallbacks.length) checks.push(info('lookup', l10n.t('How users were looked up'), l10n.t('{0} (run oli probe once to remember it).', fallbacks.join('; ')), 'inferred'));
    for (const p of report.problems.slice(0, 20)) checks.push(fail(`${p.problem}:${p.value}`, p.problem, l10n.t('{0}: {1}{2}', p.value, p.message, p.users ? ` (${p.users.join(', ')})` : ''), 'documented'));
    const problems = s.total - s.matched;
    return {
      status: problems === 0 && s.total > 0 ? 'done' : 'needs-action',
      detail:
        s.total === 0
          ? `No identifiers found in ${source}.`
          : problems === 0
            ? `All ${s.total} identifiers resolve to exactly one active user.`
            : `${problems} of ${s.total} identifiers would lose completions (${s.missing} missing, ${s.duplicate} duplicate, ${s.inactive} inactive, ${s.invalid} invalid). Fix the users in Oracle or the provider's data; details: oli identity FILE.`,
      checks,
      evidence: { source, summary: s },
    };
}
