import { z } from 'zod';
import { STEP_IDS, STEP_STATUSES, type StepId, type StepStatus } from './stepIds';

export const attestationSchema = z.strictObject({
  by: z.string().min(1),
  at: z.string(),
  note: z.string().min(1).max(4000),
});
export type Attestation = z.infer<typeof attestationSchema>;

export const subCheckSchema = z.strictObject({
  id: z.string(),
  title: z.string(),
  outcome: z.enum(['pass', 'fail', 'warn', 'unknown', 'info']),
  message: z.string(),
});
/** One finding inside a step (shown as a child of the step in the tree). */
export type SubCheck = z.infer<typeof subCheckSchema>;

export const stepResultSchema = z.strictObject({
  id: z.enum(STEP_IDS),
  status: z.enum(STEP_STATUSES),
  /** One line: why this status, and what to do next. */
  detail: z.string(),
  checks: z.array(subCheckSchema),
  checkedAt: z.string(),
  attestation: attestationSchema.optional(),
  /** Non-secret facts found (ids, thumbprints, request ids) for the report. */
  evidence: z.record(z.string(), z.unknown()).optional(),
});
export type StepResult = z.infer<typeof stepResultSchema>;

export function result(id: StepId, status: StepStatus, detail: string, checks: SubCheck[] = [], evidence?: Record<string, unknown>): StepResult {
  return { id, status, detail, checks, checkedAt: new Date().toISOString(), ...(evidence ? { evidence } : {}) };
}
