import * as z from 'zod';
import { STEP_IDS, STEP_STATUSES, type StepId, type StepStatus } from './stepIds';
import { BASES, weakestBasis, type Basis } from '../../oracle/basis';

export { BASES, type Basis };

export const attestationSchema = z.lazy(() => z.strictObject({
  by: z.string().min(1),
  at: z.string(),
  note: z.string().min(1).max(4000),
}));
export type Attestation = z.infer<typeof attestationSchema>;

export const subCheckSchema = z.lazy(() => z.strictObject({
  id: z.string(),
  title: z.string(),
  outcome: z.enum(['pass', 'fail', 'warn', 'unknown', 'info']),
  message: z.string(),
  /** What the finding rests on: Oracle's documentation, our inference, or a sandbox stand-in (absent only in state files older than issue 10). */
  basis: z.enum(BASES).optional(),
}));
/** One finding inside a step (shown as a child of the step in the tree). */
export type SubCheck = z.infer<typeof subCheckSchema>;

export const stepResultSchema = z.lazy(() => z.strictObject({
  id: z.enum(STEP_IDS),
  status: z.enum(STEP_STATUSES),
  /** One line: why this status, and what to do next. */
  detail: z.string(),
  checks: z.array(subCheckSchema),
  checkedAt: z.string(),
  attestation: attestationSchema.optional(),
  /** Non-secret facts found (ids, thumbprints, request ids) for the report. */
  evidence: z.record(z.string(), z.unknown()).optional(),
  /** The weakest basis among the findings that decided the status. */
  basis: z.enum(BASES).optional(),
}));
export type StepResult = z.infer<typeof stepResultSchema>;

export function result(id: StepId, status: StepStatus, detail: string, checks: SubCheck[] = [], evidence?: Record<string, unknown>): StepResult {
  const basis = stepBasis(checks);
  return { id, status, detail, checks, checkedAt: new Date().toISOString(), ...(evidence ? { evidence } : {}), ...(basis ? { basis } : {}) };
}

/**
 * The basis of a step's status: the weakest among its deciding findings (pass, fail, warn,
 * unknown); informational ones count only when nothing else was found.
 */
export function stepBasis(checks: SubCheck[]): Basis | undefined {
  const deciding = checks.filter((c) => c.outcome !== 'info');
  return weakestBasis((deciding.length ? deciding : checks).map((c) => c.basis ?? 'inferred'));
}

/** Short marks for the CLI and the Markdown report, with their legend. */
export const BASIS_MARK: Record<Basis, string> = { documented: 'D', inferred: 'I', 'stand-in': 'S' };
export const BASIS_LEGEND = 'Basis: [D] documented by Oracle · [I] inferred (Oracle publishes nothing; a pod may differ) · [S] sandbox stand-in (not Oracle\'s)';
