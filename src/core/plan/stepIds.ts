/** Stable ids of the integration steps, in Oracle's documented order. */
export const STEP_IDS = [
  'provider-account',
  'sso',
  'learner-identity',
  'self-paced-learning',
  'job-role',
  'integration-user',
  'external-provider',
  'provider-credentials',
  'api-authentication',
  'scheduled-processes',
  'reconcile-user-groups',
] as const;
export type StepId = (typeof STEP_IDS)[number];

export const STEP_STATUSES = ['done', 'needs-action', 'failed', 'attested', 'blocked', 'not-applicable', 'unknown'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/** A status that lets dependants proceed. */
export function isSatisfied(status: StepStatus): boolean {
  return status === 'done' || status === 'attested' || status === 'not-applicable';
}
