import * as l10n from '@vscode/l10n';
import * as z from 'zod';
import { BASES } from '../../oracle/basis';

/**
 * Levels of a health finding, the sub-check outcomes' counterparts: `ok` (checked, fine), `info`
 * (nothing to act on, said for completeness, e.g. what Oracle does not let an administrator read),
 * `warning`, `unknown` (could not be read: the answer, and what grants it) and `error`.
 * Exit codes: 0 when every finding is ok or info, 1 with a warning or an unknown, 2 with an error.
 */
export const HEALTH_LEVELS = ['ok', 'info', 'warning', 'unknown', 'error'] as const;
export type HealthLevel = (typeof HEALTH_LEVELS)[number];

export const HEALTH_AREAS = ['schedule', 'run', 'content-sync', 'certificate', 'rotation', 'completions'] as const;

export const healthFindingSchema = z.lazy(() => z.strictObject({
  id: z.string(),
  area: z.enum(HEALTH_AREAS),
  level: z.enum(HEALTH_LEVELS),
  title: z.string(),
  message: z.string(),
  /** What to check or do next (warnings, unknowns and errors). */
  check: z.string().optional(),
  basis: z.enum(BASES),
}));
export type HealthFinding = z.infer<typeof healthFindingSchema>;

const runSchema = z.lazy(() => z.strictObject({
  requestId: z.number(),
  state: z.string(),
  /** scheduledTime of the run (or its submission). */
  scheduledTime: z.string().optional(),
  start: z.string().optional(),
  end: z.string().optional(),
  stateDescription: z.string().optional(),
  /** A run of the schedule (a child request) or a one-off submitted by hand. */
  kind: z.enum(['scheduled', 'one-off']),
}));
export type HealthRun = z.infer<typeof runSchema>;

export const processHealthSchema = z.lazy(() => z.strictObject({
  key: z.string(),
  name: z.string(),
  jobDefinitionId: z.string().nullable(),
  /** The daily schedule (recurring request), when one was found. */
  schedule: z.strictObject({ requestId: z.number(), state: z.string(), startTime: z.string().optional(), frequency: z.string().optional() }).nullable(),
  /** The latest runs, newest first (at most 3). */
  lastRuns: z.array(runSchema),
  lastSuccess: z.string().nullable(),
  nextRun: z.strictObject({ at: z.string(), from: z.enum(['waiting run', 'schedule definition']), requestId: z.number().optional() }).nullable(),
}));
export type ProcessHealth = z.infer<typeof processHealthSchema>;

/** What `oli health` found on one environment (also kept, the last one, in the environment's state). */
export const healthReportSchema = z.lazy(() => z.strictObject({
  environment: z.string(),
  url: z.string(),
  at: z.string(),
  level: z.enum(HEALTH_LEVELS),
  /** Request attempts made. */
  requests: z.number().int().nonnegative(),
  findings: z.array(healthFindingSchema),
  processes: z.array(processHealthSchema),
  certificate: z
    .strictObject({ file: z.string(), subject: z.string(), notAfter: z.string(), daysLeft: z.number(), warnDays: z.number(), sha1: z.string() })
    .optional(),
}));
export type HealthReport = z.infer<typeof healthReportSchema>;

const RANK: Record<HealthLevel, number> = { ok: 0, info: 0, warning: 1, unknown: 1, error: 2 };

/** The worst level of some findings (unknown ranks with warning, info with ok). */
export function worstLevel(levels: Iterable<HealthLevel>): HealthLevel {
  let worst: HealthLevel = 'ok';
  for (const l of levels) if (RANK[l] > RANK[worst]) worst = l;
  return worst;
}

/** The exit code of a level: 0 ok or info, 1 warning or unknown, 2 error. */
export function healthExitCode(level: HealthLevel): 0 | 1 | 2 {
  return RANK[level] as 0 | 1 | 2;
}

/** "2 errors, 1 warning, 1 unknown" (or "all ok"). */
export function healthSummary(findings: HealthFinding[]): string {
  const count = (l: HealthLevel) => findings.filter((f) => f.level === l).length;
  const errors = count('error');
  const warnings = count('warning');
  const unknowns = count('unknown');
  // One phrase per count, singular and plural apart (a translator sees whole phrases).
  const parts = [
    errors === 1 ? l10n.t('1 error') : errors ? l10n.t('{0} errors', errors) : '',
    warnings === 1 ? l10n.t('1 warning') : warnings ? l10n.t('{0} warnings', warnings) : '',
    unknowns ? l10n.t('{0} unknown', unknowns) : '',
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : l10n.t('all ok ({0} findings)', findings.length);
}
